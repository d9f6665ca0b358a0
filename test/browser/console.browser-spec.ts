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
  hukouFiling,
  PEOPLE,
  type Person,
} from '../support/affairs.scenarios.js';
import { waitFor } from '../support/cluster.js';
import { hospital, registerInGuangzhou, retireeId } from '../support/medical.scenarios.js';
import { type ProcessSandbox, startProcessSandbox } from '../support/process-sandbox.js';
import {
  expectAccessible,
  expectNoOverflow,
  expectOutcome,
  go,
  launchBrowser,
  openCase,
  openView,
  screenshot,
  signIn,
  step,
} from './console.js';

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

  it('社保 and 医保 for a resident: her combined record asked with consent, her medical 备案 registered and cancelled, a slot in the other city found, booked and cancelled', async () => {
    const resident = await signIn(browser, url(FS), 'fs-resident');
    const p = resident.page;
    await go(resident, '/si');
    const ask = p.locator('form[data-action="record-request"]');
    await ask.waitFor();
    // Without consent: the API refuses (SI_CONSENT_REQUIRED) and the field error sits next to the consent box.
    await ask.locator('button[type="submit"]').click();
    await p.locator('.has-error input[name="consent"]').waitFor();
    await expect(p.locator('.problem').getAttribute('data-code')).resolves.toBe('SI_CONSENT_REQUIRED');
    await ask.locator('input[name="consent"]').check();
    await ask.locator('input[name="scope"]').fill('本人查询跨城市社会保险缴费记录');
    await ask.locator('button[type="submit"]').click();
    await p.locator('.problem').waitFor({ state: 'detached' });
    // Guangzhou answers by event; the console polls until every city answered.
    await expectOutcome(resident, 'combined record', async () => undefined, '[data-testid="si-record"][data-complete="true"]');
    const record = p.getByTestId('si-record');
    await expect(record.locator('li[data-city="440600"]').getAttribute('data-status')).resolves.toBe('own');
    await expect(record.locator('li[data-city="440100"]').getAttribute('data-status')).resolves.toBe('answered');
    // seeds/demo/social-insurance.yaml: pension 2010-01…2016-12 in Guangzhou and 2016-12…2026-10 in Foshan, 2016-12 paid twice.
    await expect(record.locator('dd[data-scheme="employee-pension"]').textContent()).resolves.toContain('202');
    await expect(record.getByTestId('si-duplicates').textContent()).resolves.toContain('2016-12');
    await expect(record.locator('[data-period^="440100:employee-pension:2010-01"]').textContent()).resolves.toContain('2016-12');
    await expect(record.textContent()).resolves.toContain('440***********002X');
    await expectAccessible(p, 'the combined social-insurance record');
    await screenshot(p, 'si-record');
    await p.setViewportSize({ width: 360, height: 740 });
    await expectNoOverflow(p, 'the combined record at 360 px');
    await p.setViewportSize({ width: 1280, height: 900 });

    // 异地就医备案: she registers a temporary one for Guangzhou (the identity is her token's), sees it masked, and cancels it.
    await go(resident, '/medical');
    const reg = p.locator('form[data-action="register-filing"]');
    await reg.waitFor();
    await p.locator('ul.cases, p.empty').first().waitFor();
    await reg.locator('select[name="kind"]').selectOption('other-temporary');
    await expect(reg.locator('select[name="treatingCity"]').inputValue()).resolves.toBe(GZ);
    await reg.locator('input[name="validTo"]').waitFor();
    await expectOutcome(
      resident,
      'register a 备案',
      () => reg.locator('button[type="submit"]').click(),
      'li[data-filing][data-cancelled="false"]',
    );
    const filing = p.locator('li[data-filing][data-cancelled="false"]');
    await expect(filing.textContent()).resolves.toContain('其他临时外出就医');
    await expect(filing.textContent()).resolves.toContain('440***********002X');
    await expectAccessible(p, 'the resident 备案 screen');
    await screenshot(p, 'medical-resident');
    await p.setViewportSize({ width: 360, height: 740 });
    await expectNoOverflow(p, 'the 备案 screen at 360 px');
    await p.setViewportSize({ width: 1280, height: 900 });
    await expectOutcome(
      resident,
      'cancel the 备案',
      () => filing.getByRole('button', { name: '取消备案' }).click(),
      'li[data-filing][data-cancelled="true"]',
    );

    // 预约挂号互通: she finds a Guangzhou hospital's slot at her own node, books it, Guangzhou confirms it, and she cancels it.
    const slot = p.locator('li[data-slot]').first();
    await slot.waitFor();
    await expectOutcome(
      resident,
      'book a slot in Guangzhou',
      () => slot.getByRole('button', { name: '预约', exact: true }).click(),
      'li[data-booking][data-state="confirmed"]',
    );
    await expect(p.locator('li[data-booking][data-state="confirmed"]').textContent()).resolves.toContain('预约成功');
    await expectAccessible(p, 'the resident bookings screen');
    await screenshot(p, 'medical-bookings');
    await expectOutcome(
      resident,
      'cancel the booking',
      () => p.locator('li[data-booking][data-state="confirmed"]').getByRole('button', { name: '取消预约' }).click(),
      'li[data-booking][data-state="cancelled"]',
    );
    expect((p as unknown as { consoleErrors: string[] }).consoleErrors).toEqual([]);
    await resident.context.close();
  });

  it('monthly clearing in the consoles: Guangzhou contests an item with a reason code, Foshan answers it, Guangzhou confirms (If-Match)', async () => {
    // Set up through the API: a Guangzhou 备案 for Foshan, a settlement at a Foshan hospital, Foshan's statement for the month.
    const idNumber = retireeId();
    await registerInGuangzhou(sandbox, { kind: 'resettled-retiree', idNumber, name: '陈老伯' });
    const h = await hospital(sandbox, FS);
    const fs = url(FS);
    const visit = await request(fs)
      .post('/api/v1/medical/visits')
      .set(h.headers)
      .send({ idNumber, visitType: 'outpatient', msgid: h.msgid() })
      .expect(201);
    await request(fs)
      .post(`/api/v1/medical/visits/${visit.body.id}/fee-lines`)
      .set(h.headers)
      .send({
        lines: [
          { lineNo: 1, code: 'A-001', name: '阿莫西林胶囊', quantity: 2, unitPriceFen: 1_500 },
          { lineNo: 2, code: 'B-001', name: '阿托伐他汀钙片', quantity: 1, unitPriceFen: 20_000 },
        ],
      })
      .expect(200);
    const settled = await request(fs)
      .post(`/api/v1/medical/visits/${visit.body.id}/settlement`)
      .set(h.headers)
      .send({ msgid: h.msgid() })
      .expect(201);
    const settlementId = settled.body.id as string;
    await waitFor(
      'Guangzhou to hold its copy of the claim',
      async () => (await sandbox.query(GZ, `SELECT 1 FROM medical.settlement_copy WHERE settlement_id = $1`, [settlementId])).length === 1,
    );
    const issued = await request(fs)
      .post('/api/v1/medical/clearing/statements')
      .set('authorization', `Bearer ${await tokenOf(FS, 'fs-clerk')}`)
      .send({ insuredCity: GZ, period: (settled.body.settledOn as string).slice(0, 7), advanceFen: 0 })
      .expect(201);
    const id = issued.body.id as string;

    // Guangzhou (insured): the statement in its list, proved from its own copies; one item contested with a reason code.
    const gz = await signIn(browser, url(GZ), 'gz-clerk');
    await go(gz, '/medical/statements');
    for (let i = 0; i < 60 && (await gz.page.locator(`li[data-statement="${id}"]`).count()) === 0; i++) {
      await gz.page.waitForTimeout(500);
      await gz.page.getByRole('button', { name: '刷新' }).click();
    }
    await expectAccessible(gz.page, 'the clearing statements');
    await gz.page.locator(`li[data-statement="${id}"] a`).click();
    await gz.page.locator(`article[data-statement="${id}"][data-state="issued"]`).waitFor();
    await expect(gz.page.getByTestId('proof').getAttribute('data-ok')).resolves.toBe('true');
    const contest = gz.page.locator(`form[data-action="contest"][data-item="${settlementId}"]`);
    await contest.locator('select[name="reason"]').selectOption('AMOUNT_MISMATCH');
    await contest.locator('input[name="note"]').fill('请核对阿托伐他汀钙片单价');
    await expectAccessible(gz.page, 'a clearing statement with its contest forms');
    await screenshot(gz.page, 'statement-insured');
    await expectOutcome(gz, 'contest', () => contest.locator('button[type="submit"]').click(), 'article[data-state="contested"]');
    await expect(gz.page.getByTestId('contest').textContent()).resolves.toContain('AMOUNT_MISMATCH');
    // A confirmation while the contest is open: the API's problem, in the console.
    await gz.page.locator('button[data-action="confirm"]').click();
    await expect(gz.page.locator('.problem').getAttribute('data-code')).resolves.toBe('MEDICAL_STATEMENT_OPEN_CONTESTS');

    // Foshan (treating) answers the contest: upheld.
    const fsClerk = await signIn(browser, url(FS), 'fs-clerk');
    await openView(fsClerk, `/medical/statements/${id}`, 'article[data-statement]', 'contested');
    const answer = fsClerk.page.locator(`form[data-action="answer"][data-item="${settlementId}"]`);
    await answer.locator('select[name="outcome"]').selectOption('upheld');
    await answer.locator('input[name="note"]').fill('单价未超限价，维持');
    await expectAccessible(fsClerk.page, 'a clearing statement with an answer form');
    await expectOutcome(fsClerk, 'answer', () => answer.locator('button[type="submit"]').click(), 'article[data-state="answered"]');

    // Guangzhou sees the answer and confirms.
    await openView(gz, `/medical/statements/${id}`, 'article[data-statement]', 'answered');
    await expect(gz.page.getByTestId('answer').textContent()).resolves.toContain('维持');
    await expectOutcome(gz, 'confirm', () => gz.page.locator('button[data-action="confirm"]').click(), 'article[data-state="confirmed"]');
    await expect(gz.page.locator('form[data-action="contest"]').count()).resolves.toBe(0);
    await screenshot(gz.page, 'statement-confirmed');
    await gz.page.setViewportSize({ width: 360, height: 740 });
    await expectNoOverflow(gz.page, 'a clearing statement at 360 px');
    await openView(fsClerk, `/medical/statements/${id}`, 'article[data-statement]', 'confirmed');
    for (const u of [gz, fsClerk]) {
      expect((u.page as unknown as { consoleErrors: string[] }).consoleErrors).toEqual([]);
      await u.context.close();
    }
  });

  it('the queue: filters, "load more" along the cursor, and a clerk claims and releases a case', async () => {
    // 21 cases at the Foshan window (through the API), all still Foshan's next step: more than one page of 20.
    const world: AffairsWorld = { cluster: sandbox, token: (p: Person) => tokenOf(p.city, p.username) };
    const window = await as(world, PEOPLE.fsClerk);
    for (let i = 0; i < 21; i++) expect((await window.post('/cases', hukouFiling())).status).toBe(201);

    const clerk = await signIn(browser, url(FS), 'fs-clerk');
    const q = clerk.page;
    const cards = q.locator('li.case-card');
    const states = () => cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
    await q.getByLabel('状态').selectOption('submitted');
    await q.waitForFunction(() => {
      const els = [...document.querySelectorAll('li.case-card')];
      return els.length === 20 && els.every((e) => e.getAttribute('data-state') === 'submitted');
    });
    await expectOutcome(clerk, 'load more', () => q.getByRole('button', { name: '加载更多' }).click(), 'li.case-card:nth-child(21)');
    const ids = await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-case')));
    expect(ids.length).toBeGreaterThan(20);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(await states())).toEqual(new Set(['submitted']));
    await expectAccessible(q, 'the queue after "load more"');
    await screenshot(q, 'queue-more');

    // A filter nothing held here matches: forwarded cases are Guangzhou's next step.
    await q.getByLabel('状态').selectOption('forwarded');
    await q.locator('p.empty').waitFor();
    await q.getByLabel('状态').selectOption('submitted');
    await q.waitForFunction(() => document.querySelectorAll('li.case-card').length === 20);

    // An answer for an older filter never replaces the newer one's page: the (empty) 'forwarded' page is held back
    // until the 'submitted' page chosen after it is on screen, then let through.
    let letThrough!: () => void;
    const heldBack = new Promise<void>((resolve) => (letThrough = resolve));
    const olderFilter = /\/api\/v1\/cases\?(.*&)?state=forwarded/;
    await q.route(olderFilter, async (route) => {
      await heldBack;
      await route.continue();
    });
    const staleAnswer = q.waitForResponse(olderFilter);
    await q.getByLabel('状态').selectOption('forwarded');
    await q.getByLabel('状态').selectOption('submitted');
    await q.waitForFunction(() => document.querySelectorAll('li.case-card').length === 20);
    letThrough();
    expect(((await (await staleAnswer).json()) as { items: unknown[] }).items).toEqual([]);
    await q.unroute(olderFilter);
    await q.waitForTimeout(300); // the page's own fetch resolves with the response; give it time to (wrongly) render it
    await expect(cards.count()).resolves.toBe(20);
    expect(new Set(await states())).toEqual(new Set(['submitted']));

    // Claim the first case, then release it: the card and the API agree at each step.
    const id = (await cards.first().getAttribute('data-case'))!;
    const card = q.locator(`li[data-case="${id}"]`);
    const claimOf = async () => ((await window.get(`/cases/${id}`)).body as { claim: { clerk?: string } | null }).claim?.clerk ?? null;
    await expectOutcome(
      clerk,
      'claim',
      () => card.getByRole('button', { name: '认领' }).click(),
      `li[data-case="${id}"] >> text=认领人: fs-clerk`,
    );
    await card.getByRole('button', { name: '释放' }).waitFor();
    expect(await claimOf()).toBe('fs-clerk');
    await expectOutcome(
      clerk,
      'release',
      () => card.getByRole('button', { name: '释放' }).click(),
      `li[data-case="${id}"] >> role=button[name="认领"]`,
    );
    await expect(card.textContent()).resolves.not.toContain('认领人');
    expect(await claimOf()).toBeNull();
    await q.setViewportSize({ width: 360, height: 740 });
    await expectNoOverflow(q, 'the queue at 360 px');
    expect((q as unknown as { consoleErrors: string[] }).consoleErrors).toEqual([]);
    await clerk.context.close();
  });

  it('社保经办: a lapsed confirmation marked among the retirees; a joint investigation closed in the Guangzhou console, closed in Foshan too', async () => {
    // Set up through the API: Guangzhou pays two retirees living in Foshan, one confirmed 14 months ago (lapsed by this month's
    // payment run); Foshan records the other's death; Guangzhou's cross-check finds it and opens a joint investigation.
    const gzAuth = { authorization: `Bearer ${await tokenOf(GZ, 'gz-clerk')}` };
    const fsAuth = { authorization: `Bearer ${await tokenOf(FS, 'fs-clerk')}` };
    const shanghai = new Date(Date.now() + 8 * 3_600_000);
    const monthOf = (n: number) => new Date(Date.UTC(shanghai.getUTCFullYear(), shanghai.getUTCMonth() + n, 1)).toISOString().slice(0, 7);
    const register = async (who: { idNumber: string; name: string }, lastConfirmedOn: string) =>
      (
        await request(url(GZ))
          .post('/api/v1/social-insurance/retirees')
          .set(gzAuth)
          .send({ ...who, residenceCity: FS, monthlyPensionFen: 420_000, firstMonth: monthOf(-3), lastConfirmedOn })
          .expect(201)
      ).body as { id: string };
    const lapsed = await register({ idNumber: retireeId(), name: '黄伯' }, `${monthOf(-14)}-01`);
    const dead = { idNumber: retireeId(), name: '冯叔' };
    await register(dead, `${monthOf(-1)}-01`);
    await request(url(GZ))
      .post('/api/v1/social-insurance/payment-runs')
      .set(gzAuth)
      .send({ month: monthOf(0) })
      .expect(200);
    await request(url(FS))
      .post('/api/v1/social-insurance/civil-records')
      .set(fsAuth)
      .send({ idNumber: dead.idNumber, source: 'death-records', eventDate: `${monthOf(-1)}-20` })
      .expect(201);
    const started = await request(url(GZ)).post('/api/v1/social-insurance/cross-checks').set(gzAuth).send({ city: FS }).expect(202);
    const check = await waitFor('the cross-check answered', async () => {
      const r = await request(url(GZ)).get(`/api/v1/social-insurance/cross-checks/${started.body.id}`).set(gzAuth).expect(200);
      return r.body.state === 'answered' ? (r.body as { investigations: string[] }) : undefined;
    });
    expect(check.investigations).toHaveLength(1);
    const investigation = check.investigations[0]!;

    const gz = await signIn(browser, url(GZ), 'gz-clerk');
    await go(gz, '/si');
    await gz.page.locator('#si-transfers-h').waitFor();
    await gz.page.locator('ul.cases, p.empty').first().waitFor();
    await expectAccessible(gz.page, 'the transfers in progress');
    await go(gz, '/si/retirees');
    const card = gz.page.locator(`li[data-retiree="${lapsed.id}"]`);
    await card.waitFor();
    expect(await card.getAttribute('data-status')).toBe('suspended');
    await expect(card.textContent()).resolves.toContain('认证已过期');
    await expect(card.textContent()).resolves.toContain('¥4,200.00');
    await expectAccessible(gz.page, 'the retirees with a lapsed confirmation');
    await screenshot(gz.page, 'si-retirees');

    await go(gz, '/si/investigations');
    await gz.page.locator(`li[data-investigation="${investigation}"] a`).click();
    await gz.page.locator(`article[data-investigation="${investigation}"][data-state="open"]`).waitFor();
    const close = gz.page.locator('form[data-action="close"]');
    await close.locator('select[name="outcome"]').selectOption('confirmed');
    // A reason naming the ID number would cross to the other city: the API refuses it, and the console shows its problem.
    await close.locator('input[name="reason"]').fill(`${dead.idNumber} 已死亡`);
    await close.locator('button[type="submit"]').click();
    await expect(gz.page.locator('.problem').getAttribute('data-code')).resolves.toBe('SI_INVALID_QUERY');
    await close.locator('input[name="reason"]').fill('死亡登记核实无误，停发并追回多发待遇');
    await expectAccessible(gz.page, 'a joint investigation with its close form');
    await screenshot(gz.page, 'si-investigation');
    await close.locator('button[type="submit"]').click();
    await gz.page.locator('.problem').waitFor({ state: 'detached' });
    await expectOutcome(gz, 'close the investigation', async () => undefined, 'article[data-state="closed"]');
    await expect(gz.page.getByTestId('closed').textContent()).resolves.toContain('死亡登记核实无误');
    await gz.page.setViewportSize({ width: 360, height: 740 });
    await expectNoOverflow(gz.page, 'a joint investigation at 360 px');

    // Foshan's copy closes by the addressed event: gone from its open list, in its closed list, shown closed.
    const fsClerk = await signIn(browser, url(FS), 'fs-clerk');
    await openView(fsClerk, `/si/investigations/${investigation}`, 'article[data-investigation]', 'closed');
    await expect(fsClerk.page.getByTestId('closed').textContent()).resolves.toContain('广州');
    await go(fsClerk, '/si/investigations');
    await fsClerk.page.locator('ul.cases, p.empty').first().waitFor();
    expect(await fsClerk.page.locator(`li[data-investigation="${investigation}"]`).count()).toBe(0);
    await fsClerk.page.getByLabel('状态').selectOption('closed');
    await fsClerk.page.locator(`li[data-investigation="${investigation}"][data-state="closed"]`).waitFor();
    for (const u of [gz, fsClerk]) {
      expect((u.page as unknown as { consoleErrors: string[] }).consoleErrors).toEqual([]);
      await u.context.close();
    }
  });
});
