import * as oauth from 'oauth4webapi';
import type { Schemas } from './api/client';

/**
 * Sign-in with the identity provider (OpenID Connect authorization code + PKCE S256, state and nonce), through oauth4webapi.
 * The console is a public client (no secret). The tokens stay in memory (this module and api/client.ts); sessionStorage
 * holds only the PKCE verifier, state and nonce while the browser is away at the provider, and is emptied on return.
 */
export type OidcOptions = Schemas['OidcSignInDto'];

export interface OidcSignedIn {
  accessToken: string;
  /** The access token's claims as the node reads them (sub, role, city, hall). */
  claims: { sub: string; role: string; city: string; hall?: string };
}

const PENDING = 'guangfo.console.oidc';

/** The console's one redirect URI (register it at the provider): the console itself. */
export const redirectUri = (): string => `${location.origin}/console/`;

/** The node accepts http:// issuers on loopback only (local trials, tests); anything else must be https. */
const httpOptions = (issuer: URL) => (issuer.protocol === 'http:' ? { [oauth.allowInsecureRequests]: true } : {});

let discovered: { issuer: string; as: oauth.AuthorizationServer } | undefined;
/** What the provider needs for sign-out (RP-initiated logout): the ID token, kept in memory like the access token. */
let signedInWith: { as: oauth.AuthorizationServer; clientId: string; idToken?: string } | undefined;

const discover = async (o: OidcOptions): Promise<oauth.AuthorizationServer> => {
  if (discovered?.issuer === o.issuer) return discovered.as;
  const issuer = new URL(o.issuer);
  const as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...httpOptions(issuer) }),
  );
  discovered = { issuer: o.issuer, as };
  return as;
};

/** Sends the browser to the provider's authorization endpoint. */
export const startSignIn = async (o: OidcOptions): Promise<void> => {
  const as = await discover(o);
  if (!as.authorization_endpoint) throw new Error('the identity provider has no authorization endpoint');
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  sessionStorage.setItem(PENDING, JSON.stringify({ issuer: o.issuer, verifier, state, nonce }));
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set('client_id', o.clientId);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('redirect_uri', redirectUri());
  url.searchParams.set('scope', o.scopes);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', state);
  url.searchParams.set('nonce', nonce);
  if (o.resource) url.searchParams.set('resource', o.resource);
  location.assign(url.href);
};

/** Is this page load the provider's redirect back (a code or an error, with a state)? */
export const isCallback = (): boolean => {
  const p = new URLSearchParams(location.search);
  return p.has('state') && (p.has('code') || p.has('error'));
};

const claimsOf = (jwt: string): OidcSignedIn['claims'] => {
  const part = jwt.split('.')[1] ?? '';
  const bytes = Uint8Array.from(atob(part.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  const c = JSON.parse(new TextDecoder().decode(bytes)) as { sub?: unknown; role?: unknown; city?: unknown; hall?: unknown };
  if (typeof c.sub !== 'string' || typeof c.role !== 'string' || typeof c.city !== 'string')
    throw new Error('the access token carries no role and city for this service (ask the identity provider to map them)');
  return { sub: c.sub, role: c.role, city: c.city, ...(typeof c.hall === 'string' ? { hall: c.hall } : {}) };
};

/**
 * The redirect back: checks state (and the issuer, when the provider sends it), exchanges the code with the PKCE verifier,
 * checks the ID token (signature by the provider's keys, nonce, audience). The code and state leave the address bar first.
 */
export const completeSignIn = async (o: OidcOptions): Promise<OidcSignedIn> => {
  const current = new URL(location.href);
  history.replaceState(null, '', `${location.pathname}${location.hash}`);
  const raw = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);
  const pending = raw ? (JSON.parse(raw) as { issuer: string; verifier: string; state: string; nonce: string }) : undefined;
  if (!pending || pending.issuer !== o.issuer) throw new Error('no sign-in was started in this tab: sign in again');
  const as = await discover(o);
  const client: oauth.Client = { client_id: o.clientId };
  const params = oauth.validateAuthResponse(as, client, current, pending.state);
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri(), pending.verifier, {
    ...httpOptions(new URL(o.issuer)),
  });
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: pending.nonce, requireIdToken: true });
  signedInWith = { as, clientId: o.clientId, ...(tokens.id_token ? { idToken: tokens.id_token } : {}) };
  return { accessToken: tokens.access_token, claims: claimsOf(tokens.access_token) };
};

/**
 * Forgets the provider's tokens; when signed in through a provider that offers RP-initiated logout, sends the browser there
 * (its session ends too: a shared hall desktop must not sign the next person in silently) and returns true.
 */
export const signOutAtProvider = (): boolean => {
  const s = signedInWith;
  signedInWith = undefined;
  if (!s?.as.end_session_endpoint) return false;
  const url = new URL(s.as.end_session_endpoint);
  url.searchParams.set('client_id', s.clientId);
  url.searchParams.set('post_logout_redirect_uri', redirectUri());
  if (s.idToken) url.searchParams.set('id_token_hint', s.idToken);
  location.assign(url.href);
  return true;
};
