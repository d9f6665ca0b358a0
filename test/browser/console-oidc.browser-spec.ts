import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import Provider from 'oidc-provider';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { EmbeddedTransport } from '@guangfo/messaging';
import { composeCityNode, createCityNodeApp } from '@guangfo/node';
import { EmbeddedDatabase, freePort } from '../../apps/sandbox/src/embedded-database.js';
import { Sandbox } from '../../apps/sandbox/src/sandbox.js';
import { SandboxSeeds } from '../../apps/sandbox/src/sandbox-seeds.js';
import { launchBrowser } from './console.js';

const GZ = '440100';
const CLIENT_ID = 'guangfo-console';
/** The provider's accounts: what its directory knows of each person (the claims the node maps: role, city, hall). */
const ACCOUNTS: Record<string, { role: string; city: string; hall?: string }> = {
  'gz-clerk': { role: 'clerk', city: GZ, hall: 'GZ-TH-01' },
};

/**
 * Sign-in with a real OpenID Connect provider (the oidc-provider package, started here with its own login and consent
 * pages), at a Guangzhou node configured to trust it: the provider's issuer and its ES256 key, no demo users. The clerk
 * signs in through the provider (authorization code + PKCE), sees the queue (the API took the provider's token), and signs
 * out at the provider.
 */
