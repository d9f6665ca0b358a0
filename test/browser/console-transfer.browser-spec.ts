import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { waitFor } from '../support/cluster.js';
import { type ProcessSandbox, startProcessSandbox } from '../support/process-sandbox.js';
import { expectAccessible, expectNoOverflow, expectOutcome, go, launchBrowser, openView, screenshot, signIn } from './console.js';

const GZ = '440100';
const FS = '440600';
const CS = '430100';

/**
 * The pension transfer across provinces in the Guangzhou console, on the sandbox of the out-of-province fixture
 * (seeds/fixtures/out-of-province: 长沙 in Hunan). The console's sandbox picker offers Guangzhou's and Foshan's demo users
 * only, so 长沙's clerk acts through the API; Guangzhou's step (the record and the funds) is taken in the console.
 */
describe('the console with an out-of-province city', () => {
  let sandbox: ProcessSandbox;
  let browser: Browser;
  const url = (city: string) => sandbox.baseUrl(city);

  beforeAll(async () => {
    [sandbox, browser] = await Promise.all([
      startProcessSandbox([GZ, FS, CS], { seedsDir: 'seeds/fixtures/out-of-province' }),
      launchBrowser(),
    ]);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await sandbox?.close();
  });

  it('a pension transfer Guangzhou → 长沙: Guangzhou sends the record and the funds from its console (If-Match), then sees it continued', async () => {
    const cs = { authorization: `Bearer ${await sandbox.token(CS, 'clerk')}` };
    // 王小军 (the fixture's demo history: Guangzhou 2022-07…2023-06, the hand-computed example of docs/social-insurance.md).
    const applied = await request(url(CS))
      .post('/api/v1/social-insurance/transfers')
      .set(cs)
      .send({ idNumber: '430102199001010016', name: '王小军', fromCity: GZ, certificateNo: 'PZ-440100-2026-000777', hukouRegion: '430000' })
      .expect(201);
    const id = applied.body.id as string;

    // Guangzhou learns of the transfer with the 联系函 (step 2, an addressed event).
    await request(url(CS))
      .post(`/api/v1/social-insurance/transfers/${id}/contact-letter`)
      .set({ ...cs, 'if-match': applied.headers.etag as string })
      .send({})
      .expect(200);

    // The queue: the transfer with its next step (Guangzhou's) and due date.
    const gz = await signIn(browser, url(GZ), 'gz-clerk');
    await go(gz, '/si');
    const row = gz.page.locator(`li[data-transfer="${id}"]`);
    for (let i = 0; i < 60 && (await row.getAttribute('data-state').catch(() => null)) !== 'contact-letter-sent'; i++) {
      await gz.page.waitForTimeout(500);
      await gz.page.getByRole('button', { name: '刷新' }).click();
    }
    await expect(row.textContent()).resolves.toContain('转出信息与基金');
    await expectAccessible(gz.page, 'the transfers in progress');
    await row.locator('a').click();
    const form = gz.page.locator('form[data-action="funds-transferred"]');
    await form.waitFor();
    await form.locator('input[name="note"]').fill('已核对参保缴费凭证');
    await expectAccessible(gz.page, 'a transfer with its step form');
    await screenshot(gz.page, 'si-transfer');
    await expectOutcome(gz, 'funds', () => form.locator('button[type="submit"]').click(), 'article[data-state="funds-transferred"]');
    // docs/social-insurance.md: 853 043 personal account + 1 224 024 pooled = 2 077 067 fen.
    await expect(gz.page.locator('article').textContent()).resolves.toContain('¥20,770.67');
    await expect(gz.page.locator('article').textContent()).resolves.toContain(`ZY-${GZ}-`);

    // 长沙 continues (接续); the Guangzhou console shows the whole timeline.
    const version = await waitFor('长沙 to receive the record and the funds', async () => {
      const r = await request(url(CS)).get(`/api/v1/social-insurance/transfers/${id}`).set(cs).expect(200);
      return r.body.state === 'funds-transferred' ? (r.headers.etag as string) : undefined;
    });
    await request(url(CS))
      .post(`/api/v1/social-insurance/transfers/${id}/continue`)
      .set({ ...cs, 'if-match': version })
      .send({})
      .expect(200);
    await openView(gz, `/si/transfers/${id}`, 'article[data-transfer]', 'continued');
    expect(await gz.page.locator('ol.timeline li').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')))).toEqual([
      'applied',
      'contact-letter-sent',
      'funds-transferred',
      'continued',
    ]);
    await gz.page.setViewportSize({ width: 360, height: 740 });
    await expectNoOverflow(gz.page, 'a transfer at 360 px');
    expect((gz.page as unknown as { consoleErrors: string[] }).consoleErrors).toEqual([]);
    await gz.context.close();
  });
});
