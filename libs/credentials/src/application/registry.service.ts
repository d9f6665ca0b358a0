import { Inject, Injectable, Logger } from '@nestjs/common';
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
import { Clock } from '@guangfo/kernel';
import { HandlesEvent, OutboxService, type ReceivedEvent } from '@guangfo/messaging';
import { CityRegistry, NODE_CONFIG, type NodeConfig } from '@guangfo/platform';
import { DataSource, type EntityManager } from 'typeorm';
import type { CredentialStatusRecord, IssuerKeyRecord } from '../domain/credential-verification.js';
import type { StatusFreshness } from '../domain/freshness.js';
import { canonicalBodies, type IssuingBody } from '../domain/issuing-authorities.js';
import { RegistryRepository } from '../infrastructure/registry.repository.js';
import { advanceWatermark, applyCheckpoint, isBehind } from '../domain/registry.stream.js';

export const CREDENTIALS_DOMAIN = 'credentials';

/** A change this city makes to its own registry (and broadcasts). */
export type OwnRegistryChange =
  | { kind: 'key'; key: Omit<IssuerKeyRecord, 'issuerCity' | 'statusChangedAt'> }
  | {
      kind: 'status';
      credentialId: string;
      credentialType: string;
      status: 'valid' | 'suspended' | 'revoked';
      reasonCode: CredentialStatusReasonCode;
    }
  | { kind: 'authorities'; bodies: readonly IssuingBody[] };

