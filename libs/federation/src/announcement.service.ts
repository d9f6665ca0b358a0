import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type NodeAnnounced, NodeAnnouncedV1 } from '@guangfo/contracts';
import { HandlesEvent, OutboxService, type ReceivedEvent } from '@guangfo/messaging';
import { AuditService, NODE_CONFIG, type NodeConfig } from '@guangfo/platform';
import { NODE_IDENTITY, type NodeIdentity } from './node-identity.js';

export interface PeerAnnouncementView {
  cityCode: string;
  nodeVersion: string;
  catalogue: { version: string; hash: string };
  /** Null when the peer's node does not announce its calendar. */
  calendar: { version: string; hash: string } | null;
  announcedAt: string;
  receivedAt: string;
  eventId: string;
  /** How many announcements from this city were applied (each event exactly once). */
  received: number;
}

/**
 * The first cross-city event: each node announces itself (software, catalogue version, clock)
 * to every other city; each city records every announcement it receives, once.
 */
@Injectable()
export class AnnouncementService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AnnouncementService.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    @Inject(NODE_IDENTITY) private readonly identity: NodeIdentity,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.announce('system');
    this.timer = setInterval(() => {
      this.announce('system').catch((err: unknown) => this.logger.warn({ err }, 'announcement failed'));
    }, this.config.announceIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Commits an announcement to the outbox (and the audit log) in one transaction. */
  async announce(actor: string): Promise<{ eventId: string }> {
    return this.dataSource.transaction(async (em) => {
      const event = await this.outbox.add(em, {
        contract: NodeAnnouncedV1,
        domain: 'platform',
        subject: `city-node/${this.config.cityCode}`,
        data: {
          cityCode: this.config.cityCode,
          nodeVersion: this.config.nodeVersion,
          catalogue: this.identity.catalogue(),
          calendar: this.identity.calendar(),
          announcedAt: new Date().toISOString(),
          domains: this.identity.domains,
        },
      });
      await this.audit.record({ actor, action: 'node.announce', resource: `event:${event.id}`, outcome: 'success' }, em);
      return { eventId: event.id };
    });
  }

  @HandlesEvent(NodeAnnouncedV1, { consumer: 'platform.peer-announcements' })
  private async record(event: ReceivedEvent<NodeAnnounced>, em: EntityManager): Promise<void> {
    if (event.data.cityCode !== event.fromCity) throw new Error(`announcement for ${event.data.cityCode} signed by ${event.fromCity}`);
    await em.query(
      `INSERT INTO platform.peer_announcement (event_id, city_code, node_version, catalogue_version, catalogue_hash, calendar_version, calendar_hash, announced_at, correlation_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        event.id,
        event.data.cityCode,
        event.data.nodeVersion,
        event.data.catalogue.version,
        event.data.catalogue.hash,
        event.data.calendar?.version ?? null,
        event.data.calendar?.hash ?? null,
        event.data.announcedAt,
        event.correlationid ?? null,
      ],
    );
  }

  async peers(): Promise<PeerAnnouncementView[]> {
    const rows = (await this.dataSource.query(`
      SELECT DISTINCT ON (city_code) city_code, node_version, catalogue_version, catalogue_hash, calendar_version, calendar_hash, announced_at, received_at, event_id,
             count(*) OVER (PARTITION BY city_code)::int AS received
        FROM platform.peer_announcement ORDER BY city_code, id DESC`)) as {
      city_code: string;
      node_version: string;
      catalogue_version: string;
      catalogue_hash: string;
      calendar_version: string | null;
      calendar_hash: string | null;
      announced_at: Date;
      received_at: Date;
      event_id: string;
      received: number;
    }[];
    return rows.map((r) => ({
      cityCode: r.city_code,
      nodeVersion: r.node_version,
      catalogue: { version: r.catalogue_version, hash: r.catalogue_hash },
      calendar: r.calendar_version && r.calendar_hash ? { version: r.calendar_version, hash: r.calendar_hash } : null,
      announcedAt: r.announced_at.toISOString(),
      receivedAt: r.received_at.toISOString(),
      eventId: r.event_id,
      received: r.received,
    }));
  }
}
