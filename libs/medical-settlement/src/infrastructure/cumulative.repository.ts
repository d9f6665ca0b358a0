import { Injectable } from '@nestjs/common';
import { queryRow, type SqlRunner } from '@guangfo/platform';

/** 5206: what this city's hospitals settled for a person in a year (live settlements; reversed ones excluded). */
@Injectable()
export class CumulativeRepository {
  async settledInYear(
    db: SqlRunner,
    personId: string,
    year: number,
  ): Promise<{ count: number; medfeeFen: number; fundFen: number; acctFen: number; cashFen: number }> {
    const r = await queryRow<{ count: number; medfee: number; fund: number; acct: number; cash: number }>(
      db,
      `SELECT count(*)::int AS count, coalesce(sum(total_fen), 0)::float8 AS medfee, coalesce(sum(fund_fen), 0)::float8 AS fund,
              coalesce(sum(acct_fen), 0)::float8 AS acct, coalesce(sum(cash_fen), 0)::float8 AS cash
         FROM medical.settlement WHERE person_id = $1 AND state = 'settled' AND settled_on >= make_date($2, 1, 1) AND settled_on < make_date($2 + 1, 1, 1)`,
      [personId, year],
    );
    return { count: r?.count ?? 0, medfeeFen: r?.medfee ?? 0, fundFen: r?.fund ?? 0, acctFen: r?.acct ?? 0, cashFen: r?.cash ?? 0 };
  }
}
