import { addMonths, addMonthsToDate, monthIndex, monthOfDate, monthsFromTo, type YearMonth } from './months.js';

/**
 * Retirees living in the other city (异地居住退休人员), rules as issue 13 states them (资格认证 once in
 * 12 months; the source notices are listed, unconfirmed, in docs/social-insurance.md):
 * - An eligibility confirmation (资格认证) is valid for 12 months from the day it is made; when it
 *   lapses, payment is suspended from the next month.
 * - A later confirmation resumes payment, with back pay (补发) for every month not paid meanwhile.
 * - A death or imprisonment notice stops payment from the month after the event; whatever was paid
 *   for months from then on is an overpayment to recover (追回).
 * Plain sums of the monthly pension in fen: no rounding.
 */
export const ELIGIBILITY_VALID_MONTHS = 12;

export type StopKind = 'death' | 'imprisonment';

export interface RetireeSnapshot {
  monthlyPensionFen: number;
  /** First month of the pension. */
  firstMonth: YearMonth;
  /** Civil date of the latest eligibility confirmation. */
  lastConfirmedOn: string;
  stop: { kind: StopKind; eventDate: string } | null;
  /** Months already paid (regular or back pay). */
  paidMonths: readonly YearMonth[];
}

/** The last month a confirmation on `confirmedOn` covers: the month in which it lapses. */
export const confirmedThrough = (confirmedOn: string): YearMonth => monthOfDate(addMonthsToDate(confirmedOn, ELIGIBILITY_VALID_MONTHS));

/** The first month not paid any more after a stop event. */
export const stopFrom = (eventDate: string): YearMonth => addMonths(monthOfDate(eventDate), 1);

export type RetireeStatus = 'active' | 'suspended' | 'stopped';

export const retireeStatus = (r: RetireeSnapshot, month: YearMonth): RetireeStatus => {
  if (r.stop && monthIndex(month) >= monthIndex(stopFrom(r.stop.eventDate))) return 'stopped';
  if (monthIndex(month) > monthIndex(confirmedThrough(r.lastConfirmedOn))) return 'suspended';
  return 'active';
};

export interface PaymentLine {
  month: YearMonth;
  amountFen: number;
  kind: 'regular' | 'back-pay';
}

export interface PaymentDecision {
  month: YearMonth;
  status: RetireeStatus;
  /** Suspended: the first month not paid (the month after the confirmation lapsed). */
  suspendedFrom?: YearMonth;
  lines: PaymentLine[];
}

/**
 * The payment run of `month` for one retiree: nothing when stopped or suspended; otherwise the
 * month itself and every earlier unpaid month since the pension began (back pay), never a month
 * from the stop on and never a month twice.
 */
export const decidePayment = (r: RetireeSnapshot, month: YearMonth): PaymentDecision => {
  const status = retireeStatus(r, month);
  if (status === 'stopped') return { month, status, lines: [] };
  if (status === 'suspended') return { month, status, suspendedFrom: addMonths(confirmedThrough(r.lastConfirmedOn), 1), lines: [] };
  const paid = new Set(r.paidMonths);
  const lines = monthsFromTo(r.firstMonth, month)
    .filter((m) => !paid.has(m))
    .map((m) => ({ month: m, amountFen: r.monthlyPensionFen, kind: m === month ? ('regular' as const) : ('back-pay' as const) }));
  return { month, status, lines };
};

/** After a stop notice: the months paid from the stop on, to recover, and their total. */
export const overpayment = (r: RetireeSnapshot, amountOf: (m: YearMonth) => number): { months: YearMonth[]; recoverFen: number } => {
  if (!r.stop) return { months: [], recoverFen: 0 };
  const from = monthIndex(stopFrom(r.stop.eventDate));
  const months = [...r.paidMonths].filter((m) => monthIndex(m) >= from).sort();
  return { months, recoverFen: months.reduce((s, m) => s + amountOf(m), 0) };
};
