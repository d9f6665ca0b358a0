import type { UserPrincipal } from '@guangfo/platform';
import type { CaseActor } from './case.types.js';

/** The timeline actor of a user: role, opaque subject, city and hall. Never an ID number. */
export const caseActorOf = (p: UserPrincipal): CaseActor => ({
  role: p.role === 'resident' ? 'resident' : p.role === 'clerk' ? 'clerk' : 'supervisor',
  id: p.sub,
  city: p.city,
  ...(p.hall ? { hall: p.hall } : {}),
});
