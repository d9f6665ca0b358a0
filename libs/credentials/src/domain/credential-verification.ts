import { maskName, toShanghaiDate } from '@guangfo/kernel';
import type { z } from 'zod';
import {
  type CredentialDocument,
  type SignedCredential,
  signedCredentialSchema,
  verifyCredentialSignature,
} from './credential.document.js';
import { assessFreshness, type FreshnessPolicy, type StatusFreshness } from './freshness.js';
import { type HolderCodeType, maskHolderCode, isNaturalPerson } from './holder-code.js';

/** Why a credential is not accepted. Stable, machine-readable. */
export const VERIFICATION_REASONS = [
  'MALFORMED',
  'UNKNOWN_ISSUER',
  'KEY_RETIRED',
  'SIGNATURE_INVALID',
  'KEY_NOT_AUTHORISED_FOR_TYPE',
  'ISSUER_NOT_AUTHORISED',
  'UNKNOWN_CREDENTIAL_TYPE',
  'TYPE_MISMATCH',
  'REVOKED',
  'SUSPENDED',
  'STATUS_STALE',
  'NOT_YET_VALID',
  'EXPIRED',
  'HOLDER_MISMATCH',
  'PRESENTATION_INVALID',
  'PRESENTATION_WRONG_VERIFIER',
  'PRESENTATION_EXPIRED',
  'PRESENTATION_ALREADY_USED',
] as const;
export type VerificationReason = (typeof VERIFICATION_REASONS)[number];

/** Accepted, but worth knowing. */
export const VERIFICATION_WARNINGS = ['STATUS_STALE', 'KEY_ROTATED', 'NO_EXPIRY'] as const;
export type VerificationWarning = (typeof VERIFICATION_WARNINGS)[number];

export type IssuerKeyStatus = 'active' | 'rotated' | 'retired';

/** One issuer key as the registry knows it (own keys and replicated ones alike). */
export interface IssuerKeyRecord {
  readonly issuerCity: string;
  readonly keyId: string;
  /** Uncompressed SM2 public key, hex. */
  readonly publicKey: string;
  readonly credentialTypes: readonly string[];
  readonly status: IssuerKeyStatus;
  readonly publishedAt: string;
  readonly statusChangedAt: string;
}

export interface CredentialStatusRecord {
  readonly status: 'valid' | 'suspended' | 'revoked';
  readonly reasonCode: string;
  readonly changedAt: string;
}

/** What the verifying city knows about one credential's issuer, key, status and type. */
export interface RegistryFacts {
  /** The issuing city is in the city registry. */
  readonly issuerCityKnown: boolean;
  readonly key?: IssuerKeyRecord;
  /** Absent: no suspension or revocation known (as of `freshness.asOf`). */
  readonly status?: CredentialStatusRecord;
  readonly freshness: StatusFreshness;
  /** The credential type, when the catalogue knows it. */
  readonly type?: { readonly code: string; readonly name: string };
  /** The types the credential's issuing body may issue in the issuing city's published list (absent: the body is not on it). */
  readonly authorisedTypes?: readonly string[];
}

export interface VerifyOptions {
  /** The credential must be of this catalogue type (e.g. what a material may be replaced by). */
  readonly expectedType?: string;
  /** The credential must be held by this code (ID number or USCC), compared exactly after trimming and upper-casing. */
  readonly holderCode?: string;
}

/** The credential as shown to a verifier: the holder is masked when a natural person. */
export interface CredentialSummary {
  id: string;
  number: string;
  type: { code: string; name: string };
  holder: { name: string; code: string; codeType: string };
  issuer: { name: string; code: string; city: string };
  issueDate: string;
  validFrom: string;
  validTo: string | null;
  keyId: string;
}

export interface VerificationResult {
  valid: boolean;
  reasons: VerificationReason[];
  warnings: VerificationWarning[];
  checkedAt: string;
  credential?: CredentialSummary;
  /** Status as the verifying city knows it. */
  status?: {
    value: 'valid' | 'suspended' | 'revoked';
    reasonCode: string | null;
    asOf: string | null;
    ageSeconds: number | null;
    fresh: boolean;
  };
  /** For MALFORMED: what is wrong with the document. */
  errors?: string[];
}

export type ParsedCredential = { ok: true; credential: SignedCredential } | { ok: false; errors: string[] };

