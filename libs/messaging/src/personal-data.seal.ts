import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { SEALED_PERSONAL_MEMBER } from '@guangfo/contracts';
import { Sealer, sm2Decrypt, sm2Encrypt } from '@guangfo/gm-crypto';

/**
 * Personal data sealed end to end on the bus, for the addressed city only. A 256-bit data key
 * seals the declared personal fields of each event (the platform's Sealer: SM4-CTR with a random
 * IV + HMAC-SM3, bound to the event's id, type, source and addressee), and the data key is
 * wrapped with SM2 encryption (GM/T 0003.4, C1C3C2) to the receiving city's pinned encryption key.
 * Without a `DataKeyCache` each event gets a fresh data key; with one, a data key serves a bounded
 * number of events and minutes (see DataKeyCache).
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

/** A data key ready to seal with, and its wrapped form for the event. */
interface DataKey {
  readonly ek: string;
  readonly sealer: Sealer;
  uses: number;
  readonly createdAt: number;
}

export interface DataKeyCacheOptions {
  /** Events one data key seals before a fresh one is made (sender side). */
  readonly maxUses: number;
  /** Age after which a data key is not used for new events (sender side). */
  readonly maxAgeMs: number;
  /** Unwrapped data keys a receiver keeps (least recently used go first). */
  readonly maxOpened: number;
}

export const DEFAULT_DATA_KEY_CACHE: DataKeyCacheOptions = { maxUses: 10_000, maxAgeMs: 5 * 60_000, maxOpened: 256 };

/**
 * Envelope encryption with data-key caching, as the AWS Encryption SDK's caching materials manager
 * does: unwrapping a data key (SM2 decryption, a variable-base scalar multiplication) costs about
 * 1.3–2 ms here and wrapping one about 1 ms, the SM4 + HMAC-SM3 sealing itself microseconds. So a
 * sender reuses one data key per recipient key for up to `maxUses` events or `maxAgeMs`, and a
 * receiver keeps the keys it unwrapped, found by the wrapped form (`ek`), which is unique to the
 * data key. Every event is still sealed on its own (fresh IV, its own MAC over its id, type, source
 * and addressee): reuse does not let one event's fields pass as another's. What it changes: a data
 * key leaked from a node's memory opens the events of its period, not one; the node held those
 * fields in clear anyway. The receiver's cache belongs to one private key (one cache per node):
 * a key opened with one city's private key is never offered to another's.
 */
export class DataKeyCache {
  private readonly sending = new Map<string, DataKey>();
  private readonly opened = new Map<string, Sealer>();

  constructor(
    private readonly options: DataKeyCacheOptions = DEFAULT_DATA_KEY_CACHE,
    private readonly now: () => number = Date.now,
  ) {}

  /** Sender: the data key for this recipient key, fresh when the last one is used up or too old. */
  forRecipient(recipient: { keyId: string; publicKey: string }): { ek: string; sealer: Sealer } {
    const id = `${recipient.keyId}\u0000${recipient.publicKey}`;
    const current = this.sending.get(id);
    if (current && current.uses < this.options.maxUses && this.now() - current.createdAt < this.options.maxAgeMs) {
      current.uses += 1;
      return current;
    }
    const fresh = { ...newDataKey(recipient), uses: 1, createdAt: this.now() };
    this.sending.set(id, fresh);
    return fresh;
  }

  /** Receiver: the sealer of a wrapped data key, unwrapped once. */
  opener(ek: string, unwrap: () => Sealer): Sealer {
    const hit = this.opened.get(ek);
    if (hit) {
      this.opened.delete(ek);
      this.opened.set(ek, hit);
      return hit;
    }
    const sealer = unwrap();
    this.opened.set(ek, sealer);
    if (this.opened.size > this.options.maxOpened) this.opened.delete(this.opened.keys().next().value!);
    return sealer;
  }
}

const newDataKey = (recipient: { keyId: string; publicKey: string }): { ek: string; sealer: Sealer } => {
  const dataKey = randomBytes(32);
  const sealer = new Sealer([{ keyId: 'dk', keyHex: dataKey.toString('hex') }]);
  const ek = sm2Encrypt(dataKey, recipient.publicKey).toString('base64url');
  dataKey.fill(0);
  return { ek, sealer };
};

const unwrapDataKey = (ek: string, own: { privateKeyHex: string }): Sealer => {
  const dataKey = sm2Decrypt(Buffer.from(ek, 'base64url'), own.privateKeyHex);
  if (dataKey.length !== 32) throw new Error('wrapped data key has the wrong length');
  const sealer = new Sealer([{ keyId: 'dk', keyHex: dataKey.toString('hex') }]);
  dataKey.fill(0);
  return sealer;
};

/** Seals the declared personal fields of `data` to the recipient's encryption key. */
export const sealPersonalFields = <T>(
  data: T,
  paths: readonly string[],
  recipient: { keyId: string; publicKey: string },
  context: PersonalSealContext,
  keys?: DataKeyCache,
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
  const { ek, sealer } = keys ? keys.forRecipient(recipient) : newDataKey(recipient);
  const sealed: SealedPersonal = {
    alg: PERSONAL_SEAL_ALG,
    kid: recipient.keyId,
    ek,
    ct: sealer.seal(JSON.stringify(fields), adOf(context)),
  };
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
  keys?: DataKeyCache,
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
    const unwrap = () => unwrapDataKey(s.ek, own);
    fields = JSON.parse((keys ? keys.opener(s.ek, unwrap) : unwrap()).open(s.ct, adOf(context)));
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
