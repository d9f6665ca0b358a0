import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { MedicalAllowanceGrantedV1, type Pot } from '@guangfo/contracts';
import { OutboxService } from '@guangfo/messaging';
import { applyReturn, grantFrom } from '../domain/allowance.js';
import type { InsuredPolicy } from '../domain/policy.js';
import { MedicalRepository, type PersonRow } from '../infrastructure/medical.repository.js';

/**
 * The insured city's grants from a person's annual caps (domain/allowance.ts), in the caller's transaction: the caps of a
 * year opened from the policy, and a chunk granted to a treating city, announced to it by an addressed event carrying the
 * cumulative total. Used by the 备案, by the top-up requests and by the year-ahead grants; and a treating city's return of
 * what it did not spend, taken back into the ledger.
 */
@Injectable()
export class AllowanceGrants {
  constructor(
    private readonly repo: MedicalRepository,
    private readonly outbox: OutboxService,
  ) {}

  /** The person's caps of `year` (fund: the policy's; account: the balance the agency states), if not open yet. */
  async openCaps(em: EntityManager, person: PersonRow, year: number, policy: InsuredPolicy): Promise<void> {
    await this.repo.ensureCap(em, person.id, year, 'hifp', policy.annualCapFen.hifp);
    await this.repo.ensureCap(em, person.id, year, 'acct', Number(person.account_balance_fen ?? 0));
  }

  /**
   * Grants `city` up to a chunk more of the person's `pot` of `year` (the ledger row locked); nothing when the caps are not
   * open, or — `firstOnly` — when `city` holds a grant of it already (a year-ahead grant racing another one).
   */
  async grant(
    em: EntityManager,
    personId: string,
    year: number,
    pot: Pot,
    city: string,
    chunkFen: number,
    firstOnly = false,
  ): Promise<void> {
    const ledger = await this.repo.lockCap(em, personId, year, pot);
    if (!ledger || (firstOnly && ledger.grantedFen[city] !== undefined)) return;
    const g = grantFrom(ledger, city, chunkFen);
    if (g.addedFen === 0 && ledger.grantedFen[city] !== undefined) return;
    await this.repo.setGrant(em, personId, year, pot, city, g.grantedTotalFen);
    await this.outbox.add(em, {
      contract: MedicalAllowanceGrantedV1,
      domain: 'medical',
      subject: `${personId}:${year}:${pot}`,
      toCity: city,
      data: { personId, year, pot, grantedTotalFen: g.grantedTotalFen },
    });
  }

  /**
   * `city` gave back part of its grant (cumulative total; the ledger row locked): what it returned may be granted again.
   * Returns the amount the ledger took back now (0 for a stale or duplicate report). Throws when there is no such grant or
   * the total is more than was granted (the event is then dead-lettered, not clipped).
   */
  async takeBack(em: EntityManager, personId: string, year: number, pot: Pot, city: string, returnedTotalFen: number): Promise<number> {
    const ledger = await this.repo.lockCap(em, personId, year, pot);
    if (!ledger || ledger.grantedFen[city] === undefined) throw new Error(`no grant of ${personId}/${year}/${pot} to ${city} to return`);
    const next = applyReturn(ledger, city, returnedTotalFen);
    const added = next.returnedFen[city]! - (ledger.returnedFen[city] ?? 0);
    if (added > 0) await this.repo.setReturn(em, personId, year, pot, city, next.returnedFen[city]!);
    return added;
  }

  /** A grant of both pots of `year` to `city` (caps opened first); `firstOnly`: only where `city` holds none of that year yet. */
  async openYear(
    em: EntityManager,
    person: PersonRow,
    year: number,
    city: string,
    policy: InsuredPolicy,
    firstOnly = false,
  ): Promise<void> {
    await this.openCaps(em, person, year, policy);
    await this.grant(em, person.id, year, 'hifp', city, policy.allowanceChunkFen, firstOnly);
    await this.grant(em, person.id, year, 'acct', city, policy.allowanceChunkFen, firstOnly);
  }
}
