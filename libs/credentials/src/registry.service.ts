import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  credentialRegistrySubject,
  type CredentialStatusChanged,
  CredentialStatusChangedV1,
  type CredentialStatusReasonCode,
  type IssuerKeyChanged,
  IssuerKeyChangedV1,
  type IssuingAuthoritiesChanged,
  IssuingAuthoritiesChangedV1,
  type RegistryCheckpoint,
  RegistryCheckpointV1,
} from '@guangfo/contracts';
import { CityRegistry, HandlesEvent, NODE_CONFIG, type NodeConfig, OutboxService, type ReceivedEvent } from '@guangfo/platform';
import type { CredentialStatusRecord, IssuerKeyRecord, IssuerKeyStatus } from './credential-verification.js';
import type { StatusFreshness } from './freshness.js';
import { canonicalBodies, type IssuingBody } from './issuing-authorities.js';
import { advanceWatermark, applyCheckpoint, isBehind, type StreamState } from './registry.stream.js';
import { returnedRows } from './sql.js';

export const CREDENTIALS_DOMAIN = 'credentials';

/** A change this city makes to its own registry (and broadcasts). */
export type OwnRegistryChange =
  | { kind: 'key'; key: Omit<IssuerKeyRecord, 'issuerCity' | 'statusChangedAt'> }
  | { kind: 'status'; credentialId: string; credentialType: string; status: 'valid' | 'suspended' | 'revoked'; reasonCode: CredentialStatusReasonCode }
  | { kind: 'authorities'; bodies: readonly IssuingBody[] };

/** The events of a city's registry stream, applied in order by one consumer. */
const REGISTRY_STREAM_CONTRACTS = [IssuerKeyChangedV1, IssuingAuthoritiesChangedV1, CredentialStatusChangedV1, RegistryCheckpointV1] as const;
type RegistryStreamData = IssuerKeyChanged | IssuingAuthoritiesChanged | CredentialStatusChanged | RegistryCheckpoint;

const AUTHORITIES_LOCK = 7_440_100_302;

interface KeyRow {
  issuer_city: string; key_id: string; public_key: string; credential_types: string[]; status: IssuerKeyStatus;
  published_at: Date; status_changed_at: Date; sequence: string;
}
interface StreamRow {
  issuer_city: string; watermark: string; watermark_at: Date | null; highest_seen: string;
  checkpoint_sequence: string | null; checkpoint_at: Date | null; as_of: Date | null; updated_at: Date; authorities_sequence: string | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const toKey = (r: KeyRow): IssuerKeyRecord => ({
  issuerCity: r.issuer_city,
  keyId: r.key_id,
  publicKey: r.public_key,
  credentialTypes: r.credential_types,
  status: r.status,
  publishedAt: r.published_at.toISOString(),
  statusChangedAt: r.status_changed_at.toISOString(),
});
const toState = (r: StreamRow): StreamState => ({
  watermark: Number(r.watermark),
  watermarkAt: iso(r.watermark_at),
  checkpointSequence: r.checkpoint_sequence === null ? null : Number(r.checkpoint_sequence),
  checkpointAt: iso(r.checkpoint_at),
  asOf: iso(r.as_of),
});

export interface StreamView {
  issuerCity: string;
  /** This node is the issuer: its registry is authoritative. */
  own: boolean;
  sequence: number;
  highestSeen: number;
  /** Issuer time the replicated registry is known as of. */
  asOf: string | null;
  lastCheckpointAt: string | null;
  /** Changes announced by the issuer but not applied yet in order (a gap). */
  behind: boolean;
}

/**
 * The credential registry of every city as this node knows it: issuer keys and credential status,
 * this city's own (written here, then broadcast) and the other cities' (replicated from their
 * signed broadcasts). Verification reads only this, never the issuer.
 */
@Injectable()
export class CredentialRegistryService {
  private readonly logger = new Logger(CredentialRegistryService.name);

  constructor(
    @Inject(NODE_CONFIG) private readonly node: NodeConfig,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly cities: CityRegistry,
  ) {}

  get cityCode(): string {
    return this.node.cityCode;
  }

  async ensureOwnStream(): Promise<void> {
    await this.dataSource.query(`INSERT INTO credentials.registry_stream (issuer_city) VALUES ($1) ON CONFLICT DO NOTHING`, [this.node.cityCode]);
  }

