import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import {
  acceptedCase,
  type AffairsWorld,
  as,
  converged,
  fileAndForward,
  FS,
  GZ,
  PEOPLE,
  type Person,
} from '../support/affairs.scenarios.js';
import { type ProcessSandbox, startProcessSandbox } from '../support/process-sandbox.js';
import { expectAccessible, expectNoOverflow, go, launchBrowser, openCase, screenshot, signIn, step } from './console.js';

/**
 * The web console (apps/console) in headless Chromium against `npm start`'s sandbox (one process per city): every action
 * through the UI, which calls the public API like any client. A step that fails in the UI (a problem shown) fails the test.
 */
describe('the web console in a browser', () => {
  let sandbox: ProcessSandbox;
  let browser: Browser;
  const url = (city: string) => sandbox.baseUrl(city);
  const tokenOf = async (city: string, username: string) =>
    ((await request(url(city)).post('/api/v1/auth/token').send({ username }).expect(200)).body as { accessToken: string }).accessToken;

  beforeAll(async () => {
    [sandbox, browser] = await Promise.all([startProcessSandbox(), launchBrowser()]);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await sandbox?.close();
  });

  it('is served by both cities at /console with a strict Content-Security-Policy, apart from the API', async () => {
    for (const city of [GZ, FS]) {
      const r = await request(url(city)).get('/console/').expect(200);
      expect(r.headers['content-type']).toMatch(/^text\/html/);
      expect(r.headers['content-security-policy']).toContain("script-src 'self'");
      expect(r.headers['content-security-policy']).toContain("default-src 'none'");
      await request(url(city)).get('/console').expect(301);
      await request(url(city)).get('/console/nope.js').expect(404);
    }
  });

  it('异地代收代办 end to end: filed at the Foshan console, 补正 from Guangzhou answered by the resident, approved, delivered, completed, rated', async () => {
    const fsClerk = await signIn(browser, url(FS), 'fs-clerk');
    await expectAccessible(fsClerk.page, 'the Foshan queue');
    await screenshot(fsClerk.page, 'queue');

    // 申请 at the Foshan window: the catalogue's route and material list for XK00201000.
    await go(fsClerk, '/file');
    const f = fsClerk.page;
    await f.locator('select[name="itemCode"]').waitFor();
    await expect(f.locator('select[name="itemCode"]').inputValue()).resolves.toBe('XK00201000');
    await f.locator('input[name="material-contributions"]').waitFor();
    await f.getByLabel('申请人姓名').fill('李小红');
    // A wrong check digit: the problem's Chinese title, and the field error next to the ID number (then in English).
    await f.getByLabel('公民身份号码').fill('440604199205050021');
    await f.locator('form.filing button[type="submit"]').click();
    await expect(f.locator('.problem strong').textContent()).resolves.toBe('申请人信息无效');
    await f.locator('.has-error input[name="idNumber"]').waitFor();
    await expect(f.locator('.has-error .field-error').textContent()).resolves.toContain('公民身份号码');
    await f.getByRole('button', { name: 'English' }).click();
    await expect(f.locator('.problem strong').textContent()).resolves.toBe('Invalid applicant');
    await f.getByRole('button', { name: '中文' }).click();
    await f.getByLabel('公民身份号码').fill('44060419920505002X');
    await f.getByLabel('申请人账号（可选）').fill('fs-resident');
    await f.locator('input[name="material-home"]').fill('lease.pdf');
    await expectAccessible(f, 'the window filing form');
    await screenshot(f, 'filing');
    await f.locator('form.filing button[type="submit"]').click();
    await f.waitForSelector('article[data-state="submitted"]');
    const id = (await f.locator('article[data-case]').getAttribute('data-case'))!;
    await step(fsClerk, 'forward', 'forwarded');

    // Guangzhou: the case in its queue; one 补正 notice composed from the catalogue's materials.
    const gzClerk = await signIn(browser, url(GZ), 'gz-clerk');
    await gzClerk.page.waitForSelector(`li[data-case="${id}"]`, { timeout: 30_000 }).catch(async () => {
      await gzClerk.page.getByRole('button', { name: '刷新' }).click();
      await gzClerk.page.waitForSelector(`li[data-case="${id}"]`, { timeout: 30_000 });
    });
    await openCase(gzClerk, id, 'forwarded');
    await expectAccessible(gzClerk.page, 'a case with its step forms');
    await screenshot(gzClerk.page, 'case-clerk');
    await step(gzClerk, 'request-supplement', 'supplement-requested', async (form) => {
      await form.locator('input[name="material-contributions"]').check();
      await form.locator('input[name="description-contributions"]').fill('请补充近 12 个月的社会保险缴费证明（加盖公章）');
    });

    // The resident answers in her console (Foshan).
    const resident = await signIn(browser, url(FS), 'fs-resident');
    await openCase(resident, id, 'supplement-requested');
    await expectAccessible(resident.page, 'the resident case view with the 补正 notice');
    await screenshot(resident.page, 'case-resident-supplement');
    await step(resident, 'supplement', 'forwarded', async (form) => {
      await form.locator('input[name="answer-s1"]').fill('contributions-stamped.pdf');
    });

    // Guangzhou accepts, reviews and approves.
    await openCase(gzClerk, id, 'forwarded');
    await gzClerk.page.waitForFunction(() => Number(document.querySelector('article[data-case]')?.getAttribute('data-version')) >= 4);
    await step(gzClerk, 'accept', 'accepted');
    await step(gzClerk, 'review', 'under-review');
    await step(gzClerk, 'decide', 'decided', async (form) => {
      await form.locator('input[name="certificateNo"]').fill('GZ-HK-2026-000123');
    });

    // Foshan delivers at the window and completes.
    await openCase(fsClerk, id, 'decided');
    await step(fsClerk, 'deliver', 'delivered');
    await step(fsClerk, 'complete', 'completed');
    expect(await fsClerk.page.locator('ol.timeline li').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))).toEqual([
      'filed',
      'forwarded',
      'supplement-requested',
      'supplemented',
      'accepted',
      'review-started',
      'decided',
      'delivered',
      'completed',
    ]);

    // The resident rates (好差评).
    await openCase(resident, id, 'completed');
    const rate = resident.page.locator('form[data-action="evaluate"]');
    if (process.env.CONSOLE_DEBUG)
      resident.page.on('response', (r) => process.stderr.write(`${r.request().method()} ${r.url()} ${r.status()}\n`));
    await rate.locator('input[name="comment"]').fill('两地跑变一地办，很方便');
    await rate.locator('button[type="submit"]').click();
    await Promise.race([
      resident.page.getByTestId('rating').waitFor({ timeout: 20_000 }),
      resident.page
        .waitForSelector('.problem', { timeout: 20_000 })
        .then(async (p) => Promise.reject(new Error(`rating: the console shows ${await p.textContent()}`))),
    ]);
    await expect(resident.page.getByTestId('rating').textContent()).resolves.toContain('5');
    await screenshot(resident.page, 'case-resident-rated');

    // A phone: no horizontal scrolling at 360 px.
    const phone = await signIn(browser, url(FS), 'fs-resident', { width: 360, height: 740 });
    await expectNoOverflow(phone.page, 'my cases at 360 px');
    await openCase(phone, id, 'completed');
    await expectNoOverflow(phone.page, 'a case at 360 px');
    await screenshot(phone.page, 'phone-case');
    for (const u of [fsClerk, gzClerk, resident, phone]) {
      expect((u.page as unknown as { consoleErrors: string[] }).consoleErrors).toEqual([]);
      await u.context.close();
    }
  });

  it('two Guangzhou clerks decide at once: exactly one wins, the other sees the conflict and the refreshed case', async () => {
    const world: AffairsWorld = { cluster: sandbox, token: (p: Person) => tokenOf(p.city, p.username) };
    const id = await acceptedCase(world);
    const [a, b] = await Promise.all([signIn(browser, url(GZ), 'gz-clerk'), signIn(browser, url(GZ), 'gz-clerk-2')]);
    await Promise.all([openCase(a, id, 'accepted'), openCase(b, id, 'accepted')]);
    const submit = (u: typeof a) => u.page.locator('form[data-action="decide"] button[type="submit"]').click();
    await Promise.all([submit(a), submit(b)]);
    const outcome = async (u: typeof a) => {
      await u.page.waitForFunction(
        () => document.querySelector('[data-testid="conflict"]') || document.querySelector('article[data-state="decided"]'),
        undefined,
        { timeout: 20_000 },
      );
      return (await u.page.getByTestId('conflict').count()) > 0 ? 'conflict' : 'won';
    };
    const results = await Promise.all([outcome(a), outcome(b)]);
    expect(results.sort()).toEqual(['conflict', 'won']);
    const loser = results[0] === 'conflict' ? a : b;
    await loser.page.waitForSelector('article[data-state="decided"]');
    await screenshot(loser.page, 'conflict');
    await Promise.all([a.context.close(), b.context.close()]);
  });

  it('a resident presents a credential as a QR code; a Foshan clerk verifies the pasted payload; she sees who verified it', async () => {
    // 居住证 issued by Foshan's 户政 window (through the API: issuing is not a console screen).
    const today = new Date().toISOString().slice(0, 10);
    await request(url(FS))
      .post('/api/v1/credentials')
      .set('authorization', `Bearer ${await tokenOf(FS, 'fs-clerk')}`)
      .send({
        typeCode: 'RESIDENCE_PERMIT',
        holder: { name: '李小红', code: '44060419920505002X', codeType: '111' },
        holderAccount: 'fs-resident',
        issuer: { name: '佛山市公安局', code: '114406000075020023' },
        validFrom: today,
        validTo: `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`,
      })
      .expect(201);

    const resident = await signIn(browser, url(FS), 'fs-resident');
    await go(resident, '/wallet');
    const w = resident.page;
    await w.locator('li[data-credential]').first().waitFor();
    await w.getByLabel('用途').fill('居住证积分入学核验');
    await w.locator('form.step button[type="submit"]').click();
    const payload = await w.getByTestId('qr-payload').inputValue();
    expect(payload).toMatch(/^GFTB-VP1:/);
    await w.locator('svg.qr').waitFor();
    await expectAccessible(w, 'the wallet with a presentation');
    await screenshot(w, 'wallet-qr');

    const clerk = await signIn(browser, url(FS), 'fs-clerk');
    await go(clerk, '/verify');
    await clerk.page.getByLabel('二维码内容（粘贴）').fill(payload);
    await clerk.page.locator('form button[type="submit"]').click();
    const verdict = clerk.page.getByTestId('verdict');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-valid')).toBe('true');
    await expect(verdict.textContent()).resolves.toContain('李*红');
    await expectAccessible(clerk.page, 'the verification screen');
    await screenshot(clerk.page, 'verify');

    await resident.page.getByRole('button', { name: '刷新' }).click();
    await w.waitForFunction(
      () => (document.querySelector('[data-testid="access-log"]')?.textContent ?? '').includes('居住证积分入学核验'),
      undefined,
      {
        timeout: 30_000,
      },
    );
    await Promise.all([resident.context.close(), clerk.context.close()]);
  });

  it('supervisors: an extension (art. 42) on a case, and a 差评 remediation resolved', async () => {
    const world: AffairsWorld = { cluster: sandbox, token: (p: Person) => tokenOf(p.city, p.username) };
    const id = await acceptedCase(world);
    const sup = await signIn(browser, url(GZ), 'gz-supervisor');
    await openCase(sup, id, 'accepted');
    const ext = sup.page.locator('form[data-action="extend"]');
    await ext.locator('input[name="extend-reason"]').fill('需实地核查住所，依法延长十个工作日');
    await ext.locator('button[type="submit"]').click();
    await sup.page.waitForSelector('ol.timeline li[data-kind="extended"]', { timeout: 20_000 });

    // 不予受理, then the applicant's 差评 opens a task in Guangzhou (the administering city).
    const rejected = await fileAndForward(world);
    const gz = await as(world, PEOPLE.gzClerk);
    expect((await gz.step(rejected, 'reject', { reasonCode: 'NOT_ELIGIBLE', reason: '不符合迁入条件' }, 2)).status).toBe(200);
    await converged(world, FS, rejected, 3, 'not-accepted');
    const resident = await as(world, PEOPLE.fsResident);
    expect((await resident.post(`/cases/${rejected}/evaluate`, { rating: 1, comment: '没说清楚缺什么' })).status).toBe(200);
    await go(sup, '/remediations');
    const task = sup.page.locator('li.case-card', { hasText: '没说清楚缺什么' });
    for (let i = 0; i < 60 && (await task.count()) === 0; i++) {
      await sup.page.waitForTimeout(500);
      await go(sup, '/');
      await go(sup, '/remediations');
    }
    await expectAccessible(sup.page, 'the remediations');
    await screenshot(sup.page, 'remediations');
    await task.locator('input').fill('已电话回访，告知迁入条件并致歉');
    await task.locator('button[type="submit"]').click();
    await sup.page.locator('li.case-card', { hasText: '没说清楚缺什么' }).waitFor({ state: 'detached', timeout: 20_000 });
    await sup.context.close();
  });

  it('a resident files online (全程网办) and withdraws', async () => {
    const resident = await signIn(browser, url(FS), 'fs-resident');
    await go(resident, '/file');
    const p = resident.page;
    await p.locator('select[name="itemCode"] option[value="QR00101000"]').waitFor({ state: 'attached' });
    await p.locator('select[name="itemCode"]').selectOption('QR00101000');
    await p.locator('input[name="material-years"]').waitFor();
    await expectAccessible(p, 'the online filing form');
    await p.locator('form.filing button[type="submit"]').click();
    await Promise.race([
      p.waitForSelector('article[data-state="submitted"]', { timeout: 20_000 }),
      p
        .waitForSelector('.problem', { timeout: 20_000 })
        .then(async (e) => Promise.reject(new Error(`online filing: ${await e.textContent()}`))),
    ]);
    const id = (await p.locator('article[data-case]').getAttribute('data-case'))!;
    // Guangzhou holds an online case from the start: the withdrawal travels as a request, and Guangzhou writes it.
    const form = p.locator('form[data-action="withdraw"]');
    await form.locator('input[name="withdraw-reason"]').fill('信息填错，重新申请');
    await form.locator('button[type="submit"]').click();
    await Promise.race([
      p.getByTestId('withdrawal-pending').waitFor({ timeout: 20_000 }),
      p.waitForSelector('article[data-state="withdrawn"]', { timeout: 20_000 }),
      p.waitForSelector('.problem', { timeout: 20_000 }).then(async (e) => Promise.reject(new Error(`withdraw: ${await e.textContent()}`))),
    ]);
    await openCase(resident, id, 'withdrawn');
    await resident.context.close();
  });
});
