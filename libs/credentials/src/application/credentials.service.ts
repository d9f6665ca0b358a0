import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CatalogueService } from '@guangfo/catalogue';
import type { CredentialStatusReasonCode } from '@guangfo/contracts';
import { Clock, toShanghaiDate } from '@guangfo/kernel';
import {
  actorOf,
  AuditService,
  type FieldError,
  Idempotency,
  IDEMPOTENT_REPLAY_STATUS,
  NODE_CONFIG,
  type NodeConfig,
  type Principal,
} from '@guangfo/platform';
import {
  type CredentialDocument,
  CREDENTIAL_FORMAT,
  credentialDocumentSchema,
  type SignedCredential,
  signCredential,
} from '../domain/credential.document.js';
import { formatCredentialNumber } from '../domain/credential-number.js';
import { type CredentialRow, CredentialRepository, type CredentialStatus } from '../infrastructure/credential.repository.js';
import { credentialsError } from '../credentials.errors.js';
import { type HolderCodeType, maskHolderCode } from '../domain/holder-code.js';
import { IssuerKeyService } from './issuer-keys.service.js';
import { isAuthorised } from '../domain/issuing-authorities.js';
import { IssuingAuthorityService } from './issuing-authority.service.js';
import { CredentialRegistryService } from './registry.service.js';

export type { CredentialRow, CredentialStatus } from '../infrastructure/credential.repository.js';
export { HOLDER_CONDITION } from '../infrastructure/credential.repository.js';
export type CredentialAction = 'suspend' | 'reinstate' | 'revoke';

export const REVOKE_REASON_CODES = [
  'ISSUED_IN_ERROR',
  'SUPERSEDED',
  'CANCELLED',
  'WITHDRAWN',
  'OTHER',
] as const satisfies readonly CredentialStatusReasonCode[];
export const SUSPEND_REASON_CODES = ['UNDER_REVIEW', 'REPORTED_LOST', 'OTHER'] as const satisfies readonly CredentialStatusReasonCode[];

/**
 * Why a member of staff needs a holder's full ID number (the `purpose` of GET /credentials/{id}),
 * and which roles may state it. Without one, staff and partners see the number masked.
 */
export const FULL_READ_PURPOSES = {
  IDENTITY_CHECK: { zh: '窗口当面核对持证人身份', en: 'Checking the holder in person at the window', roles: ['clerk', 'supervisor'] },
  CORRECTION: { zh: '更正证照信息', en: 'Correcting the credential', roles: ['clerk', 'supervisor'] },
  COMPLAINT_REVIEW: { zh: '投诉或异议复核', en: 'Reviewing a complaint or objection', roles: ['supervisor'] },
  JUDICIAL_ASSISTANCE: { zh: '司法或监察协查', en: 'Assisting a judicial or supervisory inquiry', roles: ['supervisor'] },
} as const satisfies Record<string, { zh: string; en: string; roles: readonly string[] }>;
export type FullReadPurpose = keyof typeof FULL_READ_PURPOSES;
export const FULL_READ_PURPOSE_CODES = Object.keys(FULL_READ_PURPOSES) as FullReadPurpose[];

export interface IssueCredentialInput {
  typeCode: string;
  holder: { name: string; code: string; codeType: string };
  /** The resident's account (统一身份认证 subject) whose wallet lists the credential. */
  holderAccount?: string;
  /** Optional: the issuer is the body the caller acts for; if named, it must be that body. */
  issuer?: { name: string; code: string };
  issueDate?: string;
  validFrom: string;
  validTo?: string | null;
  attributes?: Record<string, string | number | boolean>;
}

export interface CredentialView {
  id: string;
  number: string;
  type: { code: string; name: string };
  holder: { name: string; code: string; codeType: string };
  holderAccount: string | null;
  issuer: { name: string; code: string; city: string };
  issueDate: string;
  validFrom: string;
  validTo: string | null;
  status: CredentialStatus;
  statusReasonCode: string | null;
  statusChangedAt: string | null;
  keyId: string;
  issuedAt: string;
  /** The signed document: what the holder presents and any city verifies (absent in a masked view: it holds the full ID number). */
  document?: SignedCredential;
}

/** full: the holder, the issuer's own issue response, or staff with a stated purpose; masked: everyone else. */
export type Disclosure = 'full' | 'masked';

/**
 * Whether a resident holds a credential: it sits in their wallet (holder_account) AND names them —
 * its holder is a 居民身份证 number equal to their token's verified identity. An issuer that puts a
 * stranger's credential into an account shows that account nothing.
 */
