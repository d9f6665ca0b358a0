import type { TransferEntry, TransferStep } from '@guangfo/contracts';

/** The working-day calendar (the catalogue's official one) as this domain needs it. */
export interface WorkingDayCounter {
  addWorkingDays(start: string, n: number): string;
}

/**
 * 国办发〔2009〕66号 art. 8: each step of a cross-province transfer is due within 15 working days of
 * the previous one (联系函 after the application, record and funds after the letter, 接续 after
 * the funds arrive). Counted on the official working-day calendar.
 */
export const TRANSFER_STEP_WORKING_DAYS = 15;

export const NEXT_STEP: Readonly<Record<TransferStep, TransferStep | null>> = {
  applied: 'contact-letter-sent',
  'contact-letter-sent': 'funds-transferred',
  'funds-transferred': 'continued',
  continued: null,
};

/** Which city takes a step: the new place writes the letter and continues, the old place sends the funds. */
export const stepCity = (step: TransferStep, t: { fromCity: string; toCity: string }): string =>
  step === 'funds-transferred' ? t.fromCity : t.toCity;

export interface TransferDeadline {
  step: TransferStep;
  city: string;
  dueOn: string;
  doneOn: string | null;
  late: boolean;
}

/** Each step's due date (15 working days after the step before) and whether it was met. */
export const transferDeadlines = (
  calendar: WorkingDayCounter,
  t: { fromCity: string; toCity: string; entries: readonly TransferEntry[] },
  today: string,
): TransferDeadline[] => {
  const out: TransferDeadline[] = [];
  const done = new Map(t.entries.map((e) => [e.step, e.on]));
  for (let step: TransferStep | null = 'applied'; step; step = NEXT_STEP[step]) {
    const next = NEXT_STEP[step];
    const on = done.get(step);
    if (!next || on === undefined) break;
    const dueOn = calendar.addWorkingDays(on, TRANSFER_STEP_WORKING_DAYS);
    const doneOn = done.get(next) ?? null;
    out.push({ step: next, city: stepCity(next, t), dueOn, doneOn, late: (doneOn ?? today) > dueOn });
  }
  return out;
};
