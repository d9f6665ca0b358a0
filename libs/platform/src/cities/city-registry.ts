import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { deadLetterTopic, inboundTopic } from '@guangfo/contracts';

const signingKeySchema = z.object({
  keyId: z.string().min(1).max(64),
  alg: z.literal('SM2-SM3'),
  status: z.enum(['active', 'retired']),
  demo: z.boolean().default(false),
  publicKey: z.string().regex(/^04[0-9a-fA-F]{128}$/, 'must be an uncompressed SM2 public key in hex (04||x||y)'),
});

/** A city's pinned SM2 *encryption* key (a key pair of its own, apart from the signing keys): peers seal personal data to it. */
const encryptionKeySchema = z.object({
  keyId: z.string().min(1).max(64),
  alg: z.literal('SM2-ENC'),
  status: z.enum(['active', 'retired']),
  demo: z.boolean().default(false),
  publicKey: z.string().regex(/^04[0-9a-fA-F]{128}$/, 'must be an uncompressed SM2 public key in hex (04||x||y)'),
});

const citySchema = z.object({
  code: z.string().regex(/^\d{6}$/, 'must be a 6-digit GB/T 2260 code'),
  nameZh: z.string().min(1),
  nameEn: z.string().min(1),
  provinceCode: z.string().regex(/^\d{2}0000$/, 'must be a GB/T 2260 province code such as 440000'),
  topics: z.object({ inbound: z.string().min(1), deadLetter: z.string().min(1) }).optional(),
  /** Where the city's node answers node-to-node requests (e.g. fetching a case file by claim check). */
  apiBaseUrl: z.url().optional(),
  signingKeys: z.array(signingKeySchema).min(1),
  /** Where peers seal personal data for this city (the first active key); a city without one receives no personal data. */
  encryptionKeys: z.array(encryptionKeySchema).default([]),
});

const registrySchema = z.object({ cities: z.array(citySchema).min(1) });

export type SigningKeyEntry = z.infer<typeof signingKeySchema>;
export type EncryptionKeyEntry = z.infer<typeof encryptionKeySchema>;
export interface City extends Omit<z.infer<typeof citySchema>, 'topics'> {
  topics: { inbound: string; deadLetter: string };
}

/**
 * The city registry: which cities exist and which event-signing keys each one pins.
 * Nothing assumes exactly two cities.
 */
export class CityRegistry {
  private readonly byCode: ReadonlyMap<string, City>;

  constructor(cities: readonly City[]) {
    const map = new Map<string, City>();
    for (const c of cities) {
      if (map.has(c.code)) throw new Error(`city registry: duplicate city code ${c.code}`);
      map.set(c.code, c);
    }
    this.byCode = map;
  }

  /** @param acceptDemoKeys only the sandbox passes true; elsewhere demo keys are dropped. */
  static fromFile(file: string, acceptDemoKeys: boolean): CityRegistry {
    let raw: unknown;
    try {
      raw = parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`city registry ${file}: ${(err as Error).message}`);
    }
    return CityRegistry.fromData(raw, acceptDemoKeys, file);
  }

  static fromData(raw: unknown, acceptDemoKeys: boolean, label = 'city registry'): CityRegistry {
    const parsed = registrySchema.safeParse(raw);
    if (!parsed.success) {
      const first = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new Error(`${label}: ${first}`);
    }
    return new CityRegistry(
      parsed.data.cities.map((c) => ({
        ...c,
        signingKeys: c.signingKeys.filter((k) => acceptDemoKeys || !k.demo),
        encryptionKeys: c.encryptionKeys.filter((k) => acceptDemoKeys || !k.demo),
        topics: c.topics ?? { inbound: inboundTopic(c.code), deadLetter: deadLetterTopic(c.code) },
      })),
    );
  }

  all(): City[] {
    return [...this.byCode.values()];
  }

  get(code: string): City | undefined {
    return this.byCode.get(code);
  }

  require(code: string): City {
    const c = this.byCode.get(code);
    if (!c) throw new Error(`city ${code} is not in the city registry (known: ${[...this.byCode.keys()].join(', ')})`);
    return c;
  }

  peersOf(code: string): City[] {
    return this.all().filter((c) => c.code !== code);
  }

  /** The pinned key a city signs with (active only); retired keys verify nothing. */
  verificationKey(cityCode: string, keyId: string): SigningKeyEntry | undefined {
    return this.byCode.get(cityCode)?.signingKeys.find((k) => k.keyId === keyId && k.status === 'active');
  }

  /** The key peers seal personal data to for a city (its first active encryption key). */
  encryptionKey(cityCode: string): EncryptionKeyEntry | undefined {
    return this.byCode.get(cityCode)?.encryptionKeys.find((k) => k.status === 'active');
  }

  /** A city's pinned encryption key by id (active or retired: a node still opens what was sealed to its retired key). */
  encryptionKeyById(cityCode: string, keyId: string): EncryptionKeyEntry | undefined {
    return this.byCode.get(cityCode)?.encryptionKeys.find((k) => k.keyId === keyId);
  }

  sameProvince(a: string, b: string): boolean {
    return this.require(a).provinceCode === this.require(b).provinceCode;
  }
}
