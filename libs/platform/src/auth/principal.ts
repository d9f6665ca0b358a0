export type UserRole = 'resident' | 'clerk' | 'supervisor' | 'admin';
export const USER_ROLES: readonly UserRole[] = ['resident', 'clerk', 'supervisor', 'admin'];

export interface UserPrincipal {
  kind: 'user';
  /** Opaque user id (never an ID number). */
  sub: string;
  role: UserRole;
  /** GB/T 2260 code of the city whose identity provider issued the token. */
  city: string;
  /** Service hall, for clerks and supervisors. */
  hall?: string;
  name?: string;
}

export interface PartnerPrincipal {
  kind: 'partner';
  id: string;
  city: string;
  scopes: string[];
  name: string;
  /** The issuing body (统一社会信用代码) the key is bound to: the only body it issues credentials for. */
  issuingBody?: string;
}

export type Principal = UserPrincipal | PartnerPrincipal;

/** Audit actor string for a principal. */
export const actorOf = (p: Principal | undefined): string =>
  p === undefined ? 'anonymous' : p.kind === 'partner' ? `partner:${p.id}` : `${p.role}:${p.sub}`;
