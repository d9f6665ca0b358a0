import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type CatalogueItem, CatalogueService, type Domain } from '@guangfo/catalogue';
import type { CaseChannel, CaseFiling, CaseMaterial, IdentityCheck, MaterialEvidence } from '@guangfo/contracts';
import { Clock, normalizeResidentId } from '@guangfo/kernel';
import { actorOf, AuditService, type FieldError, Idempotency, NODE_CONFIG, type NodeConfig, type UserPrincipal } from '@guangfo/platform';
import { affairsError } from '../affairs.errors.js';
import { AFFAIRS_OPTIONS } from './affairs.tokens.js';
import { caseActorOf } from './case-actor.js';
import { CaseLedger } from './case-ledger.service.js';
import { CaseQueryService } from './case-query.service.js';
import { CaseResult } from './case-result.js';
import { MaterialEvidenceService, type SubmittedEvidence } from './material-evidence.service.js';
import { CaseRepository } from '../infrastructure/case.repository.js';
import type { CaseDetailView } from './case.views.js';
import { fileCase } from '../domain/case.aggregate.js';

import type { FileCaseCommand, MaterialSubmission, SupplementResponse } from './case.commands.js';

export interface AffairsOptionsResolved {
  /** Catalogue domains whose items are filed as cases here. */
  itemDomains: readonly Domain[];
}

/** Idempotency-Key of POST /cases (per caller). */
const FILING_IDEMPOTENCY = new Idempotency('affairs.file-case', {
  invalid: (message) => affairsError('CASE_IDEMPOTENCY_KEY_INVALID', { detail: message }),
  reused: (message, caseId) => affairsError('CASE_IDEMPOTENCY_KEY_REUSED', { detail: message, extra: { caseId } }),
});

/** Turns one submitted material (filing or supplement) into evidence; null when it is not exactly one shape. */
export const evidenceOf = (
  m: Pick<MaterialSubmission, 'file' | 'fileId' | 'sha256' | 'credential'> & { missing?: true },
): MaterialEvidence | null => {
  const shapes = [m.file !== undefined, m.fileId !== undefined, m.credential !== undefined, m.missing === true].filter(Boolean).length;
  if (shapes !== 1) return null;
  if (m.file)
    return { kind: 'file', fileName: m.file.fileName, mediaType: m.file.mediaType, sizeBytes: m.file.sizeBytes, sha256: m.file.sha256 };
  if (m.fileId) return { kind: 'file-ref', fileId: m.fileId, ...(m.sha256 ? { sha256: m.sha256 } : {}) };
  if (m.credential)
    return { kind: 'credential', credentialType: m.credential.type, credentialId: m.credential.id, verification: 'pending' };
  return { kind: 'missing' };
};

/** Supplement answers: a material (or none) and/or text. */
export const supplementEvidence = (r: SupplementResponse): MaterialEvidence | undefined | null => {
  const any = r.file !== undefined || r.fileId !== undefined || r.credential !== undefined;
  return any ? evidenceOf(r) : undefined;
};

/**
 * 申请: a resident (online or at a self-service terminal) or a clerk at a window (on a resident's
 * behalf) files a case for a catalogue item, at the receiving city, for the administering city,
 * in a mode the item's route allows; materials are checked against the catalogue.
 */
