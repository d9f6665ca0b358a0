import { describe, expect, it } from '@jest/globals';
import { generateSm2KeyPair } from '@guangfo/gm-crypto';
import { CityRegistry } from '@guangfo/platform';
import {
  authenticateInterchangeRequest,
  INTERCHANGE_HEADERS,
  MemoryNonceStore,
  signInterchangeRequest,
  verifyInterchangeSignature,
} from './interchange-signature.js';

const GZ = '440100';
const FS = '440600';
const gz = generateSm2KeyPair();
const gzOld = generateSm2KeyPair();
const fs = generateSm2KeyPair();
const city = (code: string, keys: { keyId: string; publicKey: string; status?: string; demo?: boolean }[]) => ({
  code,
  nameZh: code,
  nameEn: code,
  provinceCode: '440000',
  signingKeys: keys.map((k) => ({ alg: 'SM2-SM3', status: 'active', ...k })),
});
const raw = {
  cities: [
    city(GZ, [
      { keyId: 'gz-1', publicKey: gz.publicKey },
      { keyId: 'gz-0', publicKey: gzOld.publicKey, status: 'retired' },
    ]),
    city(FS, [{ keyId: 'fs-1', publicKey: fs.publicKey }]),
  ],
};
const registry = CityRegistry.fromData(raw, false);
const PATH = '/api/v1/interchange/files/0b8c8f0e-7a51-4bb4-9a8e-3f8d1c1f2a10';

/** A request as the Foshan node receives it from Guangzhou. */
const asReceived = (headers: Record<string, string>, over: Partial<{ method: string; path: string }> = {}) => ({
  method: over.method ?? 'GET',
  path: over.path ?? PATH,
  header: (n: string) => headers[n.toLowerCase()],
});
const signed = (o: Partial<Parameters<typeof signInterchangeRequest>[0]> = {}) =>
  signInterchangeRequest({ method: 'GET', path: PATH, fromCity: GZ, toCity: FS, keyId: 'gz-1', privateKeyHex: gz.privateKey, ...o });
const ctx = { toCity: FS, registry };

