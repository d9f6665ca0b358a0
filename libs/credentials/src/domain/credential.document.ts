import { sm2Verify } from '@guangfo/gm-crypto';
import { isCivilDate, isValidSocialCreditCode, jcsCanonicalJson } from '@guangfo/kernel';
import { z } from 'zod';
import { isValidCredentialNumber } from './credential-number.js';
import { HOLDER_CODE_TYPE_VALUES, isValidHolderCode } from './holder-code.js';

/** The format tag of a signed credential document (part of the signed bytes). */
export const CREDENTIAL_FORMAT = 'guangfo.credential.v1';
export const SIGNATURE_ALGORITHM = 'SM2-SM3';
/** `<issuerCity>-<16 hex digits of SM3 over the uncompressed public key>`. */
export const ISSUER_KEY_ID_PATTERN = /^(\d{6})-[0-9a-f]{16}$/;
export const CREDENTIAL_TYPE_CODE_PATTERN = /^[A-Z][A-Z0-9_]{1,39}$/;

const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
/** Human text in a credential: trimmed, no control characters (so every JSON implementation writes it alike). */
const text = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !CONTROL_CHARS.test(s), 'must not contain control characters')
    .refine((s) => s.trim() === s, 'must not start or end with white space');
const civilDate = z.string().refine(isCivilDate, 'must be a real date written YYYY-MM-DD');

export const credentialHolderSchema = z
  .strictObject({
    /** 持证主体 */
    name: text(100),
    /** 持证主体代码 */
    code: z.string().min(1).max(40),
    /** 持证主体代码类型: 111 居民身份证, 001 统一社会信用代码, 414 护照, 511/516 通行证 */
    codeType: z.enum(HOLDER_CODE_TYPE_VALUES as [string, ...string[]]),
  })
  .superRefine((h, ctx) => {
    if (!isValidHolderCode(h.codeType as never, h.code))
      ctx.addIssue({ code: 'custom', path: ['code'], message: `is not a valid code of type ${h.codeType}` });
  });

export const credentialIssuerSchema = z.strictObject({
  /** 颁发机构 */
  name: text(100),
  /** 颁发机构代码: the issuing body's 统一社会信用代码 */
  code: z.string().refine(isValidSocialCreditCode, 'must be a valid unified social credit code'),
  /** The issuing city (GB/T 2260), whose registry holds the signing key. */
  city: z.string().regex(/^\d{6}$/),
});

const attributeKey = /^[a-z][A-Za-z0-9]{0,39}$/;
export const credentialAttributesSchema = z
  .record(
    z.string().regex(attributeKey, 'attribute names are lowerCamelCase, up to 40 characters'),
    z.union([text(500), z.number().int().min(-1e12).max(1e12), z.boolean()]),
  )
  .refine((a) => Object.keys(a).length <= 20, 'at most 20 attributes');

/** The credential's own fields (GB/T 36903-style metadata): everything signed except the key id. */
const documentShape = {
  format: z.literal(CREDENTIAL_FORMAT),
  id: z.uuid(),
  /** 证照编号, see credential-number.ts */
  number: z.string().refine(isValidCredentialNumber, 'is not a valid credential number'),
  /** 证照类型代码 / 证照类型名称 (catalogue credential type) */
  type: z.strictObject({ code: z.string().regex(CREDENTIAL_TYPE_CODE_PATTERN), name: text(50) }),
  holder: credentialHolderSchema,
  issuer: credentialIssuerSchema,
  /** 颁发日期 */
  issueDate: civilDate,
  /** 有效期起始日期 (inclusive, Asia/Shanghai civil date) */
  validFrom: civilDate,
  /** 有效期截止日期 (inclusive); null = 长期有效 */
  validTo: civilDate.nullable(),
  /** Type-specific data items (照面信息), e.g. { "settledYears": 5 } */
  attributes: credentialAttributesSchema.optional(),
};

type DocumentLike = { validFrom: string; validTo: string | null; number: string; issuer: { code: string } };
const checkDocument = (d: DocumentLike, ctx: z.RefinementCtx): void => {
  if (d.validTo !== null && d.validTo < d.validFrom)
    ctx.addIssue({ code: 'custom', path: ['validTo'], message: 'must not be before validFrom' });
  if (d.number.slice(0, 18) !== d.issuer.code)
    ctx.addIssue({ code: 'custom', path: ['number'], message: 'does not carry the issuing body code' });
};

export const credentialDocumentSchema = z.strictObject(documentShape).superRefine(checkDocument);
export type CredentialDocument = z.infer<typeof credentialDocumentSchema>;

export const credentialProofSchema = z.strictObject({
  type: z.literal(SIGNATURE_ALGORITHM),
  keyId: z.string().regex(ISSUER_KEY_ID_PATTERN, 'must look like 440100-<16 hex digits>'),
  /** SM2 signature (GM/T 0003, SM3, user id 1234567812345678), DER, base64. */
  signature: z.string().min(1).max(200),
});
export type CredentialProof = z.infer<typeof credentialProofSchema>;

/** The document a holder presents: the credential fields plus the issuer's proof. */
export const signedCredentialSchema = z.strictObject({ ...documentShape, proof: credentialProofSchema }).superRefine((d, ctx) => {
  checkDocument(d, ctx);
  if (ISSUER_KEY_ID_PATTERN.exec(d.proof.keyId)?.[1] !== d.issuer.city)
    ctx.addIssue({ code: 'custom', path: ['proof', 'keyId'], message: 'is not a key of the issuing city' });
});
export type SignedCredential = CredentialDocument & { proof: CredentialProof };

/** Splits a signed credential into its fields and its proof. */
export const credentialFields = (signed: SignedCredential): CredentialDocument => {
  const { proof: _proof, ...fields } = signed;
  return fields;
};

/**
 * The exact bytes signed (as UTF-8): canonical JSON of the credential fields plus `keyId`.
 * Including the key id binds the signature to the key the verifier will look up.
 */
export const credentialSigningPayload = (fields: CredentialDocument, keyId: string): string => {
  const unsafe = fields as CredentialDocument & { keyId?: unknown; proof?: unknown };
  if (unsafe.keyId !== undefined || unsafe.proof !== undefined) throw new TypeError('credential fields must not contain keyId or proof');
  return jcsCanonicalJson({ ...fields, keyId });
};

/** Something that signs with one SM2 key (issuer key service, or a test key). */
export interface CredentialSigningKey {
  readonly keyId: string;
  /** DER signature, base64. */
  sign(message: string): string;
}

export const signCredential = (fields: CredentialDocument, key: CredentialSigningKey): SignedCredential => ({
  ...fields,
  proof: { type: SIGNATURE_ALGORITHM, keyId: key.keyId, signature: key.sign(credentialSigningPayload(fields, key.keyId)) },
});

/** True when the proof verifies with `publicKey` (hex or PEM). Never throws for a bad signature. */
export const verifyCredentialSignature = (signed: SignedCredential, publicKey: string): boolean => {
  try {
    return sm2Verify(credentialSigningPayload(credentialFields(signed), signed.proof.keyId), signed.proof.signature, publicKey);
  } catch {
    return false;
  }
};
