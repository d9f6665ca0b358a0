import { addCivilDays, isCivilDate } from '@guangfo/kernel';

import { type FilingKind, LONG_TERM_FILING_KINDS } from '@guangfo/contracts';

/**
 * 跨省/跨统筹区异地就医备案 kinds (医保发〔2022〕22号《关于进一步做好基本医疗保险跨省异地就医直接结算工作的通知》, 二(一)):
 * 长期 — 异地安置退休人员, 异地长期居住人员, 常驻异地工作人员; 临时 — 异地转诊就医人员, 异地急诊抢救人员, 其他临时外出就医人员.
 * The kinds are in @guangfo/contracts (FILING_KINDS): they travel in the 备案 event.
 */
export { FILING_KINDS, type FilingKind, type FilingStanding, LONG_TERM_FILING_KINDS, TEMPORARY_FILING_KINDS } from '@guangfo/contracts';

export const FILING_KIND_ZH: Record<FilingKind, string> = {
  'resettled-retiree': '异地安置退休',
  'long-term-resident': '异地长期居住',
  'resident-worker': '常驻异地工作',
  referral: '异地转诊转院',
  emergency: '异地急诊抢救',
  'other-temporary': '其他临时外出就医',
};

export const isLongTerm = (k: FilingKind): boolean => (LONG_TERM_FILING_KINDS as readonly string[]).includes(k);

/**
 * 医保发〔2022〕22号 二(三): 临时外出就医人员备案有效期原则上不少于6个月, 有效期内可在就医地多次就诊并享受直接结算;
 * 长期 kinds stay valid until cancelled (变更或取消备案). The 6 months are counted as 183 calendar days from validFrom,
 * so the end is never earlier than 6 calendar months (the longest 6-month span is 184 days; 183 + the start day).
 */
export const TEMPORARY_MIN_VALID_DAYS = 183;

export interface FilingWindow {
  validFrom: string;
  /** Inclusive last day; null = until cancelled. */
  validTo: string | null;
}

export class FilingRuleError extends Error {
  constructor(
    readonly code: 'FILING_DATES_INVALID' | 'FILING_TOO_SHORT' | 'FILING_BACKDATED_TOO_FAR',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The validity of a new 备案. `validFrom` may precede the registration day (补办备案 / late registration, 22号文 二(四):
 * 急诊抢救 and others may register after treatment, before settlement), by at most `maxBackdateDays`.
 * Temporary kinds: `validTo` defaults to validFrom + 183 days and may not be shorter; long-term: null.
 */
export const filingWindow = (
  kind: FilingKind,
  p: { registeredOn: string; validFrom?: string; validTo?: string | null; maxBackdateDays: number },
): FilingWindow & { late: boolean } => {
  const validFrom = p.validFrom ?? p.registeredOn;
  if (!isCivilDate(validFrom) || (p.validTo != null && !isCivilDate(p.validTo)))
    throw new FilingRuleError('FILING_DATES_INVALID', 'dates are YYYY-MM-DD');
  if (validFrom < addCivilDays(p.registeredOn, -p.maxBackdateDays))
    throw new FilingRuleError('FILING_BACKDATED_TOO_FAR', `validFrom may precede registration by at most ${p.maxBackdateDays} days`);
  const late = validFrom < p.registeredOn;
  if (isLongTerm(kind)) {
    if (p.validTo != null && p.validTo < validFrom) throw new FilingRuleError('FILING_DATES_INVALID', 'validTo precedes validFrom');
    return { validFrom, validTo: p.validTo ?? null, late };
  }
  const minimum = addCivilDays(validFrom, TEMPORARY_MIN_VALID_DAYS);
  const validTo = p.validTo ?? minimum;
  if (validTo < minimum)
    throw new FilingRuleError('FILING_TOO_SHORT', `a temporary 备案 is valid at least 6 months (until ${minimum} or later)`);
  return { validFrom, validTo, late };
};

/** True when a visit on `date` is covered by the window (and the filing is not cancelled before it). */
export const filingCovers = (w: FilingWindow & { cancelledOn?: string | null }, date: string): boolean =>
  date >= w.validFrom && (w.validTo === null || date <= w.validTo) && (w.cancelledOn == null || date < w.cancelledOn);

/** True when the window (not cancelled before) covers some day of `year`: the 备案 whose person may need that year's allowance. */
export const filingTouchesYear = (w: FilingWindow & { cancelledOn?: string | null }, year: number): boolean => {
  const first = `${year}-01-01`;
  const last = `${year}-12-31`;
  return (
    w.validFrom <= last &&
    (w.validTo === null || w.validTo >= first) &&
    (w.cancelledOn == null || (w.cancelledOn > w.validFrom && w.cancelledOn > first))
  );
};