const formatIssues = (issues: z.core.$ZodIssue[]): string[] =>
  issues.slice(0, 20).map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`);

/** Parses a presented document (any JSON value). */
export const parseCredential = (input: unknown): ParsedCredential => {
  const parsed = signedCredentialSchema.safeParse(input);
  return parsed.success
    ? { ok: true, credential: parsed.data as SignedCredential }
    : { ok: false, errors: formatIssues(parsed.error.issues) };
};

export const summarizeCredential = (c: SignedCredential): CredentialSummary => {
  const type = c.holder.codeType as HolderCodeType;
  return {
    id: c.id,
    number: c.number,
    type: { ...c.type },
    holder: {
      name: isNaturalPerson(type) ? maskName(c.holder.name) : c.holder.name,
      code: maskHolderCode(type, c.holder.code),
      codeType: c.holder.codeType,
    },
    issuer: { ...c.issuer },
    issueDate: c.issueDate,
    validFrom: c.validFrom,
    validTo: c.validTo,
    keyId: c.proof.keyId,
  };
};

/** Today in Asia/Shanghai vs the credential's inclusive civil-date validity. */
export const validityReasons = (doc: Pick<CredentialDocument, 'validFrom' | 'validTo'>, now: Date): VerificationReason[] => {
  const today = toShanghaiDate(now);
  if (today < doc.validFrom) return ['NOT_YET_VALID'];
  if (doc.validTo !== null && today > doc.validTo) return ['EXPIRED'];
  return [];
};

const normalizeCode = (code: string): string => code.trim().toUpperCase();

/**
 * The whole verification decision, pure: given a parsed credential, what the registry knows, the
 * freshness policy and the time. Authentication comes first: with an unknown issuer, a retired
 * key or a bad signature nothing else in the document can be trusted, so only that is reported.
 * Otherwise every failed check is listed.
 */
export const evaluateCredential = (
  credential: SignedCredential,
  facts: RegistryFacts,
  policy: FreshnessPolicy,
  now: Date,
  options: VerifyOptions = {},
): VerificationResult => {
  const reasons: VerificationReason[] = [];
  const warnings: VerificationWarning[] = [];
  const base = { checkedAt: now.toISOString(), credential: summarizeCredential(credential) };
  const done = (extra: Partial<VerificationResult> = {}): VerificationResult => ({
    valid: reasons.length === 0,
    reasons,
    warnings,
    ...base,
    ...extra,
  });

  const key = facts.key;
  if (!facts.issuerCityKnown || !key || key.issuerCity !== credential.issuer.city) {
    reasons.push('UNKNOWN_ISSUER');
    return done();
  }
  if (key.status === 'retired') reasons.push('KEY_RETIRED');
  if (!verifyCredentialSignature(credential, key.publicKey)) reasons.push('SIGNATURE_INVALID');
  if (reasons.length) return done();
  if (key.status === 'rotated') warnings.push('KEY_ROTATED');
  if (!key.credentialTypes.includes(credential.type.code)) reasons.push('KEY_NOT_AUTHORISED_FOR_TYPE');
  // A genuine signature says the city signed it; the city's own list says whether that body may issue that type.
  if (!facts.authorisedTypes?.includes(credential.type.code)) reasons.push('ISSUER_NOT_AUTHORISED');

  if (!facts.type) reasons.push('UNKNOWN_CREDENTIAL_TYPE');
  if (options.expectedType !== undefined && options.expectedType !== credential.type.code) reasons.push('TYPE_MISMATCH');

  const status = facts.status ?? { status: 'valid' as const, reasonCode: null };
  if (status.status === 'revoked') reasons.push('REVOKED');
  if (status.status === 'suspended') reasons.push('SUSPENDED');
  const freshness = assessFreshness(facts.freshness, now, policy);
  if (freshness.effect === 'reject') reasons.push('STATUS_STALE');
  if (freshness.effect === 'warn') warnings.push('STATUS_STALE');

  reasons.push(...validityReasons(credential, now));
  if (credential.validTo === null) warnings.push('NO_EXPIRY');
  if (options.holderCode !== undefined && normalizeCode(options.holderCode) !== credential.holder.code) reasons.push('HOLDER_MISMATCH');

  return done({
    status: {
      value: status.status,
      reasonCode: status.reasonCode ?? null,
      asOf: freshness.asOf,
      ageSeconds: freshness.ageSeconds,
      fresh: freshness.fresh,
    },
  });
};

/** The result for a document that is not a credential at all. */
export const malformedResult = (errors: string[], now: Date): VerificationResult => ({
  valid: false,
  reasons: ['MALFORMED'],
  warnings: [],
  checkedAt: now.toISOString(),
  errors,
});
