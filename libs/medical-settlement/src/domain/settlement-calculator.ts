import type {
  CatalogueClass,
  CatalogueEntry,
  FilingStanding,
  HospitalLevel,
  InsuredPolicy,
  SettlementTotals,
  VisitType,
} from '@guangfo/contracts';
import { effectiveRatioBp } from './policy.js';

/**
 * 异地就医直接结算 of one settlement, all in integer fen (分). Order of the steps and who decides them
 * (医保发〔2022〕22号 三(一) 就医地目录、参保地政策):
 *  1. each fee line classified by the treating city's catalogue (就医地目录): 丙类/未列入 → 全自费 (fulamt_ownpay_amt);
 *     above the 限价 → 超限价自付 (overlmt_selfpay); 乙类 → 先行自付 share (preselfpay_amt); the rest is 符合范围 (inscp_scp_amt);
 *  2. 起付线 (act_pay_dedc) from the insured city's policy, taken from the in-scope amounts in line order;
 *  3. 统筹基金 (hifp_pay) = ratio (by hospital level and 备案 standing, with the 22号文 reductions) × the rest, rounded down
 *     to the fen (the fund never pays more than the ratio), and never above the allowance the treating city holds for the
 *     person (the insured city's annual cap, split into allowances: see allowance.ts);
 *  4. 个人账户 (acct_pay) pays the personal share of in-scope amounts (起付线, 先行自付, the co-payment, a capped part) up to the
 *     account allowance; never 全自费 or 超限价 amounts;
 *  5. 现金 (psn_cash_pay) is the rest. fund + account + cash = medfee_sumamt exactly, on the whole and on every line.
 */

export interface FeeLine {
  /** Line number within the settlement (unique). */
  lineNo: number;
  /** Item code of the treating city's catalogue (医保目录编码). */
  code: string;
  /** Units, integer ≥ 1. */
  quantity: number;
  /** Unit price, fen. */
  unitPriceFen: number;
}

export interface SettlementInput {
  visitType: VisitType;
  hospitalLevel: HospitalLevel;
  standing: FilingStanding;
  policy: InsuredPolicy;
  /** Catalogue lookup of the treating city in force on the visit date. */
  catalogue: (code: string) => CatalogueEntry | undefined;
  lines: readonly FeeLine[];
  /** Pooled fund the treating city may still pay for this person (its allowance), fen. */
  fundAvailableFen: number;
  /** Personal account the treating city may still debit for this person, fen. */
  accountAvailableFen: number;
}

export type LineReason =
  | 'NOT_LISTED'
  | 'CLASS_C'
  | 'OVER_PRICE_CAP'
  | 'CLASS_B_SELF_PAY_SHARE'
  | 'DEDUCTIBLE'
  | 'CO_PAYMENT'
  | 'FUND_ALLOWANCE_EXHAUSTED'
  | 'ACCOUNT_PAID'
  | 'ACCOUNT_EXHAUSTED';

export interface LineResult {
  lineNo: number;
  code: string;
  class: CatalogueClass | 'unlisted';
  amountFen: number;
  fullOwnPayFen: number;
  overLimitFen: number;
  preSelfPayFen: number;
  inScopeFen: number;
  deductibleFen: number;
  fundFen: number;
  accountFen: number;
  cashFen: number;
  /** Why each part is what it is (stable codes with the figures; zh text in `explain`). */
  reasons: LineReason[];
  explain: string[];
}

/** Totals, named as the national interface's output fields (in fen here; the envelope adapter writes yuan). */
export type { SettlementTotals };

export interface SettlementResult {
  totals: SettlementTotals;
  ratioBp: number;
  /** What the fund would pay without the allowance limit; the difference went to the person (reason given). */
  fundWantedFen: number;
  /** Set when the fund paid less than the ratio asks: why the rest is the person's. */
  shortfall: { fen: number; reason: 'FUND_ALLOWANCE_EXHAUSTED' } | null;
  lines: LineResult[];
}

export class SettlementInputError extends Error {
  constructor(message: string) {
    super(message);
  }
}

