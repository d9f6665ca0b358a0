import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type DuplicateRefunded, DuplicateRefundedV1, type DuplicateRefundRequested, DuplicateRefundRequestedV1 } from '@guangfo/contracts';
import { Clock } from '@guangfo/kernel';
import { HandlesEvent, OutboxService, type ReceivedEvent } from '@guangfo/messaging';
import { AuditService, NODE_CONFIG, type NodeConfig } from '@guangfo/platform';
import { refundLines } from '../domain/duplicates.js';
import { SocialInsuranceRepository } from '../infrastructure/social-insurance.repository.js';
import { SOCIAL_INSURANCE_DOMAIN } from './social-insurance.constants.js';

/** 重复缴费清退 between cities: the refunding side pays each month at most once and reports what it paid. */
@Injectable()
export class RefundHandler {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly repo: SocialInsuranceRepository,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  @HandlesEvent(DuplicateRefundRequestedV1, { consumer: 'social-insurance.refunds' })
  private async refund(event: ReceivedEvent<DuplicateRefundRequested>, em: EntityManager): Promise<void> {
    const d = event.data;
    if (d.keptCity !== event.fromCity) throw new Error(`refund asked by ${event.fromCity} for months kept by ${d.keptCity}`);
    const person = await this.repo.findPerson(em, d.person.idNumber);
    const held = person ? await this.repo.monthsOf(em, person.id, this.config.cityCode) : [];
    const r = refundLines(held, d.months);
    const at = this.clock.now();
    if (person) {
      await this.repo.insertRefund(em, {
        id: d.refundId,
        caseId: d.caseId,
        personId: person.id,
        direction: 'paid',
        otherCity: event.fromCity,
        months: d.months,
        lines: r.lines,
        already: r.alreadyRefunded,
        refundFen: r.refundFen,
        state: 'refunded',
        at,
      });
      await this.repo.markRefunded(
        em,
        person.id,
        r.lines.map((l) => l.month),
        d.refundId,
      );
    }
    await this.audit.record(
      {
        actor: `city:${event.fromCity}`,
        action: 'social-insurance.refund.pay',
        resource: person ? `person:${person.id}` : 'person:unknown',
        outcome: 'success',
        detail: { refundId: d.refundId, months: r.lines.map((l) => l.month), alreadyRefunded: r.alreadyRefunded, refundFen: r.refundFen },
      },
      em,
    );
    await this.outbox.add<DuplicateRefunded>(em, {
      contract: DuplicateRefundedV1,
      domain: SOCIAL_INSURANCE_DOMAIN,
      subject: `refund/${d.refundId}`,
      toCity: event.fromCity,
      data: {
        refundId: d.refundId,
        caseId: d.caseId,
        city: this.config.cityCode,
        lines: r.lines,
        alreadyRefunded: r.alreadyRefunded,
        refundFen: r.refundFen,
      },
    });
  }

  @HandlesEvent(DuplicateRefundedV1, { consumer: 'social-insurance.refund-results' })
  private async refunded(event: ReceivedEvent<DuplicateRefunded>, em: EntityManager): Promise<void> {
    const d = event.data;
    if (d.city !== event.fromCity) throw new Error(`refund of ${d.city} reported by ${event.fromCity}`);
    await this.repo.completeRefund(em, d.refundId, {
      lines: d.lines,
      already: d.alreadyRefunded,
      refundFen: d.refundFen,
      at: this.clock.now(),
    });
  }
}
