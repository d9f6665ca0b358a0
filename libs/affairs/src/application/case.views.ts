import { maskName, toShanghaiDate } from '@guangfo/kernel';
import type { Principal } from '@guangfo/platform';
import type {
  CaseActor,
  CaseChannel,
  CaseEntry,
  CaseMaterial,
  CaseMode,
  CaseState,
  DecisionOutcome,
  LocalizedText,
  SupplementItem,
} from './case.types.js';
import { availableActions, type CaseAction, type CaseAggregate, holderOf, type Performer } from '../domain/case.aggregate.js';
import type { CaseDeadline } from '../domain/case-deadline.js';
import type { CaseRow, EvaluationRow, NoteRow, RequestRow } from '../infrastructure/case.repository.js';

/** Who is looking at a case; decides what is shown (object-level access is checked before). */
export type Viewer =
  | { kind: 'owner'; sub: string }
  | { kind: 'staff'; role: 'clerk' | 'supervisor'; sub: string; city: string; hall?: string }
  | { kind: 'partner'; id: string };

/** What access to a case depends on besides the principal and the row (looked up by CaseQueryService). */
export interface AccessFacts {
  /** The applicant's clear ID number (decrypted only when a resident's account is linked to the case). */
  applicantIdNumber: () => string;
  /** Partners: the catalogue items whose cases they may read (granted or subscribed). */
  partnerItems?: ReadonlySet<string>;
}

/**
 * The viewer a principal is for a case, or null when the case must look like it does not exist.
 * - A resident is the owner only when the case is linked to their account AND their token's
 *   verified identity is the applicant's: a clerk who links a stranger's case to an account does
 *   not show that stranger's data to it.
 * - A partner with `cases:read` sees only the cases of the items it is granted or subscribed to.
 */
export const viewerFor = (p: Principal, row: Pick<CaseRow, 'applicant_sub' | 'item_code'>, facts: AccessFacts): Viewer | null => {
  if (p.kind === 'partner')
    return p.scopes.includes('cases:read') && facts.partnerItems?.has(row.item_code) ? { kind: 'partner', id: p.id } : null;
  switch (p.role) {
    case 'resident':
      return row.applicant_sub === p.sub && p.identity !== undefined && facts.applicantIdNumber() === p.identity.idNumber
        ? { kind: 'owner', sub: p.sub }
        : null;
    case 'clerk':
    case 'supervisor':
      // The guard checked the caller belongs to this node's city; every case stored here involves this city.
      return { kind: 'staff', role: p.role, sub: p.sub, city: p.city, ...(p.hall ? { hall: p.hall } : {}) };
    case 'admin':
      return null;
  }
};

export interface CaseSummaryView {
  id: string;
  itemCode: string;
  itemName: LocalizedText;
  mode: CaseMode;
  channel: CaseChannel;
  state: CaseState;
  outcome: DecisionOutcome | null;
  version: number;
  /** The city that acts next (null once closed), and whether that is this city. */
  holderCity: string | null;
  heldHere: boolean;
  applicantCity: string;
  receivingCity: string;
  administeringCity: string;
  applicant: { name: string; idNumber: string; sub?: string | null };
  deadline: CaseDeadline;
  /** The next steps, who performs each and where. */
  availableActions: { action: CaseAction; performer: Performer; city: string }[];
  claim: { clerk: string; hall: string | null; expiresAt: string } | null;
  hall: string | null;
  filedAt: string;
  updatedAt: string;
}

export interface TimelineEntryView extends Omit<CaseEntry, 'detail'> {
  detail: Record<string, unknown>;
  authorCity: string;
}

export interface CaseDetailView extends CaseSummaryView {
  catalogueVersion: string;
  originCity: string;
  participants: string[];
  requiresIntake: boolean;
  implementationCodes: { receiving: string; administering: string };
  timeLimits: { committed: number; legal: number | null };
  materials: CaseMaterial[];
  supplement: { requestedAt: string; items: SupplementItem[]; answeredAt: string | null } | null;
  decision: CaseAggregate['decision'];
  delivery: CaseAggregate['delivery'];
  timeline: TimelineEntryView[];
  evaluation: {
    rating: number;
    level: string;
    comment: string | null;
    evaluatedAt: string;
    /** 追评: the applicant's one follow-up rating, if given. */
    followUp: { rating: number; level: string; comment: string | null; followedUpAt: string } | null;
  } | null;
  requests: { id: string; kind: 'withdraw'; status: RequestRow['status']; createdAt: string; resolvedAt: string | null }[];
  /** Internal notes of this city's clerks (never sent to the other city); staff only. */
  notes?: { author: string; hall: string | null; seq: number | null; text: string; at: string }[];
}

