import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { waitFor } from '../support/cluster.js';
import { appliedExactlyOnce, duplicateHasNoEffect, forgedAndUnsignedAreDeadLettered, FS, GZ } from '../support/cross-city.scenarios.js';
import { type ProcessSandbox, startProcessSandbox } from '../support/process-sandbox.js';

/** The parent of a process, from /proc (Linux). */
const parentOf = (pid: number): number =>
  Number(
    readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /s, '')
      .split(' ')[1],
  );
const running = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * `npm start` (built): the supervisor starts the embedded PostgreSQL once and one process per city;
 * the cities exchange events over the embedded transport, node to node over signed loopback HTTP.
 * Needs `npm run build` (`npm run test:integration` builds); no Kafka, no PostgreSQL server.
 */
describe('the embedded sandbox as npm start runs it: one process per city', () => {
  let sandbox: ProcessSandbox;

  beforeAll(async () => {
    sandbox = await startProcessSandbox();
  }, 180_000);

  afterAll(async () => {
    await sandbox?.close();
  });

  const announce = async (city: string): Promise<string> => {
    const token = await sandbox.token(city, 'admin');
    return (
      (await request(sandbox.baseUrl(city)).post('/api/v1/admin/announce').set('authorization', `Bearer ${token}`).expect(202)).body as {
        eventId: string;
      }
    ).eventId;
  };

  it('runs each city node in a process of its own, a child of the supervisor, both ready on the embedded transport', async () => {
    const pids = sandbox.pids();
    expect(Object.keys(pids).sort()).toEqual([GZ, FS]);
    expect(new Set([pids[GZ], pids[FS], sandbox.supervisor.pid]).size).toBe(3);
    for (const city of [GZ, FS]) {
      expect(parentOf(pids[city])).toBe(sandbox.supervisor.pid);
      const r = await request(sandbox.baseUrl(city)).get('/health/ready').expect(200);
      expect(r.body.info).toMatchObject({ database: { status: 'up' }, transport: { status: 'up', kind: 'embedded' } });
    }
  });

  it('applies an event committed in Guangzhou in Foshan exactly once', () => appliedExactlyOnce(sandbox));

  it("loses nothing when Foshan's process is killed: the events sent meanwhile wait in Guangzhou's outbox and are applied once, in order, after the restart", async () => {
    const before = sandbox.pids()[FS];
    await sandbox.stopNode(FS);
    expect(running(before)).toBe(false);
    const ids = [await announce(GZ), await announce(GZ), await announce(GZ)];
    // Guangzhou tried and keeps them: the first has failed (Foshan is down), none is sent.
    await waitFor('a failed attempt on the first event', async () => {
      const [row] = await sandbox.query<{ attempts: number; last_error: string | null }>(
        GZ,
        'SELECT attempts, last_error FROM platform.outbox WHERE event_id = $1',
        [ids[0]],
      );
      return row.attempts >= 1 && row.last_error?.includes(`${FS}: node not running`);
    });
    const sentEarly = await sandbox.query(
      GZ,
      'SELECT 1 FROM platform.outbox WHERE event_id::text = ANY($1::text[]) AND sent_at IS NOT NULL',
      [ids],
    );
    expect(sentEarly).toHaveLength(0);
    // Foshan's database is on the supervisor's PostgreSQL, which stays up: nothing arrived.
    expect(await sandbox.query(FS, 'SELECT 1 FROM platform.inbox WHERE event_id::text = ANY($1::text[])', [ids])).toHaveLength(0);

    await sandbox.startNode(FS);
    expect(sandbox.pids()[FS]).not.toBe(before);
    await waitFor(
      'Foshan to apply the three events',
      async () =>
        (await sandbox.query(FS, 'SELECT 1 FROM platform.peer_announcement WHERE event_id::text = ANY($1::text[])', [ids])).length === 3,
      90_000,
      250,
    );
    const applied = await sandbox.query<{ event_id: string }>(
      FS,
      'SELECT event_id FROM platform.peer_announcement WHERE event_id::text = ANY($1::text[]) ORDER BY id',
      [ids],
    );
    expect(applied.map((r) => r.event_id)).toEqual(ids);
    const inbox = await sandbox.query<{ event_id: string; n: number }>(
      FS,
      'SELECT event_id, count(*)::int AS n FROM platform.inbox WHERE event_id::text = ANY($1::text[]) GROUP BY event_id',
      [ids],
    );
    expect(inbox.map((r) => r.n)).toEqual([1, 1, 1]);
    const sent = await sandbox.query<{ sent: boolean; delivered_to: string[] }>(
      GZ,
      'SELECT sent_at IS NOT NULL AS sent, delivered_to FROM platform.outbox WHERE event_id::text = ANY($1::text[])',
      [ids],
    );
    expect(sent).toEqual([0, 1, 2].map(() => ({ sent: true, delivered_to: [FS] })));
    expect(await sandbox.query(FS, 'SELECT 1 FROM platform.dead_letter WHERE event_id::text = ANY($1::text[])', [ids])).toHaveLength(0);
  }, 150_000);

  it('gives a duplicate delivery no second effect', () => duplicateHasNoEffect(sandbox));
  it('dead-letters forged and unsigned events delivered over the endpoint', () => forgedAndUnsignedAreDeadLettered(sandbox));

  it('stops on SIGTERM: every city process, then PostgreSQL, and exits 0', async () => {
    const pids = Object.values(sandbox.pids());
    expect(await sandbox.terminate()).toBe(0);
    expect(pids.filter(running)).toEqual([]);
    expect(sandbox.stderr()).toContain('SIGTERM: stopping the city processes, then PostgreSQL');
    await expect(sandbox.query(GZ, 'SELECT 1')).rejects.toThrow();
  });
});