export const isHolder = (p: Principal, row: Pick<CredentialRow, 'holder_account' | 'holder_code' | 'holder_code_type'>): boolean =>
  p.kind === 'user' &&
  p.role === 'resident' &&
  p.identity !== undefined &&
  row.holder_account === p.sub &&
  row.holder_code_type === '111' &&
  row.holder_code === p.identity.idNumber;

/** Idempotency-Key of POST /credentials (per caller). */
const ISSUE_IDEMPOTENCY = new Idempotency('credentials.issue', {
  invalid: (message) => credentialsError('CREDENTIAL_IDEMPOTENCY_KEY_INVALID', { detail: message }),
  reused: (message) => credentialsError('CREDENTIAL_IDEMPOTENCY_CONFLICT', { detail: message }),
});

/** valid/suspended past the end of validity are expired (the sweep also records it). */
export const effectiveStatus = (status: CredentialStatus, validTo: string | null, now: Date): CredentialStatus =>
  (status === 'valid' || status === 'suspended') && validTo !== null && toShanghaiDate(now) > validTo ? 'expired' : status;

/** Which action is allowed from which status (expired and revoked are final). */
export const nextStatus = (current: CredentialStatus, action: CredentialAction): 'valid' | 'suspended' | 'revoked' | undefined => {
  switch (action) {
    case 'suspend':
      return current === 'valid' ? 'suspended' : undefined;
    case 'reinstate':
      return current === 'suspended' ? 'valid' : undefined;
    case 'revoke':
      return current === 'valid' || current === 'suspended' ? 'revoked' : undefined;
  }
};

/** Issues credentials (signed by this city's issuer key) and manages their life: suspend, reinstate, revoke, expire. */
@Injectable()
export class CredentialsService {
  private readonly logger = new Logger(CredentialsService.name);