/** The events of a city's registry stream, applied in order by one consumer. */
const REGISTRY_STREAM_CONTRACTS = [
  IssuerKeyChangedV1,
  IssuingAuthoritiesChangedV1,
  CredentialStatusChangedV1,
  RegistryCheckpointV1,
] as const;
type RegistryStreamData = IssuerKeyChanged | IssuingAuthoritiesChanged | CredentialStatusChanged | RegistryCheckpoint;

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
    private readonly repo: RegistryRepository,
    private readonly outbox: OutboxService,
    private readonly cities: CityRegistry,
    private readonly clock: Clock,
  ) {}

  get cityCode(): string {
    return this.node.cityCode;
  }

  async ensureOwnStream(): Promise<void> {
    await this.repo.ensureStream(this.dataSource, this.node.cityCode);
  }

  // ---------------------------------------------------------------------------------------------
  // This city's own registry: write locally, broadcast in the same transaction.
  // ---------------------------------------------------------------------------------------------

  /** Applies a change to this city's registry and adds its broadcast to the outbox (caller's transaction). */
  async appendOwn(em: EntityManager, change: OwnRegistryChange): Promise<number> {
    const city = this.node.cityCode;
    await this.repo.ensureStream(em, city);
    // The row lock orders concurrent writers: sequence order = commit order = outbox order.
    const { sequence, occurredAt } = await this.repo.nextOwnSequence(em, city);
    const subject = credentialRegistrySubject(city);
    if (change.kind === 'key') {
      const k = change.key;
      await this.repo.upsertKey(em, { ...k, issuerCity: city, statusChangedAt: occurredAt }, sequence);
      await this.repo.insertOwnEvent(em, { city, sequence, kind: 'key', occurredAt });
      await this.outbox.add(em, {
        contract: IssuerKeyChangedV1,
        domain: CREDENTIALS_DOMAIN,
        subject,
        data: {
          issuerCity: city,
          sequence,
          occurredAt,
          keyId: k.keyId,
          algorithm: 'SM2-SM3',
          publicKey: k.publicKey,
          credentialTypes: [...k.credentialTypes],
          status: k.status,
          publishedAt: k.publishedAt,
        },
      });
    } else if (change.kind === 'authorities') {
      const bodies = canonicalBodies(change.bodies);
      await this.repo.replaceAuthorities(em, city, bodies, sequence);
      await this.repo.insertOwnEvent(em, { city, sequence, kind: 'authorities', occurredAt });
      await this.outbox.add(em, {
        contract: IssuingAuthoritiesChangedV1,
        domain: CREDENTIALS_DOMAIN,
        subject,
        data: {
          issuerCity: city,
          sequence,
          occurredAt,
          bodies: bodies.map((b) => ({ code: b.code, name: b.name, credentialTypes: [...b.credentialTypes] })),
        },
      });
    } else {
      await this.repo.upsertStatus(em, {
        city,
        credentialId: change.credentialId,
        credentialType: change.credentialType,
        status: change.status,
        reasonCode: change.reasonCode,
        changedAt: occurredAt,
        sequence,
      });
      await this.repo.insertOwnEvent(em, { city, sequence, kind: 'status', occurredAt });
      await this.outbox.add(em, {
        contract: CredentialStatusChangedV1,
        domain: CREDENTIALS_DOMAIN,
        subject,
        data: {
          issuerCity: city,
          sequence,
          occurredAt,
          credentialId: change.credentialId,
          credentialType: change.credentialType,
          status: change.status,
          reasonCode: change.reasonCode,
        },
      });
    }
    return sequence;
  }

  /** Broadcasts "my registry ends at sequence N as of now" (the status heartbeat). */
  async checkpoint(): Promise<{ sequence: number; occurredAt: string }> {
    const city = this.node.cityCode;
    return this.dataSource.transaction(async (em) => {
      await this.repo.ensureStream(em, city);
      const { sequence, now: occurredAt } = await this.repo.lockOwnPosition(em, city);
      const keys = await this.repo.keyStatuses(em, city, 100);
      await this.outbox.add(em, {
        contract: RegistryCheckpointV1,
        domain: CREDENTIALS_DOMAIN,
        subject: credentialRegistrySubject(city),
        data: { issuerCity: city, sequence, occurredAt, keys },
      });
      return { sequence, occurredAt };
    });
  }

  /** Publishes this city's issuing-authority list when it differs from the one last published (at start, from the seed). */
  async publishOwnAuthorities(bodies: readonly IssuingBody[]): Promise<boolean> {
    const wanted = canonicalBodies(bodies);
    return this.dataSource.transaction(async (em) => {
      await this.repo.serialiseAuthorities(em);
      const published = await this.repo.authoritiesSequence(em, this.node.cityCode);
      const current = canonicalBodies(await this.authorities(this.node.cityCode, em));
      if (published != null && JSON.stringify(current) === JSON.stringify(wanted)) return false;
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
    await this.repo.ensureStream(em, city);
    const stream = await this.repo.lockStream(em, city);
    let state = stream.state;
    let highestSeen = stream.highestSeen;

    if (event.type === RegistryCheckpointV1.type) {
      const cp = event.data as RegistryCheckpoint;
      state = applyCheckpoint(state, cp);
      highestSeen = Math.max(highestSeen, cp.sequence);
      if (state.watermark >= cp.sequence) await this.reconcileKeys(em, city, cp);
    } else {
      const change = event.data as IssuerKeyChanged | IssuingAuthoritiesChanged | CredentialStatusChanged;
      const kind =
        event.type === IssuerKeyChangedV1.type ? 'key' : event.type === IssuingAuthoritiesChangedV1.type ? 'authorities' : 'status';
      if (!(await this.repo.insertEvent(em, { city, sequence: change.sequence, kind, occurredAt: change.occurredAt, eventId: event.id }))) {
        this.logger.warn({ city, sequence: change.sequence, eventId: event.id }, 'registry sequence already applied; event ignored');
        return;
      }
      if (event.type === IssuerKeyChangedV1.type) {
        const k = change as IssuerKeyChanged;
        if (!k.keyId.startsWith(`${city}-`)) throw new Error(`key ${k.keyId} is not named after its issuer ${city}`);
        await this.repo.upsertKey(
          em,
          {
            issuerCity: city,
            keyId: k.keyId,
            publicKey: k.publicKey,
            credentialTypes: k.credentialTypes,
            status: k.status,
            publishedAt: k.publishedAt,
            statusChangedAt: k.occurredAt,
          },
          k.sequence,
        );
      } else if (event.type === IssuingAuthoritiesChangedV1.type) {
        const a = change as IssuingAuthoritiesChanged;
        // A whole list replaces the previous one, unless a newer list was applied already (out-of-order replay).
        if (stream.authoritiesSequence === null || stream.authoritiesSequence < a.sequence)
          await this.repo.replaceAuthorities(em, city, a.bodies, a.sequence);
      } else {
        const s = change as CredentialStatusChanged;
        await this.repo.upsertStatus(em, {
          city,
          credentialId: s.credentialId,
          credentialType: s.credentialType,
          status: s.status,
          reasonCode: s.reasonCode,
          changedAt: s.occurredAt,
          sequence: s.sequence,
        });
      }
      highestSeen = Math.max(highestSeen, change.sequence);
      state = advanceWatermark(state, await this.repo.eventsAfter(em, city, state.watermark));
    }
    if (isBehind(state, highestSeen)) {
      this.logger.warn(
        { city, watermark: state.watermark, highestSeen, checkpoint: state.checkpointSequence },
        'credential registry stream has a gap: status freshness is held back until it is filled',
      );
    }
    await this.repo.saveStream(em, city, state, highestSeen);
  }

  /** A checkpoint the receiver has caught up with is authoritative for key status (repairs a replayed, out-of-order key event). */
  private async reconcileKeys(em: EntityManager, city: string, cp: RegistryCheckpoint): Promise<void> {
    for (const k of cp.keys) {
      await this.repo.reconcileKey(em, city, k, cp.occurredAt, cp.sequence);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reads (verification)
  // ---------------------------------------------------------------------------------------------

  issuerCityKnown(city: string): boolean {
    return this.cities.get(city) !== undefined;
  }

  async key(issuerCity: string, keyId: string): Promise<IssuerKeyRecord | undefined> {
    return this.repo.key(this.dataSource, issuerCity, keyId);
  }

  async status(issuerCity: string, credentialId: string): Promise<CredentialStatusRecord | undefined> {
    return this.repo.status(this.dataSource, issuerCity, credentialId);
  }

  /** The issuing-authority list of a city as this node knows it (own: from its seed; others: replicated). */
  async authorities(issuerCity: string, em: EntityManager = this.dataSource.manager): Promise<IssuingBody[]> {
    return this.repo.authorities(em, issuerCity);
  }

  /** Every city's list (or one city's), for the public registry view. */
  async allAuthorities(issuerCity?: string): Promise<{ issuerCity: string; code: string; name: string; credentialTypes: string[] }[]> {
    return this.repo.allAuthorities(this.dataSource, issuerCity);
  }

  /** The credential types `bodyCode` may issue in `issuerCity`'s published list (undefined: not on the list). */
  async authorisedTypes(issuerCity: string, bodyCode: string): Promise<string[] | undefined> {
    return this.repo.authorisedTypes(this.dataSource, issuerCity, bodyCode);
  }

  async freshness(issuerCity: string): Promise<StatusFreshness> {
    if (issuerCity === this.node.cityCode) return { authoritative: true, asOf: null };
    return { authoritative: false, asOf: await this.repo.asOf(this.dataSource, issuerCity) };
  }

  async keys(issuerCity?: string): Promise<IssuerKeyRecord[]> {
    return this.repo.keys(this.dataSource, issuerCity);
  }

  async streams(issuerCity?: string): Promise<StreamView[]> {
    return (await this.repo.streams(this.dataSource, issuerCity)).map((r) => {
      const own = r.issuerCity === this.node.cityCode;
      return {
        issuerCity: r.issuerCity,
        own,
        sequence: r.state.watermark,
        highestSeen: r.highestSeen,
        asOf: own ? this.clock.now().toISOString() : r.state.asOf,
        lastCheckpointAt: r.state.checkpointAt,
        behind: !own && isBehind(r.state, r.highestSeen),
      };
    });
  }
}