describe('node-to-node request signature', () => {
  it("verifies a request signed with the requesting city's pinned key", () => {
    const h = signed();
    expect(Object.keys(h).sort()).toEqual(Object.values(INTERCHANGE_HEADERS).sort());
    expect(verifyInterchangeSignature(asReceived(h), ctx)).toMatchObject({ ok: true, city: GZ, keyId: 'gz-1' });
  });

  it("refuses a wrong key: forged with another key under the pinned key id, or an unknown, retired or other city's key", () => {
    const attacker = generateSm2KeyPair();
    expect(verifyInterchangeSignature(asReceived(signed({ privateKeyHex: attacker.privateKey })), ctx)).toMatchObject({
      ok: false,
      code: 'INTERCHANGE_SIGNATURE_INVALID',
    });
    expect(verifyInterchangeSignature(asReceived(signed({ keyId: 'gz-9' })), ctx)).toMatchObject({
      ok: false,
      code: 'INTERCHANGE_SIGNATURE_INVALID',
      reason: expect.stringContaining('no active key'),
    });
    expect(verifyInterchangeSignature(asReceived(signed({ keyId: 'gz-0', privateKeyHex: gzOld.privateKey })), ctx)).toMatchObject({
      ok: false,
      code: 'INTERCHANGE_SIGNATURE_INVALID',
    });
    // Foshan's key claiming to be Guangzhou
    expect(verifyInterchangeSignature(asReceived(signed({ keyId: 'fs-1', privateKeyHex: fs.privateKey })), ctx)).toMatchObject({
      ok: false,
      code: 'INTERCHANGE_SIGNATURE_INVALID',
    });
    // a city calling itself
    expect(
      verifyInterchangeSignature(asReceived(signed({ fromCity: FS, keyId: 'fs-1', privateKeyHex: fs.privateKey })), ctx),
    ).toMatchObject({ ok: false, code: 'INTERCHANGE_SIGNATURE_INVALID' });
  });

  it('binds method, path, target city, date and nonce', () => {
    const h = signed();
    expect(verifyInterchangeSignature(asReceived(h, { method: 'DELETE' }), ctx).ok).toBe(false);
    expect(verifyInterchangeSignature(asReceived(h, { path: PATH.replace('0b8c', '1b8c') }), ctx).ok).toBe(false);
    expect(verifyInterchangeSignature(asReceived(h), { toCity: '440300', registry }).ok).toBe(false);
    expect(verifyInterchangeSignature(asReceived({ ...h, [INTERCHANGE_HEADERS.nonce]: 'AAAAAAAAAAAAAAAAAAAAAAAA' }), ctx).ok).toBe(false);
    const later = new Date(Date.parse(h[INTERCHANGE_HEADERS.date]) + 1000).toISOString();
    expect(verifyInterchangeSignature(asReceived({ ...h, [INTERCHANGE_HEADERS.date]: later }), ctx).ok).toBe(false);
  });

  it('refuses a date more than 5 minutes away, either way', () => {
    const now = new Date('2026-11-28T08:00:00Z');
    const at = (ms: number) => signed({ date: new Date(now.getTime() + ms) });
    expect(verifyInterchangeSignature(asReceived(at(-299_000)), { ...ctx, now }).ok).toBe(true);
    expect(verifyInterchangeSignature(asReceived(at(299_000)), { ...ctx, now }).ok).toBe(true);
    expect(verifyInterchangeSignature(asReceived(at(-301_000)), { ...ctx, now })).toMatchObject({
      ok: false,
      code: 'INTERCHANGE_STALE_REQUEST',
    });
    expect(verifyInterchangeSignature(asReceived(at(301_000)), { ...ctx, now })).toMatchObject({
      ok: false,
      code: 'INTERCHANGE_STALE_REQUEST',
    });
  });

  it('refuses missing or malformed headers as unsigned', () => {
    const h = signed();
    for (const name of Object.values(INTERCHANGE_HEADERS)) {
      const { [name]: _dropped, ...rest } = h;
      expect(verifyInterchangeSignature(asReceived(rest), ctx)).toMatchObject({ ok: false, code: 'INTERCHANGE_UNSIGNED' });
    }
    expect(verifyInterchangeSignature(asReceived({ ...h, [INTERCHANGE_HEADERS.date]: 'yesterday' }), ctx)).toMatchObject({
      ok: false,
      code: 'INTERCHANGE_UNSIGNED',
    });
    expect(verifyInterchangeSignature(asReceived({ ...h, [INTERCHANGE_HEADERS.nonce]: 'short' }), ctx)).toMatchObject({
      ok: false,
      code: 'INTERCHANGE_UNSIGNED',
    });
    expect(verifyInterchangeSignature(asReceived({ ...h, [INTERCHANGE_HEADERS.signature]: 'bm90IGEgc2lnbmF0dXJl' }), ctx)).toMatchObject({
      ok: false,
      code: 'INTERCHANGE_SIGNATURE_INVALID',
    });
  });

  it('refuses a replayed request (same nonce), once its signature verified', async () => {
    const nonces = new MemoryNonceStore();
    const h = signed();
    expect(await authenticateInterchangeRequest(asReceived(h), { ...ctx, nonces })).toMatchObject({ ok: true });
    expect(await authenticateInterchangeRequest(asReceived(h), { ...ctx, nonces })).toMatchObject({
      ok: false,
      code: 'INTERCHANGE_REPLAYED',
    });
    expect(await authenticateInterchangeRequest(asReceived(signed()), { ...ctx, nonces })).toMatchObject({ ok: true });
    // A forged request does not burn the nonce of a genuine one.
    const genuine = signed();
    const forged = {
      ...genuine,
      [INTERCHANGE_HEADERS.signature]: signed({
        privateKeyHex: generateSm2KeyPair().privateKey,
        nonce: genuine[INTERCHANGE_HEADERS.nonce],
        date: new Date(genuine[INTERCHANGE_HEADERS.date]),
      })[INTERCHANGE_HEADERS.signature],
    };
    expect(await authenticateInterchangeRequest(asReceived(forged), { ...ctx, nonces })).toMatchObject({
      ok: false,
      code: 'INTERCHANGE_SIGNATURE_INVALID',
    });
    expect(await authenticateInterchangeRequest(asReceived(genuine), { ...ctx, nonces })).toMatchObject({ ok: true });
  });

  it('honours demo keys only when the registry does (sandbox)', () => {
    const demoRaw = {
      cities: [
        city(GZ, [{ keyId: 'gz-demo', publicKey: gz.publicKey, demo: true }]),
        city(FS, [{ keyId: 'fs-1', publicKey: fs.publicKey }]),
      ],
    };
    const h = signed({ keyId: 'gz-demo' });
    expect(verifyInterchangeSignature(asReceived(h), { toCity: FS, registry: CityRegistry.fromData(demoRaw, true) }).ok).toBe(true);
    expect(verifyInterchangeSignature(asReceived(h), { toCity: FS, registry: CityRegistry.fromData(demoRaw, false) }).ok).toBe(false);
  });
});
