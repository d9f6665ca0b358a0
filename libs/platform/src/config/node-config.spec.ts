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
