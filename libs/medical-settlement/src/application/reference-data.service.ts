import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type CatalogueEntry,
  type InsuredPolicy,
  type MedicalCataloguePublished,
  MedicalCataloguePublishedV1,
  type MedicalPolicyPublished,
  MedicalPolicyPublishedV1,
  type TreatingCatalogue,
} from '@guangfo/contracts';
import { Clock } from '@guangfo/kernel';
import { HandlesEvent, OutboxService, type ReceivedEvent } from '@guangfo/messaging';
import { AuditService, NODE_CONFIG, type NodeConfig, type SqlRunner } from '@guangfo/platform';
import { medicalError } from '../medical.errors.js';
import { loadMedicalSeeds } from '../infrastructure/medical-seeds.js';
import { MedicalRepository } from '../infrastructure/medical.repository.js';
import { MEDICAL_SEED_DIR } from './medical.tokens.js';
import { SlotService } from './slot.service.js';

/** How long a city's list of policy or catalogue versions is believed without reading it again. */
const VERSION_LIST_MAX_AGE_MS = 1_000;

/**
 * Versioned reference data: this city's own policy (as insured city) and catalogue (as treating city) from the seed files,
 * published once per version as broadcasts; the other cities' versions replicated from theirs. A version, once stored, is
 * never changed (a new version with a later effectiveFrom replaces it from that date).
 */
@Injectable()
export class ReferenceDataService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReferenceDataService.name);
  private readonly policies = new Map<string, InsuredPolicy>();
  private readonly catalogues = new Map<string, TreatingCatalogue & { byCode: ReadonlyMap<string, CatalogueEntry> }>();
  /**
   * Which version is in force on a date: a city's versions of one table (few, rarely added) are read at most once per
   * VERSION_LIST_MAX_AGE_MS, and again at once after this node stores a new one. A version stored meanwhile by another
   * instance is seen within that time — as if its broadcast had arrived that much later. Settlement reads this on every claim.
   */
  private readonly versionLists = new Map<string, { readAt: number; list: { version: string; effective_from: string }[] }>();
  private readonly now: () => number = Date.now;

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    @Inject(MEDICAL_SEED_DIR) private readonly seedDir: string,
    private readonly dataSource: DataSource,
    private readonly repo: MedicalRepository,
    private readonly slots: SlotService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const seeds = loadMedicalSeeds(this.seedDir, this.config.cityCode);
    await this.dataSource.transaction(async (em) => {
      for (const h of seeds.hospitals) {
        await this.repo.upsertHospital(em, h);
        for (const slot of h.slots)
          // This city's hospitals' slots are announced to the other cities when first seeded (SlotService).
          if ((await this.repo.seedSlot(em, h.code, slot)) && h.city === this.config.cityCode) await this.slots.announceById(em, slot.id);
      }
      const publishedAt = this.clock.now().toISOString();
      for (const policy of seeds.policies)
        if (await this.repo.savePolicy(em, policy)) {
          this.versionLists.delete(`policy:${policy.city}`);
          await this.outbox.add(em, {
            contract: MedicalPolicyPublishedV1,
            domain: 'medical',
            subject: `policy:${policy.city}`,
            data: { policy, publishedAt },
          });
          await this.audit.record(
            {
              actor: `city:${this.config.cityCode}`,
              action: 'medical.policy.publish',
              resource: `medical-policy:${policy.version}`,
              outcome: 'success',
              detail: { source: policy.source, demo: policy.demo },
            },
            em,
          );
          this.logger.log({ version: policy.version, demo: policy.demo }, 'medical policy version published');
        }
      for (const catalogue of seeds.catalogues)
        if (await this.repo.saveCatalogue(em, catalogue)) {
          this.versionLists.delete(`catalogue:${catalogue.city}`);
          await this.outbox.add(em, {
            contract: MedicalCataloguePublishedV1,
            domain: 'medical',
            subject: `catalogue:${catalogue.city}`,
            data: { catalogue, publishedAt },
          });
          await this.audit.record(
            {
              actor: `city:${this.config.cityCode}`,
              action: 'medical.catalogue.publish',
              resource: `medical-catalogue:${catalogue.version}`,
              outcome: 'success',
              detail: { source: catalogue.source, demo: catalogue.demo },
            },
            em,
          );
        }
    });
  }

  @HandlesEvent(MedicalPolicyPublishedV1, { consumer: 'medical.policy-replica' })
  async onPolicy(event: ReceivedEvent<MedicalPolicyPublished>, em: EntityManager): Promise<void> {
    // A city speaks only for its own policy (the signature proves the sender).
    if (event.data.policy.city !== event.fromCity) throw new Error(`policy of ${event.data.policy.city} signed by ${event.fromCity}`);
    if (await this.repo.savePolicy(em, event.data.policy)) this.versionLists.delete(`policy:${event.data.policy.city}`);
  }

  @HandlesEvent(MedicalCataloguePublishedV1, { consumer: 'medical.catalogue-replica' })
  async onCatalogue(event: ReceivedEvent<MedicalCataloguePublished>, em: EntityManager): Promise<void> {
    if (event.data.catalogue.city !== event.fromCity)
      throw new Error(`catalogue of ${event.data.catalogue.city} signed by ${event.fromCity}`);
    if (await this.repo.saveCatalogue(em, event.data.catalogue)) this.versionLists.delete(`catalogue:${event.data.catalogue.city}`);
  }

  async policy(db: SqlRunner, city: string, date: string): Promise<InsuredPolicy> {
    const version = await this.versionInForce(db, 'policy', city, date);
    const p =
      version === undefined
        ? undefined
        : await this.cached(this.policies, `${city}:${version}`, () => this.repo.policyBody(db, city, version));
    if (!p)
      throw medicalError('MEDICAL_POLICY_MISSING', {
        detail: `no policy of ${city} in force on ${date} has reached ${this.config.cityCode}`,
      });
    return p;
  }

  /** The treating catalogue in force on `date`, with its entries by code. */
  async catalogue(db: SqlRunner, date: string): Promise<TreatingCatalogue & { byCode: ReadonlyMap<string, CatalogueEntry> }> {
    const city = this.config.cityCode;
    const version = await this.versionInForce(db, 'catalogue', city, date);
    const c =
      version === undefined
        ? undefined
        : await this.cached(this.catalogues, `${city}:${version}`, async () => {
            const body = await this.repo.catalogueBody(db, city, version);
            return body && { ...body, byCode: new Map(body.entries.map((e) => [e.code, e])) };
          });
    if (!c) throw medicalError('MEDICAL_CATALOGUE_MISSING', { detail: `no catalogue of ${city} in force on ${date}` });
    return c;
  }

  private async versionInForce(db: SqlRunner, table: 'policy' | 'catalogue', city: string, date: string): Promise<string | undefined> {
    const key = `${table}:${city}`;
    let hit = this.versionLists.get(key);
    if (!hit || this.now() - hit.readAt >= VERSION_LIST_MAX_AGE_MS) {
      hit = { readAt: this.now(), list: await this.repo.versionsOf(db, table, city) };
      this.versionLists.set(key, hit);
    }
    return hit.list.find((v) => v.effective_from <= date)?.version;
  }

  /** Versions never change once stored (a new version gets a new name), so a parsed body is cached by city and version for good. */
  private async cached<T>(cache: Map<string, T>, key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const hit = cache.get(key);
    if (hit) return hit;
    const loaded = await load();
    if (loaded) cache.set(key, loaded);
    return loaded;
  }

  versions() {
    return this.repo.listVersions(this.dataSource);
  }
}