  // ---------------------------------------------------------------------------------------------
  // This city's own registry: write locally, broadcast in the same transaction.
  // ---------------------------------------------------------------------------------------------

  /** Applies a change to this city's registry and adds its broadcast to the outbox (caller's transaction). */
  async appendOwn(em: EntityManager, change: OwnRegistryChange): Promise<number> {
    const city = this.node.cityCode;
    await em.query(`INSERT INTO credentials.registry_stream (issuer_city) VALUES ($1) ON CONFLICT DO NOTHING`, [city]);
    // The row lock orders concurrent writers: sequence order = commit order = outbox order.
    const [row] = returnedRows<{ watermark: string; watermark_at: Date }>(await em.query(
      `UPDATE credentials.registry_stream SET watermark = watermark + 1, highest_seen = watermark + 1, watermark_at = now(), as_of = now(), updated_at = now()
        WHERE issuer_city = $1 RETURNING watermark, watermark_at`,
      [city],
    ));
    const sequence = Number(row!.watermark);
    const occurredAt = row!.watermark_at.toISOString();
    const subject = credentialRegistrySubject(city);
    if (change.kind === 'key') {
      const k = change.key;
      await this.upsertKey(em, { ...k, issuerCity: city, statusChangedAt: occurredAt }, sequence);
      await em.query(`INSERT INTO credentials.registry_event (issuer_city, sequence, kind, occurred_at) VALUES ($1, $2, 'key', $3)`, [city, sequence, occurredAt]);
      await this.outbox.add(em, {
        contract: IssuerKeyChangedV1,
        domain: CREDENTIALS_DOMAIN,
        subject,
        data: { issuerCity: city, sequence, occurredAt, keyId: k.keyId, algorithm: 'SM2-SM3', publicKey: k.publicKey, credentialTypes: [...k.credentialTypes], status: k.status, publishedAt: k.publishedAt },
      });
    } else if (change.kind === 'authorities') {
      const bodies = canonicalBodies(change.bodies);
      await this.replaceAuthorities(em, city, bodies, sequence);
      await em.query(`INSERT INTO credentials.registry_event (issuer_city, sequence, kind, occurred_at) VALUES ($1, $2, 'authorities', $3)`, [city, sequence, occurredAt]);
      await this.outbox.add(em, {
        contract: IssuingAuthoritiesChangedV1,
        domain: CREDENTIALS_DOMAIN,
        subject,
        data: { issuerCity: city, sequence, occurredAt, bodies: bodies.map((b) => ({ code: b.code, name: b.name, credentialTypes: [...b.credentialTypes] })) },
      });
    } else {
      await this.upsertStatus(em, city, change.credentialId, change.credentialType, change.status, change.reasonCode, occurredAt, sequence);
      await em.query(`INSERT INTO credentials.registry_event (issuer_city, sequence, kind, occurred_at) VALUES ($1, $2, 'status', $3)`, [city, sequence, occurredAt]);
      await this.outbox.add(em, {
        contract: CredentialStatusChangedV1,
        domain: CREDENTIALS_DOMAIN,
        subject,
        data: { issuerCity: city, sequence, occurredAt, credentialId: change.credentialId, credentialType: change.credentialType, status: change.status, reasonCode: change.reasonCode },
      });
    }
    return sequence;
  }

  /** Broadcasts "my registry ends at sequence N as of now" (the status heartbeat). */
  async checkpoint(): Promise<{ sequence: number; occurredAt: string }> {
    const city = this.node.cityCode;
    return this.dataSource.transaction(async (em) => {
      await em.query(`INSERT INTO credentials.registry_stream (issuer_city) VALUES ($1) ON CONFLICT DO NOTHING`, [city]);
      const [row] = (await em.query(`SELECT watermark, now() AS now FROM credentials.registry_stream WHERE issuer_city = $1 FOR UPDATE`, [city])) as { watermark: string; now: Date }[];
      const keys = (await em.query(`SELECT key_id, status FROM credentials.key_registry WHERE issuer_city = $1 ORDER BY published_at DESC LIMIT 100`, [city])) as { key_id: string; status: IssuerKeyStatus }[];
      const sequence = Number(row!.watermark);
      const occurredAt = row!.now.toISOString();
      await this.outbox.add(em, {
        contract: RegistryCheckpointV1,
        domain: CREDENTIALS_DOMAIN,
        subject: credentialRegistrySubject(city),
        data: { issuerCity: city, sequence, occurredAt, keys: keys.map((k) => ({ keyId: k.key_id, status: k.status })) },
      });
      return { sequence, occurredAt };
    });
  }

