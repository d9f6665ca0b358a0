import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadCityNodeConfig, REQUIRED_CITY_NODE_ENV } from './node-config.js';

const PUB = '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----';
const valid = {
  CITY_CODE: '440600',
  DATABASE_URL: 'postgres://u@127.0.0.1:5432/fs',
  KAFKA_BROKERS: '127.0.0.1:19092',
  EVENT_SIGNING_KEY: 'a'.repeat(64),
  EVENT_SIGNING_KEY_ID: 'fs-2026',
  DATA_SEALING_KEYS: `fs-seal-2026:${'c'.repeat(64)}`,
  EVENT_ENCRYPTION_KEY: 'e'.repeat(64),
  EVENT_ENCRYPTION_KEY_ID: 'fs-enc-2026',
  JWT_PUBLIC_KEY: PUB,
  JWT_ISSUER: 'guangfo-idp',
};

describe('city node configuration', () => {
  it('loads a valid environment with defaults', () => {
    const c = loadCityNodeConfig(valid);
    expect(c).toMatchObject({
      cityCode: '440600',
      port: 3000,
      transport: { kind: 'kafka', brokers: ['127.0.0.1:19092'] },
      sandbox: false,
      migrateOnStart: false,
    });
  });

  it('names every missing or bad variable', () => {
    const { CITY_CODE: _c, KAFKA_BROKERS: _k, ...rest } = valid;
    let message = '';
    try {
      loadCityNodeConfig({ ...rest, PORT: 'eighty' });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toMatch(/CITY_CODE/);
    expect(message).toMatch(/KAFKA_BROKERS/);
    expect(message).toMatch(/PORT/);
    expect(message).not.toMatch(/DATABASE_URL/);
  });

  it('reads secrets from *_FILE and reports an unreadable file by name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'key'), `${'b'.repeat(64)}\n`);
    const { EVENT_SIGNING_KEY: _s, ...rest } = valid;
    expect(loadCityNodeConfig({ ...rest, EVENT_SIGNING_KEY_FILE: join(dir, 'key') }).signingKey.privateKeyHex).toBe('b'.repeat(64));
    expect(() => loadCityNodeConfig({ ...rest, EVENT_SIGNING_KEY_FILE: join(dir, 'missing') })).toThrow(/EVENT_SIGNING_KEY_FILE/);
  });

  it('reads the sealing keyring (newest first, also from *_FILE) and keeps it apart from the signing key', () => {
    const { DATA_SEALING_KEYS: _k, ...rest } = valid;
    const two = `fs-seal-2027:${'D'.repeat(64)},fs-seal-2026:${'c'.repeat(64)}`;
    expect(loadCityNodeConfig({ ...rest, DATA_SEALING_KEYS: two }).sealingKeys).toEqual([
      { keyId: 'fs-seal-2027', keyHex: 'd'.repeat(64) },
      { keyId: 'fs-seal-2026', keyHex: 'c'.repeat(64) },
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'seal'), `${two}\n`);
    expect(loadCityNodeConfig({ ...rest, DATA_SEALING_KEYS_FILE: join(dir, 'seal') }).sealingKeys.map((k) => k.keyId)).toEqual([
      'fs-seal-2027',
      'fs-seal-2026',
    ]);
    expect(() => loadCityNodeConfig(rest)).toThrow(/DATA_SEALING_KEYS/);
    expect(() => loadCityNodeConfig({ ...rest, DATA_SEALING_KEYS: 'fs-seal:abcd' })).toThrow(/DATA_SEALING_KEYS: must be keyId:64-hex/);
    expect(() => loadCityNodeConfig({ ...rest, DATA_SEALING_KEYS: `a:${'c'.repeat(64)},a:${'d'.repeat(64)}` })).toThrow(
      /DATA_SEALING_KEYS: names one key id twice/,
    );
    expect(() => loadCityNodeConfig({ ...rest, DATA_SEALING_KEYS: `s:${'a'.repeat(64)}` })).toThrow(/must not be the event-signing key/);
  });

  it('reads the encryption key (also from *_FILE) and refuses the signing key in its place', () => {
    expect(loadCityNodeConfig(valid).encryptionKey).toEqual({ keyId: 'fs-enc-2026', privateKeyHex: 'e'.repeat(64) });
    const { EVENT_ENCRYPTION_KEY: _e, ...rest } = valid;
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'enc'), `${'F'.repeat(64)}\n`);
    expect(loadCityNodeConfig({ ...rest, EVENT_ENCRYPTION_KEY_FILE: join(dir, 'enc') }).encryptionKey.privateKeyHex).toBe('f'.repeat(64));
    expect(() => loadCityNodeConfig(rest)).toThrow(/EVENT_ENCRYPTION_KEY/);
    expect(() => loadCityNodeConfig({ ...rest, EVENT_ENCRYPTION_KEY: 'a'.repeat(64) })).toThrow(
      /EVENT_ENCRYPTION_KEY: must be a key pair of its own/,
    );
  });

  it('lists the variables without defaults as required', () => {
    expect([...REQUIRED_CITY_NODE_ENV].sort()).toEqual(Object.keys(valid).sort());
  });
});

