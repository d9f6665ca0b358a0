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