describe('the web console signing in with an OpenID Connect provider', () => {
  let dir: string;
  let db: EmbeddedDatabase;
  let node: NestExpressApplication;
  let idp: Server;
  let browser: Browser;
  let base: string;
  let issuer: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'guangfo-oidc-'));
    const [nodePort, idpPort] = [await freePort(), await freePort()];
    base = `http://127.0.0.1:${nodePort}`;
    issuer = `http://127.0.0.1:${idpPort}`;

    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: CLIENT_ID,
          token_endpoint_auth_method: 'none',
          grant_types: ['authorization_code'],
          response_types: ['code'],
          redirect_uris: [`${base}/console/`],
          post_logout_redirect_uris: [`${base}/console/`],
          id_token_signed_response_alg: 'ES256',
        },
      ],
      jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-idp-2026', alg: 'ES256', use: 'sig' }] },
      cookies: { keys: ['a cookie key of the test provider'] },
      ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
      // The console calls the token endpoint from its own origin: the provider must allow that origin (CORS).
      clientBasedCORS: (_ctx, origin) => origin === base,
      pkce: { required: () => true },
      findAccount: (_ctx, id) => (ACCOUNTS[id] ? { accountId: id, claims: () => ({ sub: id }) } : undefined),
      // The API's access token: a JWT for this API's audience, with the claims the node maps.
      extraTokenClaims: (_ctx, token) => (token.kind === 'AccessToken' && token.accountId ? ACCOUNTS[token.accountId] : undefined),
      features: {
        devInteractions: { enabled: true },
        rpInitiatedLogout: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => 'urn:guangfo:api',
          useGrantedResource: () => true,
          getResourceServerInfo: () => ({
            scope: '',
            audience: 'guangfo-api', // the audience the node requires (JWT_AUDIENCE)
            accessTokenFormat: 'jwt',
            accessTokenTTL: 600,
            jwt: { sign: { alg: 'ES256' } },
          }),
        },
      },
    });
    idp = provider.listen(idpPort, '127.0.0.1');

    db = new EmbeddedDatabase(dir);
    await db.start();
    await db.ensureDatabase(Sandbox.databaseName(GZ));
    const seeds = new SandboxSeeds();
    const config = {
      ...seeds.nodeConfig(GZ, { ports: { [GZ]: nodePort }, logLevel: 'silent' }, db.url(Sandbox.databaseName(GZ))),
      identity: { issuer, publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString() },
      consoleOidc: { issuer, clientId: CLIENT_ID, scopes: 'openid', displayName: '测试统一身份认证' },
    };
    // No demo identity: the token endpoint refuses, as on any real node.
    node = await createCityNodeApp({
      ...composeCityNode(config, seeds.registry, new EmbeddedTransport(GZ, seeds.registry)),
      logDestination: { write: () => undefined },
    });
    await node.listen(nodePort, '127.0.0.1');
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await node?.close();
    await new Promise((r) => (idp ? idp.close(r) : r(undefined)));
    await db?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('tells the console how to sign in, and lets it connect to the provider', async () => {
    const r = await request(base).get('/api/v1/auth/sign-in').expect(200);
    expect(r.body).toEqual({ demoUsers: false, oidc: { issuer, clientId: CLIENT_ID, scopes: 'openid', displayName: '测试统一身份认证' } });
    const csp = (await request(base).get('/console/').expect(200)).headers['content-security-policy'];
    expect(csp).toContain(`connect-src 'self' ${issuer};`);
    await request(base).post('/api/v1/auth/token').send({ username: 'gz-clerk' }).expect(403);
  });

  it("a clerk signs in at the provider's own pages, sees the queue, and signs out at the provider", async () => {
    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'UTC' });
    // Nothing leaves this machine (the provider's default pages link a web font).
    await context.route(
      (u) => u.hostname !== '127.0.0.1',
      (route) => route.abort(),
    );
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/.test(m.text())) errors.push(m.text());
    });
    await page.goto(`${base}/console/`);
    // No demo picker, no password field of our own: one button to the provider.
    await page.locator('button[data-signin="oidc"]').waitFor();
    expect(await page.locator('button[data-user]').count()).toBe(0);
    expect(await page.locator('input[type="password"]').count()).toBe(0);
    const authorization = page.waitForRequest((r) => r.url().startsWith(`${issuer}/auth?`));
    await page.locator('button[data-signin="oidc"]').click();

    // At the provider: the authorization request carries PKCE S256, state and nonce.
    const asked = new URL((await authorization).url()).searchParams;
    expect(Object.fromEntries(asked)).toMatchObject({
      client_id: CLIENT_ID,
      response_type: 'code',
      redirect_uri: `${base}/console/`,
      scope: 'openid',
      code_challenge_method: 'S256',
    });
    expect(asked.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(asked.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(asked.get('nonce')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    await page.waitForURL((u) => u.origin === issuer);
    await page.locator('input[name="login"]').waitFor();
    await page.locator('input[name="login"]').fill('gz-clerk');
    await page.locator('input[name="password"]').fill('any password: the test provider checks none');
    const [tokenResponse] = await Promise.all([
      page.waitForResponse((r) => r.url().startsWith(`${issuer}/token`) && r.request().method() === 'POST', { timeout: 60_000 }),
      (async () => {
        await page.locator('button[type="submit"]').click();
        // The provider's consent page, then back to the console with a code.
        await page.locator('input[name="prompt"][value="consent"]').waitFor({ state: 'attached' });
        await page.locator('button[type="submit"]').click();
      })(),
    ]);
    const tokenRequest = new URLSearchParams(tokenResponse.request().postData() ?? '');
    expect(tokenRequest.get('grant_type')).toBe('authorization_code');
    expect(tokenRequest.get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(tokenRequest.get('client_secret')).toBeNull();
    const { access_token: accessToken } = (await tokenResponse.json()) as { access_token: string };

    await expect(page.getByTestId('who').textContent()).resolves.toBe('gz-clerk · GZ-TH-01');
    await page.locator('#queue-h').waitFor();
    // The queue came from the API with the provider's token (an empty queue, not a problem).
    await page.locator('.empty, ul.cases').first().waitFor();
    expect(await page.locator('.problem').count()).toBe(0);
    expect(new URL(page.url()).search).toBe('');
    // The token lives in memory: not in localStorage, not in sessionStorage (the pending verifier is gone too).
    const stored = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } }));
    expect(stored).toBe('{"local":{},"session":{}}');
    expect(stored).not.toContain(accessToken);
    // The node maps the provider's claims: the API answers the clerk with the same token.
    await request(base).get('/api/v1/cases?limit=1').set('authorization', `Bearer ${accessToken}`).expect(200);

    // Sign-out ends the provider's session too (its own confirmation page), and lands back at the console.
    await page.getByRole('button', { name: '退出' }).click();
    await page.waitForURL((u) => u.origin === issuer);
    await page.locator('button[name="logout"]').click();
    await page.waitForURL(`${base}/console/`);
    await page.locator('button[data-signin="oidc"]').click();
    await page.locator('input[name="login"]').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });
});
