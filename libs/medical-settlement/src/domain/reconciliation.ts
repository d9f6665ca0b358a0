/**
 * Daily reconciliation between a hospital and the treating city's agency (3201 totals, 3202 details): hospital ↔ its own
 * agency only; inter-city clearing is a separate step (clearing.ts). The agency's side is what the node recorded: for a day,
 * each settlement settled that day counts positive, each reversal on that day negative (a settlement settled and reversed the
 * same day nets to zero in the totals and shows as `reversed` in the details).
 */
export interface DayEntry {
  settlementId: string;
  kind: 'settlement' | 'reversal';
  medfeeFen: number;
  fundFen: number;
  acctFen: number;
  cashFen: number;
}

export interface DayTotals {
  count: number;
  medfeeFen: number;
  fundFen: number;
  acctFen: number;
  cashFen: number;
}

export const dayTotals = (entries: readonly DayEntry[]): DayTotals => {
  const t: DayTotals = { count: 0, medfeeFen: 0, fundFen: 0, acctFen: 0, cashFen: 0 };
  for (const e of entries) {
    const sign = e.kind === 'settlement' ? 1 : -1;
    t.count += sign;
    t.medfeeFen += sign * e.medfeeFen;
    t.fundFen += sign * e.fundFen;
    t.acctFen += sign * e.acctFen;
    t.cashFen += sign * e.cashFen;
  }
  return t;
};

export type TotalsMismatch = { field: keyof DayTotals; hospital: number; agency: number };

/** 3201: the hospital's totals against the agency's, field by field. */
export const compareTotals = (hospital: DayTotals, agency: DayTotals): TotalsMismatch[] =>
  (Object.keys(agency) as (keyof DayTotals)[])
    .filter((f) => hospital[f] !== agency[f])
    .map((field) => ({ field, hospital: hospital[field], agency: agency[field] }));

export const DETAIL_MISMATCH_REASONS = ['MISSING_AT_AGENCY', 'MISSING_AT_HOSPITAL', 'AMOUNT_MISMATCH'] as const;
export type DetailMismatchReason = (typeof DETAIL_MISMATCH_REASONS)[number];
export interface DetailMismatch {
  settlementId: string;
  kind: DayEntry['kind'];
  reason: DetailMismatchReason;
  fields?: string[];
}

/** 3202: each line of the hospital's detail file against the agency's entries of the day, with a reason per mismatch. */
export const compareDetails = (hospital: readonly DayEntry[], agency: readonly DayEntry[]): DetailMismatch[] => {
  const key = (e: DayEntry) => `${e.kind}:${e.settlementId}`;
  const ours = new Map(agency.map((e) => [key(e), e]));
  const theirs = new Map(hospital.map((e) => [key(e), e]));
  const out: DetailMismatch[] = [];
  for (const h of hospital) {
    const a = ours.get(key(h));
    if (!a) out.push({ settlementId: h.settlementId, kind: h.kind, reason: 'MISSING_AT_AGENCY' });
    else {
      const fields = (['medfeeFen', 'fundFen', 'acctFen', 'cashFen'] as const).filter((f) => a[f] !== h[f]);
      if (fields.length) out.push({ settlementId: h.settlementId, kind: h.kind, reason: 'AMOUNT_MISMATCH', fields });
    }
  }
  for (const a of agency) if (!theirs.has(key(a))) out.push({ settlementId: a.settlementId, kind: a.kind, reason: 'MISSING_AT_HOSPITAL' });
  return out;
};
