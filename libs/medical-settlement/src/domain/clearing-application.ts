/**
 * 3203 清算申请 / 3204 清算申请撤销: a hospital applies to its own (treating city's) agency for the clearing of a period's
 * settlements, after reconciling each day of it (3201 / 3202). Hospital ↔ its own agency only: the clearing between the
 * treating and the insured city's agencies is the monthly statement (clearing.ts), a separate step.
 *
 * Pure rules: which periods may be applied for, whether every day of the period is reconciled as the agency's records stand
 * now, the application's sums (the agency's own figures, never the hospital's), and when an application may be reversed.
 */
import { type DayEntry, type DayTotals, dayTotals } from './reconciliation.js';

/** At most one month of days per application (the national practice clears by month). */
export const CLEARING_APPLICATION_MAX_DAYS = 31;

export const CLEARING_APPLICATION_STATES = ['applied', 'processed', 'reversed'] as const;
export type ClearingApplicationState = (typeof CLEARING_APPLICATION_STATES)[number];

const DAY_MS = 86_400_000;
const dayNo = (d: string): number => Date.parse(`${d}T00:00:00Z`) / DAY_MS;
const isDate = (d: string): boolean =>
  /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(dayNo(d)) && new Date(dayNo(d) * DAY_MS).toISOString().startsWith(d);

/** Why a period cannot be applied for, or null. `today` is the agency's day (Asia/Shanghai). */
export const periodProblem = (beginOn: string, endOn: string, today: string): string | null => {
  if (!isDate(beginOn) || !isDate(endOn)) return 'begndate and enddate are dates written YYYY-MM-DD';
  if (endOn < beginOn) return `enddate ${endOn} is before begndate ${beginOn}`;
  if (dayNo(endOn) - dayNo(beginOn) + 1 > CLEARING_APPLICATION_MAX_DAYS)
    return `a clearing application covers at most ${CLEARING_APPLICATION_MAX_DAYS} days`;
  if (endOn >= today) return `the period must be over: enddate ${endOn} is not before today ${today}`;
  return null;
};

/** One day of the period as reconciled: the latest 3201 / 3202 run of that day (its outcome and the agency's totals then). */
export interface DayReconciliation {
  day: string;
  matched: boolean;
  agency: DayTotals;
}

export const UNRECONCILED_REASONS = ['NOT_RECONCILED', 'NOT_MATCHED', 'CHANGED_SINCE'] as const;
export type UnreconciledReason = (typeof UNRECONCILED_REASONS)[number];
export interface UnreconciledDay {
  day: string;
  reason: UnreconciledReason;
}

const sameTotals = (a: DayTotals, b: DayTotals): boolean =>
  a.count === b.count && a.medfeeFen === b.medfeeFen && a.fundFen === b.fundFen && a.acctFen === b.acctFen && a.cashFen === b.cashFen;

/**
 * The days of the period that stop the application: every day on which the agency has entries (settlements or reversals of
 * this hospital) needs a reconciliation whose latest run matched (`NOT_RECONCILED`, `NOT_MATCHED`) and whose agency totals
 * are still the agency's totals now (`CHANGED_SINCE`: entries were recorded on that day after the run). A day with neither
 * entries nor a run needs nothing; a day the hospital reconciled with entries the agency does not have fails as not matched.
 */
export const unreconciledDays = (
  entries: readonly (DayEntry & { day: string })[],
  runs: readonly DayReconciliation[],
): UnreconciledDay[] => {
  const byDay = new Map<string, DayEntry[]>();
  for (const e of entries) byDay.set(e.day, [...(byDay.get(e.day) ?? []), e]);
  const latest = new Map(runs.map((r) => [r.day, r]));
  const days = [...new Set([...byDay.keys(), ...latest.keys()])].sort();
  const out: UnreconciledDay[] = [];
  for (const day of days) {
    const run = latest.get(day);
    const now = dayTotals(byDay.get(day) ?? []);
    if (!run) out.push({ day, reason: 'NOT_RECONCILED' });
    else if (!run.matched) out.push({ day, reason: 'NOT_MATCHED' });
    else if (!sameTotals(run.agency, now)) out.push({ day, reason: 'CHANGED_SINCE' });
  }
  return out;
};

/** The sums applied for, from the agency's entries: settlements positive, reversals negative; claim = fund + account. */
export interface ApplicationTotals extends DayTotals {
  /** What the agency owes the hospital: fund + personal account (the cash the patient paid at the counter). */
  claimFen: number;
}
export const applicationTotals = (entries: readonly DayEntry[]): ApplicationTotals => {
  const t = dayTotals(entries);
  return { ...t, claimFen: t.fundFen + t.acctFen };
};

/** The same sums per insured city (the agency's inter-city clearing later splits by insured city). */
export const totalsByInsuredCity = (entries: readonly (DayEntry & { insuredCity: string })[]): Record<string, ApplicationTotals> => {
  const groups = new Map<string, DayEntry[]>();
  for (const e of entries) groups.set(e.insuredCity, [...(groups.get(e.insuredCity) ?? []), e]);
  return Object.fromEntries([...groups.keys()].sort().map((c) => [c, applicationTotals(groups.get(c)!)]));
};

/** The fields where the hospital's declared sums (optional in the request) differ from the agency's. */
export const declaredMismatches = (
  declared: Partial<DayTotals> | undefined,
  agency: DayTotals,
): { field: keyof DayTotals; hospital: number; agency: number }[] =>
  declared
    ? (['count', 'medfeeFen', 'fundFen', 'acctFen', 'cashFen'] as const)
        .filter((f) => declared[f] !== undefined && declared[f] !== agency[f])
        .map((field) => ({ field, hospital: declared[field]!, agency: agency[field] }))
    : [];

/** 3204: an application is reversed only while the agency has not processed it. */
export const reversalProblem = (
  state: ClearingApplicationState,
): 'MEDICAL_CLEARING_APPLICATION_PROCESSED' | 'MEDICAL_CLEARING_APPLICATION_REVERSED' | null =>
  state === 'processed' ? 'MEDICAL_CLEARING_APPLICATION_PROCESSED' : state === 'reversed' ? 'MEDICAL_CLEARING_APPLICATION_REVERSED' : null;

/** Two inclusive date ranges overlap. */
export const periodsOverlap = (a: { beginOn: string; endOn: string }, b: { beginOn: string; endOn: string }): boolean =>
  a.beginOn <= b.endOn && b.beginOn <= a.endOn;
