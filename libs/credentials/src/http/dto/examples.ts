/** Fictional example data for the OpenAPI document (codes carry valid check characters). */
export const EXAMPLE = {
  credentialId: '0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a',
  number: '1144010000750200162026000000426',
  holder: { name: '陈小明', code: '440106199001010013', codeType: '111' },
  holderMasked: { name: '陈*明', code: '440***********0013', codeType: '111' },
  issuer: { name: '广州市公安局', code: '114401000075020016', city: '440100' },
  keyId: '440100-3f9a0c1d2e4b5a69',
};

export const EXAMPLE_DOCUMENT = {
  format: 'guangfo.credential.v1',
  id: EXAMPLE.credentialId,
  number: EXAMPLE.number,
  type: { code: 'RESIDENCE_PERMIT', name: '居住证' },
  holder: EXAMPLE.holder,
  issuer: EXAMPLE.issuer,
  issueDate: '2026-11-27',
  validFrom: '2026-11-27',
  validTo: '2027-11-26',
  proof: { type: 'SM2-SM3', keyId: EXAMPLE.keyId, signature: 'MEUCIQD…base64 DER…' },
};
