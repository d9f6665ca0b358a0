import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { stringify } from 'yaml';
import { AdjustableClock, Clock } from '@guangfo/kernel';
import { waitFor } from '../support/cluster.js';
import { type EmbeddedCluster, startEmbeddedCluster } from '../support/embedded-cluster.js';

const GZ = '440100';
const FS = '440600';

/**
 * TEST FIXTURES, not official: the State Council has not published the 2027 notice. They only
 * differ from the provisional arrangement (元旦 on Fri 2027-01-01 alone) so that due dates move.
 */
const FIXTURE_2027 = {
  year: 2027,
  notice: { title: '测试用节假日安排（非官方，2027）', date: '2026-11-20' },
  festivals: [{ name: '元旦', holidays: ['2027-01-01', '2027-01-02', '2027-01-03', '2027-01-04'], workdays: [] }],
};
const FIXTURE_2027_REVISED = {
  ...FIXTURE_2027,
  notice: { title: '测试用节假日安排（非官方，2027，修订）', date: '2026-11-25' },
  festivals: [{ name: '元旦', holidays: ['2027-01-01', '2027-01-02', '2027-01-03', '2027-01-04', '2027-01-05'], workdays: [] }],
};

/** A 20-working-day item filed online (随迁子女积分入学, administered and held by Guangzhou). */
const schoolPlaces = {
  itemCode: 'GG00401000',
  mode: 'online',
  administeringCity: GZ,
  applicant: { name: '李小红', idNumber: '44060419920505002X' },
  materials: ['residence-permit', 'household-register', 'contributions', 'home'].map((materialId, i) => ({
    materialId,
    file: { fileName: `${materialId}.pdf`, mediaType: 'application/pdf', sizeBytes: 48_213, sha256: 'abcd'[i]!.repeat(64) },
  })),
};

/**
 * The working-day calendar never goes blind: a case running into 2027 (no notice yet) gets a
 * provisional due date; loading a 2027 notice (admin endpoint, or a new seed file and a restart)
 * moves it, with a timeline entry both cities see; the cities' announcements show whether their
 * calendars agree.
 */
