import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { SEALED_PERSONAL_MEMBER } from '@guangfo/contracts';
import { Sealer, sm2Decrypt, sm2Encrypt } from '@guangfo/gm-crypto';

/**
 * Personal data sealed end to end on the bus, for the addressed city only. Per event: a fresh
 * 256-bit data key seals the declared personal fields (the platform's Sealer: SM4-CTR +
 * HMAC-SM3, bound to the event's id, type, source and addressee), and the data key is wrapped
 * with SM2 encryption (GM/T 0003.4, C1C3C2) to the receiving city's pinned encryption key.
 * The fields are removed from `data` and travel as `data.sealedPersonal`:
 *
 *   { alg: 'SM2+SM4-CTR+HMAC-SM3', kid: <recipient encryption key id>, ek: <wrapped key, base64url>, ct: <sealed fields> }
 *
 * The sender signs the sealed form, so the signature covers what was sent; only the receiving
 * node (its EVENT_ENCRYPTION_KEY) opens it, before its handlers run.
 */
export const PERSONAL_SEAL_ALG = 'SM2+SM4-CTR+HMAC-SM3';

export const sealedPersonalSchema = z
  .object({
    alg: z.literal(PERSONAL_SEAL_ALG),
    kid: z.string().min(1).max(64),
    ek: z.string().regex(/^[A-Za-z0-9_-]{100,400}$/),
    ct: z
      .string()
      .regex(/^gfs1\./)
      .max(1_000_000),
  })
  .strict();
export type SealedPersonal = z.infer<typeof sealedPersonalSchema>;

/** What the personal fields are bound to: this event, from this sender, for this city. */
export interface PersonalSealContext {
  readonly id: string;
  readonly type: string;
  readonly source: string;
  readonly tocity: string;
}

const adOf = (c: PersonalSealContext): string => `bus.personal:${c.type}|${c.id}|${c.source}|${c.tocity}`;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const getPath = (data: Json, path: string): { found: boolean; value?: unknown } => {
  let cur: unknown = data;
  for (const key of path.split('.')) {
    if (!isObject(cur) || !Object.hasOwn(cur, key)) return { found: false };
    cur = cur[key];
  }
  return { found: true, value: cur };
};

/** A copy of `data` without `path` (copies only the objects along the path). */
const withoutPath = (data: Json, path: string): Json => {
  const [head, ...rest] = path.split('.');
  if (!Object.hasOwn(data, head!)) return data;
  const { [head!]: child, ...others } = data;
  if (rest.length === 0) return others;
  return isObject(child) ? { ...others, [head!]: withoutPath(child, rest.join('.')) } : data;
};

const withPath = (data: Json, path: string, value: unknown): Json => {
  const [head, ...rest] = path.split('.');
  if (rest.length === 0) return { ...data, [head!]: value };
  const child = data[head!];
  return { ...data, [head!]: withPath(isObject(child) ? child : {}, rest.join('.'), value) };
};

/** Personal paths a contract declares that are present in `data` in clear. */
export const personalFieldsInClear = (data: unknown, paths: readonly string[]): string[] =>
  isObject(data) ? paths.filter((p) => getPath(data, p).found) : [];

/** Seals the declared personal fields of `data` to the recipient's encryption key. */
export const sealPersonalFields = <T>(
  data: T,
  paths: readonly string[],
  recipient: { keyId: string; publicKey: string },
  context: PersonalSealContext,
): T => {
  if (!isObject(data)) throw new Error('personal fields: data must be an object');
  if (Object.hasOwn(data, SEALED_PERSONAL_MEMBER)) throw new Error(`personal fields: data already has ${SEALED_PERSONAL_MEMBER}`);
  const fields: Json = {};
  let rest: Json = data;
  for (const path of paths) {
    const got = getPath(data, path);
    if (!got.found) continue;
    fields[path] = got.value;
    rest = withoutPath(rest, path);
  }
  const dataKey = randomBytes(32);
  const sealer = new Sealer([{ keyId: 'dk', keyHex: dataKey.toString('hex') }]);
  const sealed: SealedPersonal = {
    alg: PERSONAL_SEAL_ALG,
    kid: recipient.keyId,
    ek: sm2Encrypt(dataKey, recipient.publicKey).toString('base64url'),
    ct: sealer.seal(JSON.stringify(fields), adOf(context)),
  };
  dataKey.fill(0);
  return { ...rest, [SEALED_PERSONAL_MEMBER]: sealed } as T;
};

export class PersonalSealError extends Error {}

/**
 * Checks the sealed shape (no declared personal field in clear, a well-formed `sealedPersonal`
 * for this city's key), opens it with this city's encryption private key and puts the fields
 * back. Throws PersonalSealError with the reason.
 */
export const openPersonalFields = (
  data: unknown,
  paths: readonly string[],
  own: { keyId: string; privateKeyHex: string },
  context: PersonalSealContext,
): Json => {
  if (!isObject(data)) throw new PersonalSealError('data must be an object');
  const clear = personalFieldsInClear(data, paths);
  if (clear.length)
    throw new PersonalSealError(`personal fields travel in clear: ${clear.join(', ')} (they must be sealed for the addressed city)`);
  const shape = sealedPersonalSchema.safeParse(data[SEALED_PERSONAL_MEMBER]);
  if (!shape.success)
    throw new PersonalSealError(
      `${SEALED_PERSONAL_MEMBER}: ${shape.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  const s = shape.data;
  if (s.kid !== own.keyId)
    throw new PersonalSealError(`${SEALED_PERSONAL_MEMBER} is sealed to encryption key ${s.kid}, this node holds ${own.keyId}`);
  let fields: unknown;
  try {
    const dataKey = sm2Decrypt(Buffer.from(s.ek, 'base64url'), own.privateKeyHex);
    if (dataKey.length !== 32) throw new Error('wrapped data key has the wrong length');
    fields = JSON.parse(new Sealer([{ keyId: 'dk', keyHex: dataKey.toString('hex') }]).open(s.ct, adOf(context)));
    dataKey.fill(0);
  } catch (err) {
    throw new PersonalSealError(`${SEALED_PERSONAL_MEMBER} does not open: ${(err as Error).message}`);
  }
  if (!isObject(fields)) throw new PersonalSealError(`${SEALED_PERSONAL_MEMBER}: sealed content is not an object`);
  const { [SEALED_PERSONAL_MEMBER]: _sealed, ...rest } = data;
  let out: Json = rest;
  for (const [path, value] of Object.entries(fields)) {
    if (!paths.includes(path)) throw new PersonalSealError(`${SEALED_PERSONAL_MEMBER}: ${path} is not a personal field of this event type`);
    out = withPath(out, path, value);
  }
  return out;
};
