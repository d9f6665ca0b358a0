import type { JwtService } from '@nestjs/jwt';
import { platformError } from '../errors/platform-errors.js';
import { maskIdNumber } from '@guangfo/kernel';
import { JWT_AUDIENCE } from './auth.strategies.js';
import type { DemoIdentity } from './demo-identity.js';

/** A demo token as the token route answers it: the signed JWT and its claims (ID number masked). */
export interface DemoToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  claims: Record<string, unknown>;
}

const LIFETIME_SECONDS = 3600;

/** Signs an ES256 token for a demo user of the sandbox; refuses without a demo identity provider, or for an unknown user. */
export const issueDemoToken = async (jwt: JwtService, demo: DemoIdentity | undefined, username: string): Promise<DemoToken> => {
  if (!demo)
    throw platformError('TOKEN_ISSUING_DISABLED', { detail: 'Tokens come from the identity provider; this node has no demo users.' });
  const user = demo.directory.users.find((u) => u.username === username);
  if (!user) throw platformError('UNKNOWN_DEMO_USER', { detail: `no demo user ${username}` });
  // Demo residents are "real-name verified" by the demo provider: their token carries the identity.
  const idv =
    user.role === 'resident' && user.residentId ? { idNumber: user.residentId, name: user.name, assurance: 'real-name' } : undefined;
  const claims = {
    sub: user.username,
    role: user.role,
    city: user.city,
    ...(user.hall ? { hall: user.hall } : {}),
    name: user.name,
    ...(idv ? { idv } : {}),
  };
  const accessToken = await jwt.signAsync(claims, {
    algorithm: 'ES256',
    privateKey: demo.privateKeyPem,
    issuer: demo.issuer,
    audience: JWT_AUDIENCE,
    expiresIn: LIFETIME_SECONDS,
  });
  // The identity travels inside the token only; the echoed claims show the ID number masked.
  const shown = idv ? { ...claims, idv: { ...idv, idNumber: maskIdNumber(idv.idNumber) } } : claims;
  return { accessToken, tokenType: 'Bearer', expiresIn: LIFETIME_SECONDS, claims: shown };
};
