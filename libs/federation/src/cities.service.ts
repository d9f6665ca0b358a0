import { Inject, Injectable } from '@nestjs/common';
import { AnnouncementService, type PeerAnnouncementView } from './announcement.service.js';
import { CityRegistry } from '@guangfo/platform';
import { NODE_IDENTITY, type NodeIdentity } from './node-identity.js';

export interface CitiesView {
  self: string;
  catalogue: { version: string; hash: string };
  /** The working-day calendar this node counts deadlines on. */
  calendar: { version: string; hash: string };
  cities: {
    code: string;
    nameZh: string;
    nameEn: string;
    provinceCode: string;
    topics: { inbound: string; deadLetter: string };
    signingKeys: { keyId: string; alg: string; status: string; publicKey: string }[];
    lastAnnouncement: PeerAnnouncementView | null;
    /** Whether this city runs the same catalogue as this node (null until it has announced). */
    catalogueAgrees: boolean | null;
    /** Whether this city counts on the same calendar (same notices loaded); null until it has announced one. */
    calendarAgrees: boolean | null;
  }[];
}

@Injectable()
export class CitiesService {
  constructor(
    private readonly registry: CityRegistry,
    private readonly announcements: AnnouncementService,
    @Inject(NODE_IDENTITY) private readonly identity: NodeIdentity,
  ) {}

  async view(self: string): Promise<CitiesView> {
    const peers = new Map((await this.announcements.peers()).map((p) => [p.cityCode, p]));
    const mine = this.identity.catalogue();
    const calendar = this.identity.calendar();
    return {
      self,
      catalogue: mine,
      calendar,
      cities: this.registry.all().map((c) => {
        const last = peers.get(c.code) ?? null;
        return {
          code: c.code,
          nameZh: c.nameZh,
          nameEn: c.nameEn,
          provinceCode: c.provinceCode,
          topics: c.topics,
          signingKeys: c.signingKeys.map(({ keyId, alg, status, publicKey }) => ({ keyId, alg, status, publicKey })),
          lastAnnouncement: last,
          catalogueAgrees: c.code === self ? true : last ? last.catalogue.hash === mine.hash : null,
          calendarAgrees: c.code === self ? true : last?.calendar ? last.calendar.hash === calendar.hash : null,
        };
      }),
    };
  }
}
