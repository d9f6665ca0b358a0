import { normalizeResidentId } from '@guangfo/kernel';
import type { UserPrincipal } from '@guangfo/platform';
import { socialInsuranceError } from '../social-insurance.errors.js';

/** A resident's own verified identity (the token's, never a body's). */
export const residentIdentity = (p: UserPrincipal): { idNumber: string; name: string } => {
  if (p.role !== 'resident' || !p.identity)
    throw socialInsuranceError('SI_IDENTITY_REQUIRED', { detail: 'a real-name-verified resident token is required' });
  return { idNumber: p.identity.idNumber, name: p.identity.name };
};

/** An ID number given by a clerk or a partner, checked (GB 11643). */
export const checkedIdNumber = (raw: string, field = 'idNumber'): string => {
  const id = normalizeResidentId(raw);
  if (!id)
    throw socialInsuranceError('SI_INVALID_QUERY', {
      detail: 'invalid ID number',
      fieldErrors: [{ field, rule: 'invalid', message: 'not a valid GB 11643 ID number' }],
    });
  return id;
};