  constructor(
    @Inject(NODE_CONFIG) private readonly node: NodeConfig,
    private readonly dataSource: DataSource,
    private readonly credentials: CredentialRepository,
    private readonly catalogue: CatalogueService,
    private readonly keys: IssuerKeyService,
    private readonly registry: CredentialRegistryService,
    private readonly authorities: IssuingAuthorityService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Issues a credential; with an Idempotency-Key, the same key and body again answer the first credential (`status` 200 instead of 201). */
  async issue(
    principal: Principal,
    input: IssueCredentialInput,
    idempotencyHeader?: string,
  ): Promise<{ credential: CredentialView; status: number }> {
    const idempotencyKey = ISSUE_IDEMPOTENCY.key(idempotencyHeader);
    const type = this.catalogue.credentialTypes().find((t) => t.code === input.typeCode);
    if (!type)
      throw credentialsError('CREDENTIAL_TYPE_UNKNOWN', {
        detail: `${input.typeCode} is not a credential type of catalogue ${this.catalogue.version().version}`,
      });
    // The issuer is the body the caller acts for (hall or API-key binding), never what the request says.
    const body = this.authorities.bodyFor(principal);
    if (!body)
      throw credentialsError('CREDENTIAL_ISSUER_UNBOUND', {
        detail: `${actorOf(principal)} acts for no issuing body of ${this.node.cityCode}`,
      });
    if (input.issuer && input.issuer.code.trim().toUpperCase() !== body.code) {
      throw credentialsError('CREDENTIAL_ISSUER_MISMATCH', {
        detail: `the caller issues for ${body.name} (${body.code}), not ${input.issuer.code}`,
        fieldErrors: [
          { field: 'issuer.code', rule: 'callerBody', message: `must be ${body.code} (the body the caller acts for) or omitted` },
        ],
      });
    }
    if (!isAuthorised(this.authorities.bodies(), body.code, type.code)) {
      throw credentialsError('CREDENTIAL_ISSUER_NOT_AUTHORISED', {
        detail: `${body.name} (${body.code}) is not authorised to issue ${type.code} in ${this.node.cityCode}`,
        extra: { issuer: { code: body.code, name: body.name }, typeCode: type.code },
      });
    }
    const issuer = { name: body.name, code: body.code };
    const now = this.clock.now();
    const today = toShanghaiDate(now);
    const issueDate = input.issueDate ?? today;
    if (issueDate > today)
      throw credentialsError('CREDENTIAL_INVALID', {
        detail: 'issueDate is in the future',
        fieldErrors: [{ field: 'issueDate', rule: 'notFuture', message: `must not be after ${today}` }],
      });
    const actor = actorOf(principal);
    const id = randomUUID();

    return this.dataSource.transaction(async (em) => {
      if (idempotencyKey !== undefined) {
        const k = await ISSUE_IDEMPOTENCY.claim(em, { caller: actor, key: idempotencyKey, body: input, resourceId: id });
        if (k.replay) return { credential: this.view(await this.row(em, k.resourceId), now, 'full'), status: IDEMPOTENT_REPLAY_STATUS };
      }
      const signer = await this.keys.activeSigner(em, type.code);
      const sequence = await this.credentials.nextNumber(em, issuer.code, Number(issueDate.slice(0, 4)));
      const fields = this.buildDocument({ ...input, issuer }, id, type.name.zh, issueDate, sequence);
      const signed = signCredential(fields, signer);
      await this.credentials.insert(em, signed, { holderAccount: input.holderAccount ?? null, issuedBy: actor });
      await this.audit.record(
        {
          actor,
          action: 'credentials.issue',
          resource: `credential:${signed.id}`,
          outcome: 'success',
          detail: { type: signed.type.code, number: signed.number, keyId: signed.proof.keyId },
        },
        em,
      );
      return { credential: this.view(await this.row(em, signed.id), now, 'full'), status: 201 };
    });
  }

  /**
   * The issuing authority (this city's staff, or the partner that issued it) or the holder. The
   * holder sees their credential in full; anyone else sees the holder's ID number masked, unless a
   * clerk or supervisor states a purpose their role may use (FULL_READ_PURPOSES). Every read is
   * audited, with the purpose and whether the full number was shown.
   */
  async get(principal: Principal, id: string, purpose?: FullReadPurpose): Promise<CredentialView> {
    const row = await this.row(this.dataSource.manager, id);
    this.assertMayRead(principal, row);
    const holder = principal.kind === 'user' && principal.role === 'resident';
    if (purpose !== undefined && !holder) {
      const roles: readonly string[] = FULL_READ_PURPOSES[purpose].roles;
      if (principal.kind !== 'user' || !roles.includes(principal.role)) {
        throw credentialsError('CREDENTIAL_PURPOSE_NOT_PERMITTED', {
          detail: `${principal.kind === 'user' ? principal.role : 'a partner system'} may not read the full ID number for ${purpose}`,
          fieldErrors: [{ field: 'purpose', rule: 'permittedForRole', message: `${purpose} is for ${roles.join(', ')}` }],
        });
      }
    }
    const disclosure: Disclosure = holder || purpose !== undefined ? 'full' : 'masked';
    await this.audit.record({
      actor: actorOf(principal),
      action: 'credentials.read',
      resource: `credential:${id}`,
      outcome: 'success',
      detail: { disclosure, ...(purpose !== undefined && !holder ? { purpose } : {}) },
    });
    return this.view(row, this.clock.now(), disclosure);
  }

  /** A resident's own credentials (their wallet), newest first. */
  async listOwn(principal: Principal): Promise<{ items: CredentialView[] }> {
    if (principal.kind !== 'user' || principal.role !== 'resident' || !principal.identity) return { items: [] };
    const rows = await this.credentials.listHeld(this.dataSource, principal.sub, principal.identity.idNumber, 200);
    await this.audit.record({
      actor: actorOf(principal),
      action: 'credentials.list-own',
      resource: `holder:${principal.sub}`,
      outcome: 'success',
      detail: { count: rows.length },
    });
    const now = this.clock.now();
    return { items: rows.map((r) => this.view(r, now, 'full')) };
  }

  /** Suspend, reinstate or revoke; broadcast to every city in the same transaction. */
  async transition(
    principal: Principal,
    id: string,
    action: CredentialAction,
    reasonCode: CredentialStatusReasonCode,
    reason?: string,
  ): Promise<CredentialView> {
    const actor = actorOf(principal);
    const now = this.clock.now();
    return this.dataSource.transaction(async (em) => {
      if (!(await this.credentials.lock(em, id)))
        throw credentialsError('CREDENTIAL_NOT_FOUND', { detail: `no credential ${id} issued by ${this.node.cityCode}` });
      const row = await this.row(em, id);
      this.assertMayManage(principal, row);
      const current = effectiveStatus(row.status, row.valid_to, now);
      const next = nextStatus(current, action);
      if (!next)
        throw credentialsError('CREDENTIAL_TRANSITION_NOT_ALLOWED', {
          detail: `cannot ${action} a credential that is ${current}`,
          extra: { credentialStatus: current },
        });
      await this.credentials.setStatus(em, id, next, reasonCode, reason ?? null);
      await this.registry.appendOwn(em, { kind: 'status', credentialId: id, credentialType: row.type_code, status: next, reasonCode });
      await this.audit.record(
        {
          actor,
          action: `credentials.${action}`,
          resource: `credential:${id}`,
          outcome: 'success',
          detail: { from: current, to: next, reasonCode },
        },
        em,
      );
      return this.view(await this.row(em, id), now, 'masked');
    });
  }

  /** Records the end of validity (the dates are in the signed document, so no broadcast is needed). */
  async expireDue(now: Date = this.clock.now()): Promise<number> {
    return this.dataSource.transaction(async (em) => {
      const ids = await this.credentials.expireBefore(em, toShanghaiDate(now));
      if (ids.length) {
        await this.audit.record(
          {
            actor: 'system',
            action: 'credentials.expire',
            resource: 'credentials',
            outcome: 'success',
            detail: { count: ids.length, ids: ids.slice(0, 100) },
          },
          em,
        );
        this.logger.log({ count: ids.length }, 'credentials expired');
      }
      return ids.length;
    });
  }

  /** The credential row, for services of this domain. */
  async row(em: EntityManager, id: string): Promise<CredentialRow> {
    const row = await this.credentials.find(em, id);
    if (!row) throw credentialsError('CREDENTIAL_NOT_FOUND', { detail: `no credential ${id} issued by ${this.node.cityCode}` });
    return row;
  }

  view(r: CredentialRow, now: Date, disclosure: Disclosure): CredentialView {
    const full = disclosure === 'full';
    return {
      id: r.id,
      number: r.number,
      type: { ...r.document.type },
      // The masking rule of cases and verifications (kernel maskIdNumber for 居民身份证, maskDocumentNumber for other documents; organisations' codes are public).
      holder: {
        name: r.holder_name,
        code: full ? r.holder_code : maskHolderCode(r.holder_code_type as HolderCodeType, r.holder_code),
        codeType: r.holder_code_type,
      },
      holderAccount: r.holder_account,
      issuer: { name: r.issuer_name, code: r.issuer_code, city: r.document.issuer.city },
      issueDate: r.issue_date,
      validFrom: r.valid_from,
      validTo: r.valid_to,
      status: effectiveStatus(r.status, r.valid_to, now),
      statusReasonCode: r.status_reason_code,
      statusChangedAt: r.status_changed_at?.toISOString() ?? null,
      keyId: r.key_id,
      issuedAt: r.created_at.toISOString(),
      ...(full ? { document: r.document } : {}),
    };
  }

  private buildDocument(
    input: IssueCredentialInput & { issuer: { name: string; code: string } },
    id: string,
    typeName: string,
    issueDate: string,
    sequence: number,
  ): CredentialDocument {
    const nfc = (s: string) => s.normalize('NFC').trim();
    const candidate = {
      format: CREDENTIAL_FORMAT,
      id,
      number: this.safeNumber(input.issuer.code, Number(issueDate.slice(0, 4)), sequence),
      type: { code: input.typeCode, name: typeName },
      holder: { name: nfc(input.holder.name), code: input.holder.code.trim().toUpperCase(), codeType: input.holder.codeType },
      issuer: { name: nfc(input.issuer.name), code: input.issuer.code.trim().toUpperCase(), city: this.node.cityCode },
      issueDate,
      validFrom: input.validFrom,
      validTo: input.validTo ?? null,
      ...(input.attributes && Object.keys(input.attributes).length ? { attributes: input.attributes } : {}),
    };
    const parsed = credentialDocumentSchema.safeParse(candidate);
    if (!parsed.success) {
      // A bad issuer code makes the number unbuildable: report the code, not the number.
      const issues = parsed.error.issues.filter((i) => candidate.number !== '' || i.path.join('.') !== 'number');
      const fieldErrors: FieldError[] = issues.map((i) => ({ field: i.path.join('.'), rule: i.code, message: i.message }));
      throw credentialsError('CREDENTIAL_INVALID', { detail: fieldErrors.map((f) => `${f.field}: ${f.message}`).join('; '), fieldErrors });
    }
    return parsed.data as CredentialDocument;
  }

  private safeNumber(issuerCode: string, year: number, sequence: number): string {
    try {
      return formatCredentialNumber(issuerCode.trim().toUpperCase(), year, sequence);
    } catch {
      // An invalid issuer code is reported with the other field errors by the schema check.
      return '';
    }
  }

  private assertMayRead(p: Principal, row: CredentialRow): void {
    if (p.kind === 'user' && p.role === 'resident') {
      if (!isHolder(p, row)) throw credentialsError('CREDENTIAL_NOT_FOUND', { detail: `no credential ${row.id} in your wallet` });
      return;
    }
    this.assertMayManage(p, row);
  }

  private assertMayManage(p: Principal, row: CredentialRow): void {
    if (p.kind === 'partner') {
      if (p.city !== this.node.cityCode || row.issued_by !== actorOf(p))
        throw credentialsError('CREDENTIAL_NOT_ISSUED_BY_CALLER', { detail: `partner ${p.id} did not issue credential ${row.id}` });
      return;
    }
    if (p.role === 'resident' || p.city !== this.node.cityCode)
      throw credentialsError('CREDENTIAL_NOT_FOUND', { detail: `no credential ${row.id} issued by ${this.node.cityCode} for you` });
  }
}
