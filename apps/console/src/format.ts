/** Times are shown in Asia/Shanghai, whatever the device's zone. */
const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
export const formatTime = (iso: string | null | undefined): string => (iso ? `${dateTime.format(new Date(iso))} (UTC+8)` : '—');
export const formatDate = (d: string | null | undefined): string => d ?? '—';
/** Money arrives in integer fen; shown in yuan with two decimals (no floating point: the fen are split as integers). */
export const formatFen = (fen: number | null | undefined): string => {
  if (fen === null || fen === undefined) return '—';
  const sign = fen < 0 ? '−' : '';
  const abs = Math.abs(fen);
  const yuan = Math.trunc(abs / 100).toLocaleString('en-US');
  return `${sign}¥${yuan}.${String(abs % 100).padStart(2, '0')}`;
};