const yuan = (fen: number): string =>
  `${fen < 0 ? '-' : ''}${Math.floor(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;
const pct = (bp: number): string => `${bp / 100}%`;
const safe = (n: number, what: string): number => {
  if (!Number.isSafeInteger(n) || n < 0) throw new SettlementInputError(`${what} must be a non-negative integer (fen)`);
  return n;
};

/**
 * Splits `total` over `weights` in proportion, as integers summing to exactly `total` (largest remainder; ties to the
 * earlier line). Used for the fund's share per line, so the per-line explanation adds up to the totals.
 */
export const apportion = (total: number, weights: readonly number[]): number[] => {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (total === 0 || sum === 0) return weights.map(() => 0);
  const big = BigInt(total);
  const bsum = BigInt(sum);
  const exact = weights.map((w) => (big * BigInt(w)) / bsum);
  const rema = weights.map((w, i) => ({ i, r: (big * BigInt(w)) % bsum }));
  let left = total - exact.reduce((a, b) => a + Number(b), 0);
  const shares = exact.map(Number);
  rema.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of rema) {
    if (left === 0) break;
    shares[i]! += 1;
    left -= 1;
  }
  return shares;
};

/** Round half up of a × b / 10000 for non-negative integers (exact, in bigint). */
const mulBpRound = (a: number, b: number): number => Number((BigInt(a) * BigInt(b) + 5_000n) / 10_000n);
const mulBpFloor = (a: number, b: number): number => Number((BigInt(a) * BigInt(b)) / 10_000n);

export const calculateSettlement = (input: SettlementInput): SettlementResult => {
  if (!input.lines.length) throw new SettlementInputError('a settlement has at least one fee line');
  const seen = new Set<number>();
  const ratioBp = effectiveRatioBp(input.policy, input.visitType, input.hospitalLevel, input.standing);
  const fundAvailable = safe(input.fundAvailableFen, 'fundAvailableFen');
  const accountAvailable = safe(input.accountAvailableFen, 'accountAvailableFen');

  // 1. classification (就医地目录)
  const lines: LineResult[] = input.lines.map((l) => {
    if (!Number.isSafeInteger(l.lineNo) || seen.has(l.lineNo))
      throw new SettlementInputError(`line numbers are unique integers (${l.lineNo})`);
    seen.add(l.lineNo);
    if (!Number.isSafeInteger(l.quantity) || l.quantity < 1) throw new SettlementInputError(`line ${l.lineNo}: quantity is an integer ≥ 1`);
    safe(l.unitPriceFen, `line ${l.lineNo}: unitPriceFen`);
    const amountFen = safe(l.quantity * l.unitPriceFen, `line ${l.lineNo}: amount`);
    const entry = input.catalogue(l.code);
    const r: LineResult = {
      lineNo: l.lineNo,
      code: l.code,
      class: entry?.class ?? 'unlisted',
      amountFen,
      fullOwnPayFen: 0,
      overLimitFen: 0,
      preSelfPayFen: 0,
      inScopeFen: 0,
      deductibleFen: 0,
      fundFen: 0,
      accountFen: 0,
      cashFen: 0,
      reasons: [],
      explain: [],
    };
    if (!entry || entry.class === 'C') {
      r.fullOwnPayFen = amountFen;
      r.reasons.push(entry ? 'CLASS_C' : 'NOT_LISTED');
      r.explain.push(`${entry ? '丙类' : '未列入就医地目录'}, 全自费 ${yuan(amountFen)} 元`);
      return r;
    }
    if (entry.priceCapFen !== null && l.unitPriceFen > entry.priceCapFen) {
      r.overLimitFen = (l.unitPriceFen - entry.priceCapFen) * l.quantity;
      r.reasons.push('OVER_PRICE_CAP');
      r.explain.push(`单价 ${yuan(l.unitPriceFen)} 元超限价 ${yuan(entry.priceCapFen)} 元, 超限价自付 ${yuan(r.overLimitFen)} 元`);
    }
    const allowed = amountFen - r.overLimitFen;
    if (entry.class === 'B' && entry.selfPayShareBp > 0) {
      r.preSelfPayFen = mulBpRound(allowed, entry.selfPayShareBp);
      r.reasons.push('CLASS_B_SELF_PAY_SHARE');
      r.explain.push(`乙类, 先行自付 ${pct(entry.selfPayShareBp)} = ${yuan(r.preSelfPayFen)} 元 (四舍五入到分)`);
    }
    r.inScopeFen = allowed - r.preSelfPayFen;
    r.explain.push(`${entry.class === 'A' ? '甲类' : '乙类'}, 符合范围 ${yuan(r.inScopeFen)} 元`);
    return r;
  });

  // 2. 起付线, in line order
  let deductibleLeft = input.policy.deductibleFen[input.visitType][input.hospitalLevel];
  for (const r of lines) {
    const d = Math.min(deductibleLeft, r.inScopeFen);
    if (d > 0) {
      r.deductibleFen = d;
      deductibleLeft -= d;
      r.reasons.push('DEDUCTIBLE');
      r.explain.push(`起付线内 ${yuan(d)} 元由个人负担`);
    }
  }

  // 3. 统筹基金
  const eligible = lines.map((r) => r.inScopeFen - r.deductibleFen);
  const eligibleSum = eligible.reduce((a, b) => a + b, 0);
  const fundWanted = mulBpFloor(eligibleSum, ratioBp);
  const fund = Math.min(fundWanted, fundAvailable);
  const wantedPerLine = apportion(fundWanted, eligible);
  const fundPerLine = apportion(fund, wantedPerLine);
  lines.forEach((r, i) => {
    r.fundFen = fundPerLine[i]!;
    if (eligible[i]! > 0) {
      r.explain.push(`统筹基金按 ${pct(ratioBp)} 支付 ${yuan(r.fundFen)} 元 (${input.standing}, ${input.hospitalLevel}; 舍去不足一分)`);
      if (wantedPerLine[i]! > r.fundFen) {
        r.reasons.push('FUND_ALLOWANCE_EXHAUSTED');
        r.explain.push(`本人在就医地的统筹基金额度不足, ${yuan(wantedPerLine[i]! - r.fundFen)} 元转由个人负担`);
      }
      if (eligible[i]! > wantedPerLine[i]!) r.reasons.push('CO_PAYMENT');
    }
  });

  // 4. 个人账户: personal in-scope share (先行自付 + 起付线 + co-payment and any capped part), in line order
  let accountLeft = accountAvailable;
  for (const r of lines) {
    const personalInScope = r.preSelfPayFen + r.inScopeFen - r.fundFen;
    const a = Math.min(accountLeft, personalInScope);
    r.accountFen = a;
    accountLeft -= a;
    if (a > 0) {
      r.reasons.push('ACCOUNT_PAID');
      r.explain.push(`个人账户支付 ${yuan(a)} 元`);
    }
    if (a < personalInScope && accountAvailable > 0 && accountLeft === 0) r.reasons.push('ACCOUNT_EXHAUSTED');
    // 5. 现金
    r.cashFen = r.amountFen - r.fundFen - r.accountFen;
    r.explain.push(`现金支付 ${yuan(r.cashFen)} 元`);
  }

  const sum = (f: (r: LineResult) => number) => lines.reduce((a, r) => a + f(r), 0);
  const totals: SettlementTotals = {
    medfee_sumamt: sum((r) => r.amountFen),
    fulamt_ownpay_amt: sum((r) => r.fullOwnPayFen),
    overlmt_selfpay: sum((r) => r.overLimitFen),
    preselfpay_amt: sum((r) => r.preSelfPayFen),
    inscp_scp_amt: sum((r) => r.inScopeFen),
    act_pay_dedc: sum((r) => r.deductibleFen),
    hifp_pay: fund,
    fund_pay_sumamt: fund,
    acct_pay: sum((r) => r.accountFen),
    psn_cash_pay: sum((r) => r.cashFen),
  };
  return {
    totals,
    ratioBp,
    fundWantedFen: fundWanted,
    shortfall: fund < fundWanted ? { fen: fundWanted - fund, reason: 'FUND_ALLOWANCE_EXHAUSTED' } : null,
    lines,
  };
};

/** The invariants every settlement keeps (checked by the property tests and before a settlement is stored). */
export const settlementBalances = (s: SettlementResult): boolean =>
  s.totals.fund_pay_sumamt + s.totals.acct_pay + s.totals.psn_cash_pay === s.totals.medfee_sumamt &&
  s.lines.every(
    (r) =>
      r.fundFen + r.accountFen + r.cashFen === r.amountFen &&
      r.fullOwnPayFen + r.overLimitFen + r.preSelfPayFen + r.inScopeFen === r.amountFen &&
      r.fundFen >= 0 &&
      r.accountFen >= 0 &&
      r.cashFen >= 0,
  );