  /** Publishes this city's issuing-authority list when it differs from the one last published (at start, from the seed). */
  async publishOwnAuthorities(bodies: readonly IssuingBody[]): Promise<boolean> {
    const wanted = canonicalBodies(bodies);
    return this.dataSource.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1)', [AUTHORITIES_LOCK]);
      const [published] = (await em.query(`SELECT authorities_sequence FROM credentials.registry_stream WHERE issuer_city = $1`, [this.node.cityCode])) as { authorities_sequence: string | null }[];
      const current = canonicalBodies(await this.authorities(this.node.cityCode, em));
      if (published?.authorities_sequence != null && JSON.stringify(current) === JSON.stringify(wanted)) return false;
      const sequence = await this.appendOwn(em, { kind: 'authorities', bodies: wanted });
      this.logger.log({ bodies: wanted.length, sequence }, 'issuing-authority list published');
      return true;
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Other cities' registries: apply their broadcasts (inbox transaction).
  // ---------------------------------------------------------------------------------------------

  /** Subscribes to the other cities' registry streams. */
  @HandlesEvent(REGISTRY_STREAM_CONTRACTS, { consumer: 'credentials.registry' })
  private async apply(event: ReceivedEvent<RegistryStreamData>, em: EntityManager): Promise<void> {
    const data = event.data;
    // Trust comes from the event signature: a city speaks only for its own registry.
    if (data.issuerCity !== event.fromCity) throw new Error(`${event.type} for issuer ${data.issuerCity} signed by ${event.fromCity}`);
    const city = event.fromCity;
    await em.query(`INSERT INTO credentials.registry_stream (issuer_city) VALUES ($1) ON CONFLICT DO NOTHING`, [city]);
    const [streamRow] = (await em.query(`SELECT * FROM credentials.registry_stream WHERE issuer_city = $1 FOR UPDATE`, [city])) as StreamRow[];
    let state = toState(streamRow!);
    let highestSeen = Number(streamRow!.highest_seen);

    if (event.type === RegistryCheckpointV1.type) {
      const cp = event.data as RegistryCheckpoint;
      state = applyCheckpoint(state, cp);
      highestSeen = Math.max(highestSeen, cp.sequence);
      if (state.watermark >= cp.sequence) await this.reconcileKeys(em, city, cp);
    } else {
      const change = event.data as IssuerKeyChanged | IssuingAuthoritiesChanged | CredentialStatusChanged;
      const inserted = (await em.query(
        `INSERT INTO credentials.registry_event (issuer_city, sequence, kind, occurred_at, event_id) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING RETURNING sequence`,
        [city, change.sequence, event.type === IssuerKeyChangedV1.type ? 'key' : event.type === IssuingAuthoritiesChangedV1.type ? 'authorities' : 'status', change.occurredAt, event.id],
      )) as unknown[];
      if (inserted.length === 0) {
        this.logger.warn({ city, sequence: change.sequence, eventId: event.id }, 'registry sequence already applied; event ignored');
        return;
      }
      if (event.type === IssuerKeyChangedV1.type) {
        const k = change as IssuerKeyChanged;
        if (!k.keyId.startsWith(`${city}-`)) throw new Error(`key ${k.keyId} is not named after its issuer ${city}`);
        await this.upsertKey(em, { issuerCity: city, keyId: k.keyId, publicKey: k.publicKey, credentialTypes: k.credentialTypes, status: k.status, publishedAt: k.publishedAt, statusChangedAt: k.occurredAt }, k.sequence);
      } else if (event.type === IssuingAuthoritiesChangedV1.type) {
        const a = change as IssuingAuthoritiesChanged;
        // A whole list replaces the previous one, unless a newer list was applied already (out-of-order replay).
        if (streamRow!.authorities_sequence === null || Number(streamRow!.authorities_sequence) < a.sequence) await this.replaceAuthorities(em, city, a.bodies, a.sequence);
      } else {
        const s = change as CredentialStatusChanged;
        await this.upsertStatus(em, city, s.credentialId, s.credentialType, s.status, s.reasonCode, s.occurredAt, s.sequence);
      }
      highestSeen = Math.max(highestSeen, change.sequence);
      const pending = (await em.query(
        `SELECT sequence, occurred_at FROM credentials.registry_event WHERE issuer_city = $1 AND sequence > $2 ORDER BY sequence LIMIT 10000`,
        [city, state.watermark],
      )) as { sequence: string; occurred_at: Date }[];
      state = advanceWatermark(state, new Map(pending.map((p) => [Number(p.sequence), p.occurred_at.toISOString()])));
    }
    if (isBehind(state, highestSeen)) {
      this.logger.warn({ city, watermark: state.watermark, highestSeen, checkpoint: state.checkpointSequence }, 'credential registry stream has a gap: status freshness is held back until it is filled');
    }
    await em.query(
      `UPDATE credentials.registry_stream SET watermark = $2, watermark_at = $3, highest_seen = $4, checkpoint_sequence = $5, checkpoint_at = $6, as_of = $7, updated_at = now()
        WHERE issuer_city = $1`,
      [city, state.watermark, state.watermarkAt, highestSeen, state.checkpointSequence, state.checkpointAt, state.asOf],
    );
  }

