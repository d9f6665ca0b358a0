import { compareDetails, type DayEntry } from '../domain/reconciliation.js';
import { type MedicalErrorCode, medicalError } from '../medical.errors.js';
import { yuanToFen } from './yuan.js';

/** The header of a 3202 detail file (the hospital's, inline or uploaded with 9101). */
export const DETAIL_FILE_HEADER = 'setl_id,kind,medfee_sumamt,fund_pay_sumamt,acct_pay,psn_cash_pay';
/** The header of the result file the agency writes for a 3202 run (downloaded with 9102). */
export const DETAIL_RESULT_HEADER = `${DETAIL_FILE_HEADER},result,fields`;

/**
 * The 3202 detail file: CSV with the header line, one line per settlement or reversal of the day, amounts in yuan (at most 2
 * decimals, never rounded); a UTF-8 BOM and blank lines are ignored. `code` is the error for a malformed file.
 */
export const parseDetailFile = (file: string, code: MedicalErrorCode = 'MEDICAL_INVALID_REQUEST'): DayEntry[] => {
  const lines = file
    .replace(/^\ufeff/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  if (lines[0]?.trim() !== DETAIL_FILE_HEADER)
    throw medicalError(code, { detail: `the file starts with the header ${DETAIL_FILE_HEADER}` });
  return lines.slice(1).map((line, i) => {
    const [id, kind, ...amounts] = line.split(',').map((x) => x.trim());
    const fen = amounts.map(yuanToFen);
    if (
      !id ||
      !/^[0-9a-f-]{36}$/i.test(id) ||
      (kind !== 'settlement' && kind !== 'reversal') ||
      fen.length !== 4 ||
      fen.some((f) => f === undefined)
    )
      throw medicalError(code, { detail: `file line ${i + 2}: setl_id (UUID), kind settlement|reversal, four yuan amounts` });
    return { settlementId: id.toLowerCase(), kind, medfeeFen: fen[0]!, fundFen: fen[1]!, acctFen: fen[2]!, cashFen: fen[3]! };
  });
};

/** Integer fen as yuan with exactly 2 decimals ("186.00"). */
export const yuanText = (fen: number): string => {
  const abs = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
};

/**
 * The agency's result of a 3202 run as a CSV file: every entry the agency holds for the day with its amounts and `MATCHED`,
 * `AMOUNT_MISMATCH` (fields named, `;`-separated) or `MISSING_AT_HOSPITAL`; then each line of the hospital's file the agency
 * does not hold, with the hospital's amounts, `MISSING_AT_AGENCY`. Ordered by setl_id and kind.
 */
export const detailResultFile = (hospital: readonly DayEntry[], agency: readonly DayEntry[]): string => {
  const mismatches = new Map(compareDetails(hospital, agency).map((m) => [`${m.kind}:${m.settlementId}`, m]));
  const row = (e: DayEntry, result: string, fields: readonly string[] = []) =>
    [
      e.settlementId,
      e.kind,
      yuanText(e.medfeeFen),
      yuanText(e.fundFen),
      yuanText(e.acctFen),
      yuanText(e.cashFen),
      result,
      fields.join(';'),
    ].join(',');
  const rows: { key: string; line: string }[] = [];
  const held = new Set<string>();
  for (const a of agency) {
    const key = `${a.kind}:${a.settlementId}`;
    held.add(key);
    const m = mismatches.get(key);
    rows.push({ key: `${a.settlementId}:${a.kind}`, line: row(a, m?.reason ?? 'MATCHED', m?.fields) });
  }
  for (const h of hospital)
    if (!held.has(`${h.kind}:${h.settlementId}`)) rows.push({ key: `${h.settlementId}:${h.kind}`, line: row(h, 'MISSING_AT_AGENCY') });
  rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return [DETAIL_RESULT_HEADER, ...rows.map((r) => r.line)].join('\n') + '\n';
};
