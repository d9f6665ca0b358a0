import { getLang, t } from './i18n';

/** Who is signed in at this node (the token itself stays in api/client.ts, in memory). */
export interface Session {
  username: string;
  role: 'resident' | 'clerk' | 'supervisor' | 'admin' | string;
  city: string;
  hall?: string;
  /** The city of the node serving this console. */
  self: string;
}

const CITY_NAMES: Record<string, [string, string]> = { '440100': ['广州', 'Guangzhou'], '440600': ['佛山', 'Foshan'] };
export const cityName = (c: string | null | undefined): string => (c ? (CITY_NAMES[c]?.[getLang() === 'zh' ? 0 : 1] ?? c) : t('none'));