  /** A checkpoint the receiver has caught up with is authoritative for key status (repairs a replayed, out-of-order key event). */
  private async reconcileKeys(em: EntityManager, city: string, cp: RegistryCheckpoint): Promise<void> {
    for (const k of cp.keys) {
      await em.query(
        `UPDATE credentials.key_registry SET status = $3, status_changed_at = $4 WHERE issuer_city = $1 AND key_id = $2 AND status <> $3 AND sequence <= $5`,
        [city, k.keyId, k.status, cp.occurredAt, cp.sequence],
      );
    }
  }

  private async upsertKey(em: EntityManager, k: IssuerKeyRecord, sequence: number): Promise<void> {
    await em.query(
      `INSERT INTO credentials.key_registry (issuer_city, key_id, public_key, credential_types, status, published_at, status_changed_at, sequence)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (issuer_city, key_id) DO UPDATE SET status = EXCLUDED.status, credential_types = EXCLUDED.credential_types,
         status_changed_at = EXCLUDED.status_changed_at, sequence = EXCLUDED.sequence
       WHERE credentials.key_registry.sequence < EXCLUDED.sequence AND credentials.key_registry.public_key = EXCLUDED.public_key`,
      [k.issuerCity, k.keyId, k.publicKey, [...k.credentialTypes], k.status, k.publishedAt, k.statusChangedAt, sequence],
    );
  }

  private async replaceAuthorities(em: EntityManager, city: string, bodies: readonly IssuingBody[], sequence: number): Promise<void> {
    await em.query(`DELETE FROM credentials.issuing_authority WHERE issuer_city = $1`, [city]);
    for (const b of bodies) {
      await em.query(
        `INSERT INTO credentials.issuing_authority (issuer_city, body_code, body_name, credential_types, sequence) VALUES ($1, $2, $3, $4, $5)`,
        [city, b.code, b.name, [...b.credentialTypes], sequence],
      );
    }
    await em.query(`UPDATE credentials.registry_stream SET authorities_sequence = $2 WHERE issuer_city = $1`, [city, sequence]);
  }