@Injectable()
export class CaseFilingService {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    @Inject(AFFAIRS_OPTIONS) private readonly options: AffairsOptionsResolved,
    private readonly catalogue: CatalogueService,
    private readonly dataSource: DataSource,
    private readonly repo: CaseRepository,
    private readonly ledger: CaseLedger,
    private readonly queries: CaseQueryService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly evidence: MaterialEvidenceService,
  ) {}

  async file(p: UserPrincipal, dto: FileCaseCommand, idempotencyHeader?: string): Promise<CaseResult<CaseDetailView>> {
    const idempotencyKey = FILING_IDEMPOTENCY.key(idempotencyHeader);
    const { filing, idNumber, identityCheck } = this.prepare(p, dto);
    await this.evidence.check(p, this.submitted(filing.materials, dto.materials), idNumber);
    const caseId = randomUUID();
    const actor = actorOf(p);
    return this.dataSource.transaction(async (em) => {
      if (idempotencyKey !== undefined) {
        const k = await FILING_IDEMPOTENCY.claim(em, { caller: actor, key: idempotencyKey, body: dto, resourceId: caseId });
        if (k.replay) {
          const row = (await this.repo.find(em, k.resourceId))!;
          const view = await this.queries.detail(
            em,
            row,
            p.role === 'resident' ? { kind: 'owner', sub: p.sub } : { kind: 'staff', role: 'clerk', sub: p.sub, city: p.city },
          );
          await this.audit.record(
            { actor, action: 'case.file.replayed', resource: `case:${k.resourceId}`, outcome: 'success', detail: { idempotencyKey } },
            em,
          );
          return new CaseResult('replayed', view, view.version);
        }
      }
      const at = this.clock.now().toISOString();
      const entry = {
        seq: 1,
        kind: 'filed' as const,
        at,
        actor: caseActorOf(p),
        fromState: null,
        toState: 'submitted' as const,
        reasonCode: filing.channel === 'window' ? 'FILED_AT_WINDOW' : filing.channel === 'online' ? 'FILED_ONLINE' : 'FILED_AT_TERMINAL',
        detail: { mode: filing.mode, channel: filing.channel, identityCheck },
      };
      const c = fileCase(caseId, filing, entry);
      // The case, its first entry, its events to the other cities, its audit record and webhook: one statement.
      const written = await this.ledger.create(
        em,
        c,
        entry,
        { authorCity: this.config.cityCode, idNumber, localHall: p.role === 'clerk' ? (p.hall ?? null) : null },
        {
          send: { case: filing },
          audit: {
            actor,
            action: 'case.file',
            resource: `case:${caseId}`,
            outcome: 'success',
            detail: {
              itemCode: filing.itemCode,
              mode: filing.mode,
              administeringCity: filing.administeringCity,
              ...(idempotencyKey ? { idempotencyKey } : {}),
            },
          },
        },
      );
      await this.evidence.grant(em, MaterialEvidenceService.ofMaterials(filing.materials), filing.participants, actor);
      const note =
        dto.note && p.role === 'clerk'
          ? await this.repo.addNote(em, { caseId, seq: 1, author: p.sub, hall: p.hall ?? null, text: dto.note, at })
          : undefined;
      // Answered from what this transaction wrote (the new case has no other entry, request or evaluation): no read back.
      const view = this.queries.detailOf(
        written.row,
        { timeline: [written.entry], notes: note ? [note] : [], evaluation: undefined, requests: [] },
        p.role === 'resident'
          ? { kind: 'owner', sub: p.sub }
          : { kind: 'staff', role: 'clerk', sub: p.sub, city: p.city, ...(p.hall ? { hall: p.hall } : {}) },
        idNumber,
      );
      return new CaseResult('created', view, view.version);
    });
  }

  /** Checks the request against the catalogue and builds the filing. Throws 4xx problems. */
  private prepare(p: UserPrincipal, dto: FileCaseCommand): { filing: CaseFiling; idNumber: string; identityCheck: IdentityCheck } {
    const here = this.config.cityCode;
    const view = this.catalogue.getItem(dto.itemCode);
    const item = view as CatalogueItem;
    if (!this.options.itemDomains.includes(item.domain)) {
      throw affairsError('CASE_ITEM_NOT_HANDLED', {
        detail: `item ${item.code} belongs to the ${item.domain} domain; cases here cover ${this.options.itemDomains.join(', ')}`,
      });
    }
    const resident = p.role === 'resident';
    if (resident && dto.applicantCity !== undefined && dto.applicantCity !== p.city) {
      throw affairsError('CASE_APPLICANT_INVALID', { detail: `a resident files as a resident of their own city (${p.city})` });
    }
    const applicantCity = resident ? p.city : (dto.applicantCity ?? here);
    const channel: CaseChannel = dto.channel ?? (resident ? 'online' : 'window');
    if (resident && channel === 'window')
      throw affairsError('CASE_ROUTE_NOT_ALLOWED', { detail: "at a window, the clerk files the case on the resident's behalf" });
    if (!resident && channel !== 'window') throw affairsError('CASE_ROUTE_NOT_ALLOWED', { detail: 'clerks file at the window channel' });
    const route = item.routes.find(
      (r) =>
        r.from === applicantCity &&
        r.administeredBy === dto.administeringCity &&
        r.modes.includes(dto.mode) &&
        r.channels.includes(channel) &&
        // Online, the applicant's own node is the portal; otherwise the case is lodged where the route receives it.
        (dto.mode === 'online' ? here === r.receivedBy || here === r.from : here === r.receivedBy),
    );
    if (!route) {
      const allowed = item.routes
        .filter((r) => r.from === applicantCity)
        .map((r) => ({ receivedBy: r.receivedBy, administeredBy: r.administeredBy, modes: r.modes, channels: r.channels }));
      throw affairsError('CASE_ROUTE_NOT_ALLOWED', {
        detail: `item ${item.code} has no route for an applicant of ${applicantCity} filed at ${here} (${channel}) for ${dto.administeringCity} in mode ${dto.mode}`,
        extra: { allowedRoutes: allowed },
      });
    }
    const applicant = this.applicant(p, dto);
    const participants = [
      ...new Set([here, route.receivedBy, route.administeredBy, route.from, ...(dto.mode === 'joint' ? [route.to] : [])]),
    ];
    const impl = (city: string) => item.implementations.find((i) => i.city === city)!.code;
    return {
      idNumber: applicant.idNumber,
      identityCheck: applicant.identityCheck,
      filing: {
        itemCode: item.code,
        itemName: item.name,
        catalogueVersion: this.catalogue.version().version,
        mode: dto.mode,
        channel,
        applicantCity,
        receivingCity: route.receivedBy,
        administeringCity: route.administeredBy,
        originCity: here,
        participants,
        requiresIntake: dto.mode === 'proxy' || (dto.mode === 'joint' && route.receivedBy !== route.administeredBy),
        receivingHall: !resident && route.receivedBy === here ? (p.hall ?? null) : null,
        implementationCodes: { receiving: impl(route.receivedBy), administering: impl(route.administeredBy) },
        applicant: { sub: applicant.sub, name: applicant.name, idNumber: applicant.idNumber },
        materials: this.materials(item, dto.materials),
        timeLimits: { committed: item.timeLimits.committed, legal: item.timeLimits.legal },
      },
    };
  }

  /**
   * Who applies. A resident applies as the real-name-verified identity in their token, never as
   * whatever a body says; a clerk at a window records the applicant's document and how identity
   * was checked in person. A clerk-named resident account is kept as a link candidate only: the
   * account sees the case only while its verified identity is the applicant's (see CaseAccess).
   */
  private applicant(
    p: UserPrincipal,
    dto: FileCaseCommand,
  ): { sub: string | null; name: string; idNumber: string; identityCheck: IdentityCheck } {
    if (p.role === 'resident') {
      if (!p.identity)
        throw affairsError('CASE_IDENTITY_NOT_VERIFIED', {
          detail: 'the token carries no real-name-verified identity (idv); complete 实名认证 with the identity provider',
        });
      const a = dto.applicant;
      if (a) {
        const claimed = normalizeResidentId(a.idNumber ?? '', { now: this.clock.now() });
        if (claimed !== p.identity.idNumber || (a.name !== undefined && a.name.trim() !== p.identity.name)) {
          throw affairsError('CASE_APPLICANT_NOT_SELF', {
            detail: 'a resident files as their own verified identity; leave applicant out',
            fieldErrors: [{ field: 'applicant', rule: 'isSelf', message: 'must be the verified identity of the token (or left out)' }],
          });
        }
      }
      return { sub: p.sub, name: p.identity.name, idNumber: p.identity.idNumber, identityCheck: `token:${p.identity.assurance}` };
    }
    const a = dto.applicant;
    if (!a)
      throw affairsError('CASE_APPLICANT_INVALID', {
        detail: 'applicant is required when a clerk files at a window',
        fieldErrors: [{ field: 'applicant', rule: 'required', message: 'applicant is required' }],
      });
    const idNumber = normalizeResidentId(a.idNumber, { now: this.clock.now() });
    if (!idNumber) {
      throw affairsError('CASE_APPLICANT_INVALID', {
        detail: 'applicant.idNumber is not a valid 18-character 公民身份号码 (GB 11643)',
        fieldErrors: [
          { field: 'applicant.idNumber', rule: 'isResidentId', message: 'invalid 公民身份号码 (check digit, birth date or region)' },
        ],
      });
    }
    if (!a.identityCheck) {
      throw affairsError('CASE_APPLICANT_INVALID', {
        detail: "a window filing records how the applicant's identity was checked in person",
        fieldErrors: [
          { field: 'applicant.identityCheck', rule: 'required', message: 'one of id-card-reader, id-card-inspection, face-match' },
        ],
      });
    }
    return { sub: a.sub ?? null, name: a.name.trim(), idNumber, identityCheck: `in-person:${a.identityCheck}` };
  }

  /** Pairs each recorded material's evidence with what was submitted for it (credential documents). */
  private submitted(materials: CaseMaterial[], dtos: MaterialSubmission[]): SubmittedEvidence[] {
    return materials.map((m) => {
      const i = dtos.findIndex((d) => d.materialId === m.materialId);
      return { field: `materials.${i}`, evidence: m.evidence, ...(dtos[i]?.credential ? { document: dtos[i].credential!.document } : {}) };
    });
  }

  /** The item's materials as submitted; every required one must be present, provided or marked missing. */
  private materials(item: CatalogueItem, submitted: MaterialSubmission[]): CaseMaterial[] {
    const errors: FieldError[] = [];
    const byId = new Map(item.materials.map((m) => [m.id, m]));
    const given = new Map<string, MaterialEvidence>();
    submitted.forEach((s, i) => {
      const m = byId.get(s.materialId);
      const field = `materials.${i}`;
      if (!m)
        return errors.push({
          field: `${field}.materialId`,
          rule: 'catalogueMaterial',
          message: `${s.materialId} is not a material of ${item.code} (${item.materials.map((x) => x.id).join(', ')})`,
        });
      if (given.has(s.materialId))
        return errors.push({ field: `${field}.materialId`, rule: 'unique', message: `${s.materialId} is listed twice` });
      const ev = evidenceOf(s);
      if (!ev) return errors.push({ field, rule: 'oneOf', message: 'give exactly one of file, fileId, credential or missing: true' });
      if (ev.kind === 'credential' && !m.replaceableBy.includes(ev.credentialType)) {
        return errors.push({
          field: `${field}.credential.type`,
          rule: 'replaceableBy',
          message: `${ev.credentialType} cannot replace ${m.id} (accepted: ${m.replaceableBy.join(', ') || 'none'})`,
        });
      }
      given.set(s.materialId, ev);
    });
    if (errors.length)
      throw affairsError('CASE_MATERIALS_INVALID', { detail: 'materials do not match the catalogue item', fieldErrors: errors });
    const absent = item.materials.filter((m) => m.required && !given.has(m.id)).map((m) => m.id);
    if (absent.length) {
      throw affairsError('CASE_MATERIALS_INCOMPLETE', {
        detail: `list every required material, provided or marked missing: true (absent: ${absent.join(', ')})`,
        extra: { absent },
        fieldErrors: absent.map((id) => ({ field: 'materials', rule: 'required', message: `${id} is required` })),
      });
    }
    return item.materials
      .filter((m) => given.has(m.id))
      .map((m) => {
        const evidence = given.get(m.id)!;
        return {
          materialId: m.id,
          name: m.name,
          required: m.required,
          status: evidence.kind === 'missing' ? 'missing' : 'provided',
          evidence,
        };
      });
  }
}
