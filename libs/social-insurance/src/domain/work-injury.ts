import { addMonthsToDate } from './months.js';

/**
 * 工伤认定 (工伤保险条例, calendar days):
 * - art. 17: the employer applies within 30 days of the accident (or of the diagnosis of an
 *   occupational disease); if it does not, the worker (or close relatives, the trade union) may
 *   apply within 1 year;
 * - art. 20: the decision is made within 60 days of acceptance; within 15 days where the rights and
 *   obligations are clear (事实清楚、权利义务明确).
 */
export const EMPLOYER_APPLICATION_DAYS = 30;
export const WORKER_APPLICATION_YEARS = 1;
export const DECISION_DAYS = 60;
export const CLEAR_CASE_DECISION_DAYS = 15;

export type WorkInjuryApplicant = 'employer' | 'worker';

const addDays = (date: string, n: number): string => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

/** The last day the applicant may apply for an accident on `injuryDate`. */
export const applicationDeadline = (injuryDate: string, applicant: WorkInjuryApplicant): string =>
  applicant === 'employer' ? addDays(injuryDate, EMPLOYER_APPLICATION_DAYS) : addMonthsToDate(injuryDate, 12 * WORKER_APPLICATION_YEARS);

/** The last day of the decision for a case accepted on `acceptedOn`. */
export const decisionDueOn = (acceptedOn: string, clearFacts: boolean): string =>
  addDays(acceptedOn, clearFacts ? CLEAR_CASE_DECISION_DAYS : DECISION_DAYS);
