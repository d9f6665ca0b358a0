import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { hashApiKey } from './api-key.hash.js';
import { API_KEY_MAX_AGE_MS, ApiKeyService } from './api-key.service.js';

/** The key lookup's cache: a live key is read once per max age; a revoked key stops working within it; unknown keys are not remembered. */
describe('ApiKeyService.partnerFor', () => {
  const rows = new Map<string, { id: string; name: string; city_code: string; scopes: string[]; issuing_body_code: string | null }>();
  let lookups = 0;
  const ds = {
    query: async (sql: string, params: unknown[]) => {
      if (sql.startsWith('SELECT')) {
        lookups++;
        const row = rows.get(params[0] as string);
        return row ? [row] : [];
      }
      return [];
    },
  } as unknown as DataSource;

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-12-05T02:00:00Z') });
    rows.clear();
    lookups = 0;
    rows.set(hashApiKey('key-a'), { id: 'p-a', name: 'A', city_code: '440600', scopes: ['medical:settle'], issuing_body_code: null });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('reads a live key once per max age, and sees its revocation after it', async () => {
    const svc = new ApiKeyService(ds);
    expect(await svc.partnerFor('key-a')).toEqual({ kind: 'partner', id: 'p-a', name: 'A', city: '440600', scopes: ['medical:settle'] });
    await svc.partnerFor('key-a');
    expect(lookups).toBe(1);
    rows.clear(); // revoked in the database
    jest.advanceTimersByTime(API_KEY_MAX_AGE_MS - 1);
    expect(await svc.partnerFor('key-a')).toBeDefined();
    jest.advanceTimersByTime(1);
    expect(await svc.partnerFor('key-a')).toBeUndefined();
    expect(lookups).toBe(2);
  });

  it('never remembers an unknown key, and forgets every key when one is provisioned', async () => {
    const svc = new ApiKeyService(ds);
    expect(await svc.partnerFor('nope')).toBeUndefined();
    expect(await svc.partnerFor('nope')).toBeUndefined();
    expect(lookups).toBe(2);
    await svc.partnerFor('key-a');
    await svc.provision({ id: 'p-a', name: 'A', city: '440600', apiKey: 'key-a', scopes: [], caseItems: [] });
    rows.clear();
    expect(await svc.partnerFor('key-a')).toBeUndefined();
  });
});