describe('working-day calendar across running city nodes (embedded sandbox)', () => {
  let cluster: EmbeddedCluster;
  let gzCalendarDir: string;
  const clock = (city: string) => cluster.sandbox.node(city).get(Clock) as AdjustableClock;
  const token = (city: string, user: string) => cluster.tokenFor(city, user);
  const get = async (city: string, user: string, path: string) =>
    request(cluster.baseUrl(city))
      .get(`/api/v1${path}`)
      .set('authorization', `Bearer ${await token(city, user)}`);
  const put = async (city: string, user: string, path: string, body: object) =>
    request(cluster.baseUrl(city))
      .put(`/api/v1${path}`)
      .set('authorization', `Bearer ${await token(city, user)}`)
      .send(body);
  const announce = async (city: string, admin: string) =>
    request(cluster.baseUrl(city))
      .post('/api/v1/admin/announce')
      .set('authorization', `Bearer ${await token(city, admin)}`)
      .expect(202);
  const peerView = (from: string, peer: string, hash: string) =>
    waitFor(`${from} to see ${peer}'s calendar ${hash.slice(0, 8)}`, async () => {
      const r = await request(cluster.baseUrl(from)).get('/api/v1/cities').expect(200);
      const c = (
        r.body as {
          cities: { code: string; calendarAgrees: boolean | null; lastAnnouncement: { calendar: { hash: string } | null } | null }[];
        }
      ).cities.find((x) => x.code === peer);
      return c?.lastAnnouncement?.calendar?.hash === hash ? c : undefined;
    });
  let caseId: string;

  beforeAll(async () => {
    gzCalendarDir = mkdtempSync(join(tmpdir(), 'guangfo-calendar-'));
    cpSync(resolve('seeds/calendar'), gzCalendarDir, { recursive: true });
    cluster = await startEmbeddedCluster([GZ, FS], { calendarDirs: { [GZ]: gzCalendarDir } });
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
    rmSync(gzCalendarDir, { recursive: true, force: true });
  });

  it('files on 2026-12-15 a 20-working-day case due in January 2027, marked provisional in both cities', async () => {
    for (const city of [GZ, FS]) clock(city).set('2026-12-15T09:30:00+08:00');
    const filed = await request(cluster.baseUrl(FS))
      .post('/api/v1/cases')
      .set('authorization', `Bearer ${await token(FS, 'fs-resident')}`)
      .send(schoolPlaces)
      .expect(201);
    caseId = filed.body.id as string;
    // 12 working days left in December, 元旦 (Fri 1/1) off, then 4–8 and 11–13 January.
    expect(filed.body.deadline).toMatchObject({
      committedWorkingDays: 20,
      startDate: '2026-12-15',
      dueDate: '2027-01-13',
      provisional: true,
      provisionalYears: [2027],
    });
    const gz = await waitFor('Guangzhou to receive the case', async () => {
      const r = await get(GZ, 'gz-clerk', `/cases/${caseId}`);
      return r.status === 200 ? r.body : undefined;
    });
    expect(gz).toMatchObject({ holderCity: GZ, deadline: { dueDate: '2027-01-13', provisional: true } });
    const queue = await get(GZ, 'gz-clerk', '/cases?limit=100');
    expect(queue.body.items.find((i: { id: string }) => i.id === caseId).deadline).toMatchObject({ provisional: true });
    // Supervisors list the cases whose deadline is provisional; an official-only case is not among them.
    const provisional = (await get(GZ, 'gz-clerk', '/cases?due=provisional&limit=100')).body.items as {
      id: string;
      deadline: { provisional: boolean };
    }[];
    expect(provisional.map((i) => i.id)).toContain(caseId);
    expect(provisional.every((i) => i.deadline.provisional)).toBe(true);
    expect(
      queue.body.items
        .filter((i: { deadline: { provisional: boolean } }) => !i.deadline.provisional)
        .every((i: { id: string }) => !provisional.some((p) => p.id === i.id)),
    ).toBe(true);
  });

  it('refuses an invalid notice with problem+json and field errors, and non-admins', async () => {
    const bad = await put(GZ, 'gz-admin', '/calendar/years/2027', {
      ...FIXTURE_2027,
      festivals: [{ name: '元旦', holidays: ['2026-12-31'], workdays: ['2027-01-06'] }],
    });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(bad.body.code).toBe('CATALOGUE_CALENDAR_INVALID');
    expect(bad.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'festivals[0].holidays[0]', message: '2026-12-31 is not in 2027' }),
        expect.objectContaining({ field: 'festivals[0].workdays[0]', message: expect.stringContaining('is a weekday') }),
      ]),
    );
    expect((await put(GZ, 'gz-admin', '/calendar/years/2028', FIXTURE_2027)).status).toBe(400);
    expect((await put(GZ, 'gz-clerk', '/calendar/years/2027', FIXTURE_2027)).status).toBe(403);
    expect((await request(cluster.baseUrl(GZ)).get('/api/v1/calendar').expect(200)).body.identity.version).toBe('2025+2026');
  });

  it('loading a 2027 notice at the holder moves the due date, with a timeline entry both cities show', async () => {
    const loaded = await put(GZ, 'gz-admin', '/calendar/years/2027', FIXTURE_2027);
    expect(loaded.status).toBe(200);
    expect(loaded.body).toMatchObject({ year: 2027, previous: 'provisional', identity: { version: '2025+2026+2027' } });
    expect(loaded.body.recomputed.cases).toEqual([{ caseId, previousDueDate: '2027-01-13', dueDate: '2027-01-14' }]);
    const gz = (await get(GZ, 'gz-clerk', `/cases/${caseId}`)).body;
    expect(gz.deadline).toMatchObject({ dueDate: '2027-01-14', provisional: false, provisionalYears: [] });
    expect(((await get(GZ, 'gz-clerk', '/cases?due=provisional&limit=100')).body.items as { id: string }[]).map((i) => i.id)).not.toContain(
      caseId,
    );
    const last = gz.timeline[gz.timeline.length - 1];
    expect(last).toMatchObject({
      kind: 'deadline-recomputed',
      authorCity: GZ,
      fromState: 'submitted',
      toState: 'submitted',
      reasonCode: 'CALENDAR_NOTICE_LOADED',
      detail: {
        previousDueDate: '2027-01-13',
        dueDate: '2027-01-14',
        provisionalYears: [],
        calendar: { version: '2025+2026+2027', hash: loaded.body.identity.hash },
      },
    });
    expect(last.detail.reason).toContain('测试用节假日安排（非官方，2027）');
    const fs = await waitFor('Foshan to receive the entry', async () => {
      const r = await get(FS, 'fs-resident', `/cases/${caseId}`);
      return r.status === 200 && r.body.version === gz.version ? r.body : undefined;
    });
    expect(fs.timeline[fs.timeline.length - 1]).toMatchObject({ kind: 'deadline-recomputed', detail: last.detail });
    // Foshan has not loaded the notice yet: its own count of the same case is still provisional.
    expect(fs.deadline).toMatchObject({ dueDate: '2027-01-13', provisional: true });
  });

  it('the cities see from the announcements whether their calendars agree, and converge once both load it', async () => {
    const gzHash = (await request(cluster.baseUrl(GZ)).get('/api/v1/calendar').expect(200)).body.identity.hash as string;
    const fsHash = (await request(cluster.baseUrl(FS)).get('/api/v1/calendar').expect(200)).body.identity.hash as string;
    expect(gzHash).not.toBe(fsHash);
    await announce(GZ, 'gz-admin');
    expect((await peerView(FS, GZ, gzHash)).calendarAgrees).toBe(false);
    const loaded = await put(FS, 'fs-admin', '/calendar/years/2027', FIXTURE_2027);
    expect(loaded.body).toMatchObject({ identity: { hash: gzHash }, recomputed: { cases: [] } });
    await announce(FS, 'fs-admin');
    expect((await peerView(GZ, FS, gzHash)).calendarAgrees).toBe(true);
    expect((await get(FS, 'fs-resident', `/cases/${caseId}`)).body.deadline).toMatchObject({ dueDate: '2027-01-14', provisional: false });
  });

  it('a new seed file and a restart recount stored due dates at start-up', async () => {
    const before = (await get(GZ, 'gz-clerk', `/cases/${caseId}`)).body;
    await cluster.stopNode(GZ);
    writeFileSync(join(gzCalendarDir, '2027.yaml'), stringify(FIXTURE_2027_REVISED));
    await cluster.startNode(GZ);
    const after = (await get(GZ, 'gz-clerk', `/cases/${caseId}`)).body;
    expect(after.version).toBe(before.version + 1);
    expect(after.deadline).toMatchObject({ dueDate: '2027-01-15', provisional: false });
    expect(after.timeline[after.timeline.length - 1]).toMatchObject({
      kind: 'deadline-recomputed',
      detail: { previousDueDate: '2027-01-14', dueDate: '2027-01-15' },
    });
    expect(
      (await request(cluster.baseUrl(GZ)).get('/api/v1/calendar').expect(200)).body.official.map((y: { year: number }) => y.year),
    ).toEqual([2025, 2026, 2027]);
  });
});
