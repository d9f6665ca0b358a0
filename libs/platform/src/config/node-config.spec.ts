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
  JWT_PUBLIC_KEY: PUB,
  JWT_ISSUER: 'guangfo-idp',
};

describe('city node configuration', () => {
  it('loads a valid environment with defaults', () => {
    const c = loadCityNodeConfig(valid);
    expect(c).toMatchObject({ cityCode: '440600', port: 3000, transport: { kind: 'kafka', brokers: ['127.0.0.1:19092'] }, sandbox: false, migrateOnStart: false });
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

  it('lists the variables without defaults as required', () => {
    expect([...REQUIRED_CITY_NODE_ENV].sort()).toEqual(Object.keys(valid).sort());
  });
});