describe("the console's identity provider (CONSOLE_OIDC_*)", () => {
  const oidc = { CONSOLE_OIDC_ISSUER: 'https://idp.gd.gov.cn/oidc', CONSOLE_OIDC_CLIENT_ID: 'guangfo-console' };
  const message = (env: Record<string, string>): string => {
    try {
      loadCityNodeConfig({ ...valid, ...env });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error('expected a ConfigError');
  };

  it('is absent unless configured, and optional (not among the required variables)', () => {
    expect(loadCityNodeConfig(valid).consoleOidc).toBeUndefined();
    expect(REQUIRED_CITY_NODE_ENV.filter((k) => k.startsWith('CONSOLE_OIDC'))).toEqual([]);
  });

  it('reads issuer and client id, with openid as the default scope and the issuer host as the default name', () => {
    expect(loadCityNodeConfig({ ...valid, ...oidc }).consoleOidc).toEqual({
      issuer: 'https://idp.gd.gov.cn/oidc',
      clientId: 'guangfo-console',
      scopes: 'openid',
      displayName: 'idp.gd.gov.cn',
    });
    expect(
      loadCityNodeConfig({
        ...valid,
        ...oidc,
        CONSOLE_OIDC_SCOPES: 'openid profile',
        CONSOLE_OIDC_RESOURCE: 'urn:guangfo:api',
        CONSOLE_OIDC_NAME: ' 广东省统一身份认证平台 ',
      }).consoleOidc,
    ).toEqual({
      issuer: 'https://idp.gd.gov.cn/oidc',
      clientId: 'guangfo-console',
      scopes: 'openid profile',
      resource: 'urn:guangfo:api',
      displayName: '广东省统一身份认证平台',
    });
  });

  it('takes http:// only on loopback, and never a query, fragment or credentials in the issuer', () => {
    expect(loadCityNodeConfig({ ...valid, ...oidc, CONSOLE_OIDC_ISSUER: 'http://127.0.0.1:4000' }).consoleOidc?.issuer).toBe(
      'http://127.0.0.1:4000',
    );
    expect(loadCityNodeConfig({ ...valid, ...oidc, CONSOLE_OIDC_ISSUER: 'http://localhost:4000/idp' }).consoleOidc?.issuer).toBe(
      'http://localhost:4000/idp',
    );
    for (const bad of [
      'http://idp.gd.gov.cn',
      'http://10.0.0.5',
      'https://idp.gd.gov.cn/?tenant=1',
      'https://idp.gd.gov.cn/#x',
      'https://user:pw@idp.gd.gov.cn',
      'javascript:alert(1)',
      'idp.gd.gov.cn',
    ])
      expect(message({ ...oidc, CONSOLE_OIDC_ISSUER: bad })).toMatch(/CONSOLE_OIDC_ISSUER: must be the https:\/\/ issuer URL/);
  });

  it('wants issuer and client id together, openid among the scopes, and an absolute resource URI', () => {
    expect(message({ CONSOLE_OIDC_ISSUER: oidc.CONSOLE_OIDC_ISSUER })).toMatch(
      /CONSOLE_OIDC_CLIENT_ID: must be set with CONSOLE_OIDC_ISSUER/,
    );
    expect(message({ CONSOLE_OIDC_CLIENT_ID: 'guangfo-console' })).toMatch(/CONSOLE_OIDC_ISSUER: must be set with CONSOLE_OIDC_CLIENT_ID/);
    expect(message({ CONSOLE_OIDC_NAME: 'x' })).toMatch(/CONSOLE_OIDC_ISSUER: must be set with the other CONSOLE_OIDC_\* variables/);
    expect(message({ ...oidc, CONSOLE_OIDC_SCOPES: 'profile email' })).toMatch(/CONSOLE_OIDC_SCOPES: must include openid/);
    expect(message({ ...oidc, CONSOLE_OIDC_SCOPES: 'openid  profile' })).toMatch(/CONSOLE_OIDC_SCOPES: must be space-separated/);
    expect(message({ ...oidc, CONSOLE_OIDC_CLIENT_ID: 'a b' })).toMatch(/CONSOLE_OIDC_CLIENT_ID: must be the console client id/);
    expect(message({ ...oidc, CONSOLE_OIDC_RESOURCE: 'guangfo-api' })).toMatch(/CONSOLE_OIDC_RESOURCE: must be an absolute URI/);
  });
});
