import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { parse } from 'yaml';
import { freePort } from '../../apps/sandbox/src/embedded-database.js';
import { Sandbox } from '../../apps/sandbox/src/sandbox.js';

const GZ = '440100';
const FS = '440600';
const OIDC = {
  issuer: 'https://idp.gd.gov.cn/oidc',
  clientId: 'guangfo-console',
  scopes: 'openid profile',
  resource: 'urn:guangfo:api',
  displayName: '广东省统一身份认证平台',
};

/** GET /api/v1/auth/sign-in: how the console signs in at a node; public facts only. Guangzhou has a provider, Foshan none. */
describe("the console's sign-in options (embedded sandbox)", () => {
  let dir: string;
  let sandbox: Sandbox;
  const ports: Record<string, number> = {};
  const url = (city: string) => `http://127.0.0.1:${ports[city]}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'guangfo-signin-'));
    ports[GZ] = await freePort();
    ports[FS] = await freePort();
    sandbox = new Sandbox({ dataDir: dir, ports, logLevel: 'silent', consoleOidc: { [GZ]: OIDC } });
    await sandbox.start();
  }, 120_000);

  afterAll(async () => {
    await sandbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the provider and the public client, and nothing else', async () => {
    const r = await request(url(GZ)).get('/api/v1/auth/sign-in').expect(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.headers['set-cookie']).toBeUndefined();
    expect(r.body).toEqual({ demoUsers: true, oidc: OIDC });
    expect(await request(url(FS)).get('/api/v1/auth/sign-in').expect(200)).toHaveProperty('body', { demoUsers: true });
  });

  it('reveals no key, secret or internal address of the node', async () => {
    const secrets = parse(readFileSync('seeds/demo/secrets.yaml', 'utf8')) as {
      cities: Record<
        string,
        { signingKey: { privateKeyHex: string }; encryptionKey: { privateKeyHex: string }; sealingKeys: { keyHex: string }[] }
      >;
      identityProvider: { privateKeyPem: string; publicKeyPem: string };
    };
    const config = sandbox.configFor(GZ);
    const text = (await request(url(GZ)).get('/api/v1/auth/sign-in').expect(200)).text;
    const never = [
      secrets.cities[GZ].signingKey.privateKeyHex,
      secrets.cities[GZ].encryptionKey.privateKeyHex,
      ...secrets.cities[GZ].sealingKeys.map((k) => k.keyHex),
      'PRIVATE KEY',
      'PUBLIC KEY',
      config.databaseUrl,
      config.identity.issuer,
      'sandbox',
      'secret',
      'password',
    ];
    for (const s of never) expect({ leaked: s, in: text.toLowerCase().includes(s.toLowerCase()) }).toEqual({ leaked: s, in: false });
  });

  it("lets the console connect to the provider's origin only where one is configured", async () => {
    const gz = (await request(url(GZ)).get('/console/')).headers['content-security-policy'];
    const fs = (await request(url(FS)).get('/console/')).headers['content-security-policy'];
    expect(gz).toContain("connect-src 'self' https://idp.gd.gov.cn;");
    expect(fs).toContain("connect-src 'self';");
    for (const csp of [gz, fs]) expect(csp).toContain("form-action 'none'");
  });
});
