import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@guangfo/platform';
import { loadCredentialsConfig } from './credentials.config.js';

describe('credentials configuration', () => {
  it('has defaults for everything', () => {
    expect(loadCredentialsConfig({})).toEqual({
      statusMaxAgeSeconds: 3600,
      staleStatusPolicy: 'fail-closed',
      heartbeatSeconds: 300,
      presentationDefaultTtlSeconds: 600,
      presentationMaxTtlSeconds: 3600,
    });
  });

  it('reads the environment', () => {
    const c = loadCredentialsConfig({
      CREDENTIAL_STATUS_MAX_AGE_SECONDS: '600',
      CREDENTIAL_STALE_STATUS_POLICY: 'accept-with-warning',
      CREDENTIAL_STATUS_HEARTBEAT_SECONDS: '60',
      CREDENTIAL_KEY_ENCRYPTION_KEY: 'ABCDEF0123456789ABCDEF0123456789',
    });
    expect(c).toMatchObject({
      statusMaxAgeSeconds: 600,
      staleStatusPolicy: 'accept-with-warning',
      heartbeatSeconds: 60,
      keyEncryptionKey: 'abcdef0123456789abcdef0123456789',
    });
  });

  it('fails with a message naming each bad variable', () => {
    const attempt = () =>
      loadCredentialsConfig({
        CREDENTIAL_STALE_STATUS_POLICY: 'maybe',
        CREDENTIAL_KEY_ENCRYPTION_KEY: 'short',
        CREDENTIAL_STATUS_MAX_AGE_SECONDS: '100',
        CREDENTIAL_STATUS_HEARTBEAT_SECONDS: '200',
      });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/CREDENTIAL_STALE_STATUS_POLICY: must be one of fail-closed, accept-with-warning/);
    expect(attempt).toThrow(/CREDENTIAL_KEY_ENCRYPTION_KEY: must be a 128-bit SM4 key/);
  });

  it('requires the heartbeat to be shorter than the freshness window', () => {
    expect(() => loadCredentialsConfig({ CREDENTIAL_STATUS_MAX_AGE_SECONDS: '100', CREDENTIAL_STATUS_HEARTBEAT_SECONDS: '100' })).toThrow(
      /CREDENTIAL_STATUS_HEARTBEAT_SECONDS: must be shorter than CREDENTIAL_STATUS_MAX_AGE_SECONDS/,
    );
  });
});