export interface ViewInput {
  row: CaseRow;
  city: string;
  viewer: Viewer;
  deadline: CaseDeadline;
  /** The clear ID number, given only when the viewer is its owner. */
  idNumber?: string;
  now: Date;
}

export const summaryView = ({ row, city, viewer, deadline, idNumber, now }: ViewInput): CaseSummaryView => {
  const c = row.aggregate;
  const f = c.filing;
  const holder = holderOf(c);
  const staff = viewer.kind === 'staff';
  const claimActive = row.claimed_by !== null && row.claim_expires_at !== null && row.claim_expires_at > now;
  return {
    id: c.id,
    itemCode: f.itemCode,
    itemName: f.itemName,
    mode: f.mode,
    channel: f.channel,
    state: c.state,
    outcome: c.outcome,
    version: c.version,
    holderCity: holder,
    heldHere: holder === city,
    applicantCity: f.applicantCity,
    receivingCity: f.receivingCity,
    administeringCity: f.administeringCity,
    applicant: {
      name: viewer.kind === 'partner' ? maskName(f.applicant.name) : f.applicant.name,
      idNumber: viewer.kind === 'owner' && idNumber ? idNumber : row.applicant_id_masked,
      ...(viewer.kind === 'partner' ? {} : { sub: f.applicant.sub }),
    },
    deadline,
    availableActions: availableActions(c, {
      today: toShanghaiDate(now),
      supplementNoticeDueOn: deadline.acceptance?.supplementNoticeDueOn,
    }),
    claim: staff && claimActive ? { clerk: row.claimed_by!, hall: row.claimed_hall, expiresAt: row.claim_expires_at!.toISOString() } : null,
    hall: staff ? row.local_hall : null,
    filedAt: row.filed_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
};

/** Entries as shown: a partner sees the steps, not who took them. */
const entryView = (e: { entry: CaseEntry; author_city: string }, viewer: Viewer): TimelineEntryView => {
  const actor: CaseActor = viewer.kind === 'partner' ? { role: e.entry.actor.role, id: '***', city: e.entry.actor.city } : e.entry.actor;
  return { ...e.entry, actor, detail: e.entry.detail as Record<string, unknown>, authorCity: e.author_city };
};

export const detailView = (
  input: ViewInput,
  extra: { timeline: { entry: CaseEntry; author_city: string }[]; notes: NoteRow[]; evaluation?: EvaluationRow; requests: RequestRow[] },
): CaseDetailView => {
  const c = input.row.aggregate;
  const f = c.filing;
  const at = (seq: number | null | undefined) => (seq ? (extra.timeline.find((e) => e.entry.seq === seq)?.entry.at ?? null) : null);
  return {
    ...summaryView(input),
    catalogueVersion: f.catalogueVersion,
    originCity: f.originCity,
    participants: f.participants,
    requiresIntake: f.requiresIntake,
    implementationCodes: f.implementationCodes,
    timeLimits: f.timeLimits,
    materials: [...c.materials],
    supplement: c.supplement
      ? { requestedAt: at(c.supplement.seq) ?? '', items: [...c.supplement.items], answeredAt: at(c.supplement.answeredSeq) }
      : null,
    decision: c.decision,
    delivery: c.delivery,
    timeline: extra.timeline.map((e) => entryView(e, input.viewer)),
    evaluation: extra.evaluation
      ? {
          rating: extra.evaluation.rating,
          level: extra.evaluation.level,
          comment: extra.evaluation.comment,
          evaluatedAt: extra.evaluation.evaluated_at.toISOString(),
          followUp: followUpView(extra.evaluation),
        }
      : null,
    requests:
      input.viewer.kind === 'partner'
        ? []
        : extra.requests.map((r) => ({
            id: r.id,
            kind: r.kind,
            status: r.status,
            createdAt: r.created_at.toISOString(),
            resolvedAt: r.resolved_at?.toISOString() ?? null,
          })),
    ...(input.viewer.kind === 'staff'
      ? { notes: extra.notes.map((n) => ({ author: n.author, hall: n.hall, seq: n.seq, text: n.text, at: n.at.toISOString() })) }
      : {}),
  };
};

const followUpView = (e: EvaluationRow): NonNullable<CaseDetailView['evaluation']>['followUp'] =>
  e.follow_up_rating !== null && e.followed_up_at !== null
    ? {
        rating: e.follow_up_rating,
        level: e.follow_up_level ?? '',
        comment: e.follow_up_comment,
        followedUpAt: e.followed_up_at.toISOString(),
      }
    : null;
