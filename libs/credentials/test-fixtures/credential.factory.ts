import { randomUUID } from 'node:crypto';
import { generateSm2KeyPair, sm2KeyId, Sm2Signer } from '@guangfo/gm-crypto';
import {
  CREDENTIAL_FORMAT,
  type CredentialDocument,
  type CredentialSigningKey,
  type SignedCredential,
  signCredential,
} from '../src/domain/credential.document.js';
import { formatCredentialNumber } from '../src/domain/credential-number.js';
import type { IssuerKeyRecord, RegistryFacts } from '../src/domain/credential-verification.js';

/** Fictional test data (valid check characters). */
export const GZ_POLICE = { name: '广州市公安局', code: '114401000075020016', city: '440100' } as const;
export const RESIDENT_ID = '440106199001010013';

export interface TestIssuerKey extends CredentialSigningKey {
  readonly publicKey: string;
  readonly signer: Sm2Signer;
}

export const testIssuerKey = (city = '440100'): TestIssuerKey => {
  const pair = generateSm2KeyPair();
  const signer = Sm2Signer.fromPrivateKey(pair.privateKey);
  return { keyId: `${city}-${sm2KeyId(pair.publicKey)}`, publicKey: pair.publicKey, signer, sign: (m) => signer.sign(m) };
};

let sequence = 0;
export const credentialFields = (overrides: Partial<CredentialDocument> = {}): CredentialDocument => ({
  format: CREDENTIAL_FORMAT,
  id: randomUUID(),
  number: formatCredentialNumber(GZ_POLICE.code, 2026, ++sequence),
  type: { code: 'RESIDENCE_PERMIT', name: '居住证' },
  holder: { name: '陈小明', code: RESIDENT_ID, codeType: '111' },
  issuer: { ...GZ_POLICE },
  issueDate: '2026-01-05',
  validFrom: '2026-01-05',
  validTo: '2027-01-04',
  ...overrides,
});

export const signedCredential = (key: TestIssuerKey, overrides: Partial<CredentialDocument> = {}): SignedCredential =>
  signCredential(credentialFields(overrides), key);

export const keyRecord = (key: TestIssuerKey, overrides: Partial<IssuerKeyRecord> = {}): IssuerKeyRecord => ({
  issuerCity: key.keyId.slice(0, 6),
  keyId: key.keyId,
  publicKey: key.publicKey,
  credentialTypes: ['RESIDENCE_PERMIT', 'BUSINESS_LICENSE'],
  status: 'active',
  publishedAt: '2026-01-01T00:00:00.000Z',
  statusChangedAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

/** What a verifying city (Foshan) knows: the key, 广州市公安局 on Guangzhou's list for 居住证, no status change, status as of `asOf`. */
export const facts = (key: TestIssuerKey, overrides: Partial<RegistryFacts> = {}, asOf = '2026-06-01T03:50:00.000Z'): RegistryFacts => ({
  issuerCityKnown: true,
  key: keyRecord(key),
  freshness: { authoritative: false, asOf },
  type: { code: 'RESIDENCE_PERMIT', name: '居住证' },
  authorisedTypes: ['ID_CARD', 'HOUSEHOLD_REGISTER', 'RESIDENCE_PERMIT'],
  ...overrides,
});
