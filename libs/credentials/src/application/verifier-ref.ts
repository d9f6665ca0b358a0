import type { CredentialVerifierRef } from '@guangfo/contracts';
import type { Principal } from '@guangfo/platform';
import type { PresentationVerifier } from '../domain/presentation.token.js';

/** How a verification names its verifier in logs and events: a partner system, or a clerk's city and hall (never a person). */
export const verifierRefOf = (p: Principal): CredentialVerifierRef =>
  p.kind === 'partner'
    ? { kind: 'partner', city: p.city, id: p.id, name: p.name }
    : { kind: 'clerk', city: p.city, role: p.role, ...(p.hall ? { hall: p.hall } : {}) };

/** Is the caller the verifier the holder named? */
export const isNamedVerifier = (v: PresentationVerifier, p: Principal): boolean => {
  switch (v.kind) {
    case 'partner':
      return p.kind === 'partner' && p.city === v.city && p.id === v.id;
    case 'hall':
      return p.kind === 'user' && (p.role === 'clerk' || p.role === 'supervisor') && p.city === v.city && p.hall === v.hall;
  }
};
