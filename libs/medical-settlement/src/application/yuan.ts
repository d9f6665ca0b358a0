/** Amounts at the national interface's edge: yuan with at most 2 decimals outside, integer fen inside. */

/** Yuan as the national interface writes amounts (2 decimals) from integer fen. */
export const fenToYuan = (fen: number): number => Number((fen / 100).toFixed(2));

/** A yuan amount (number or string, at most 2 decimals) as integer fen; anything else is refused, never rounded. */
export const yuanToFen = (v: unknown): number | undefined => {
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  const m = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
};

/** As yuanToFen, with a leading minus allowed (daily and period totals are negative when reversals outweigh settlements). */
export const signedYuanToFen = (v: unknown): number | undefined => {
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  if (!s.startsWith('-')) return yuanToFen(s);
  const fen = yuanToFen(s.slice(1));
  return fen === undefined ? undefined : -fen;
};