  private async upsertStatus(em: EntityManager, city: string, credentialId: string, credentialType: string, status: string, reasonCode: string, changedAt: string, sequence: number): Promise<void> {
    await em.query(
      `INSERT INTO credentials.credential_status (issuer_city, credential_id, credential_type, status, reason_code, changed_at, sequence)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (issuer_city, credential_id) DO UPDATE SET status = EXCLUDED.status, reason_code = EXCLUDED.reason_code,
         changed_at = EXCLUDED.changed_at, sequence = EXCLUDED.sequence
       WHERE credentials.credential_status.sequence < EXCLUDED.sequence`,
      [city, credentialId, credentialType, status, reasonCode, changedAt, sequence],
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Reads (verification)
  // ---------------------------------------------------------------------------------------------

  issuerCityKnown(city: string): boolean {
    return this.cities.get(city) !== undefined;
  }

  async key(issuerCity: string, keyId: string): Promise<IssuerKeyRecord | undefined> {
    const rows = (await this.dataSource.query(`SELECT * FROM credentials.key_registry WHERE issuer_city = $1 AND key_id = $2`, [issuerCity, keyId])) as KeyRow[];
    return rows[0] ? toKey(rows[0]) : undefined;
  }

  async status(issuerCity: string, credentialId: string): Promise<CredentialStatusRecord | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT status, reason_code, changed_at FROM credentials.credential_status WHERE issuer_city = $1 AND credential_id = $2`,
      [issuerCity, credentialId],
    )) as { status: CredentialStatusRecord['status']; reason_code: string; changed_at: Date }[];
    const r = rows[0];
    return r ? { status: r.status, reasonCode: r.reason_code, changedAt: r.changed_at.toISOString() } : undefined;
  }

  /** The issuing-authority list of a city as this node knows it (own: from its seed; others: replicated). */
  async authorities(issuerCity: string, em: EntityManager = this.dataSource.manager): Promise<IssuingBody[]> {
    const rows = (await em.query(
      `SELECT body_code, body_name, credential_types FROM credentials.issuing_authority WHERE issuer_city = $1 ORDER BY body_code`,
      [issuerCity],
    )) as { body_code: string; body_name: string; credential_types: string[] }[];
    return rows.map((r) => ({ code: r.body_code, name: r.body_name, credentialTypes: r.credential_types }));
  }

  /** Every city's list (or one city's), for the public registry view. */
  async allAuthorities(issuerCity?: string): Promise<{ issuerCity: string; code: string; name: string; credentialTypes: string[] }[]> {
    const rows = (await this.dataSource.query(
      `SELECT issuer_city, body_code, body_name, credential_types FROM credentials.issuing_authority WHERE ($1::text IS NULL OR issuer_city = $1) ORDER BY issuer_city, body_code`,
      [issuerCity ?? null],
    )) as { issuer_city: string; body_code: string; body_name: string; credential_types: string[] }[];
    return rows.map((r) => ({ issuerCity: r.issuer_city, code: r.body_code, name: r.body_name, credentialTypes: r.credential_types }));
  }

  /** The credential types `bodyCode` may issue in `issuerCity`'s published list (undefined: not on the list). */
  async authorisedTypes(issuerCity: string, bodyCode: string): Promise<string[] | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT credential_types FROM credentials.issuing_authority WHERE issuer_city = $1 AND body_code = $2`,
      [issuerCity, bodyCode],
    )) as { credential_types: string[] }[];
    return rows[0]?.credential_types;
  }

  async freshness(issuerCity: string): Promise<StatusFreshness> {
    if (issuerCity === this.node.cityCode) return { authoritative: true, asOf: null };
    const rows = (await this.dataSource.query(`SELECT as_of FROM credentials.registry_stream WHERE issuer_city = $1`, [issuerCity])) as { as_of: Date | null }[];
    return { authoritative: false, asOf: iso(rows[0]?.as_of ?? null) };
  }

  async keys(issuerCity?: string): Promise<IssuerKeyRecord[]> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM credentials.key_registry WHERE ($1::text IS NULL OR issuer_city = $1) ORDER BY issuer_city, published_at DESC, key_id`,
      [issuerCity ?? null],
    )) as KeyRow[];
    return rows.map(toKey);
  }

  async streams(issuerCity?: string): Promise<StreamView[]> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM credentials.registry_stream WHERE ($1::text IS NULL OR issuer_city = $1) ORDER BY issuer_city`,
      [issuerCity ?? null],
    )) as StreamRow[];
    return rows.map((r) => {
      const own = r.issuer_city === this.node.cityCode;
      const state = toState(r);
      return {
        issuerCity: r.issuer_city,
        own,
        sequence: state.watermark,
        highestSeen: Number(r.highest_seen),
        asOf: own ? new Date().toISOString() : state.asOf,
        lastCheckpointAt: state.checkpointAt,
        behind: !own && isBehind(state, Number(r.highest_seen)),
      };
    });
  }
}
