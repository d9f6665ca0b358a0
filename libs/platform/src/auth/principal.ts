export type UserRole = 'resident' | 'clerk' | 'supervisor' | 'admin';
export const USER_ROLES: readonly UserRole[] = ['resident', 'clerk', 'supervisor', 'admin'];

/**
 * A resident's real-name-verified identity (实名认证), as asserted by the identity provider in the
 * token's `idv` claim. Only this, never a request body, says who a resident is.
 */
export interface VerifiedIdentity {
  /** 公民身份号码 (GB 11643, checked when the token is accepted). */
  idNumber: string;
  /** The name on the identity document. */
  name: string;
  /** How the provider verified it, e.g. `real-name` (公安实名核验) or `face` (人脸核验). */
  assurance: 'real-name' | 'face';
}

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
  /** Residents: the verified identity from the token; absent when the provider asserted none. */
  identity?: VerifiedIdentity;
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
