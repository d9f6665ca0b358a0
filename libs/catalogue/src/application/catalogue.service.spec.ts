import { describe, it, expect } from '@jest/globals';
import { DomainError } from '@guangfo/platform';
import { compareCatalogueVersions } from '../domain/catalogue.compare.js';
import { loadCatalogueSet } from '../infrastructure/catalogue.loader.js';
import { CatalogueService } from './catalogue.service.js';
import { loadOfficialCalendar } from '../infrastructure/calendar.loader.js';
import { SEED_DIR, THREE_CITIES_DIR } from '../../test-fixtures/seed-dirs.js';

// In-process use (other domains call the service directly, without HTTP or DTO validation).
const service = new CatalogueService(loadCatalogueSet(SEED_DIR), loadOfficialCalendar());

function errorOf(fn: () => unknown): { status: number; code: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return { status: e.status, code: e.code };
    throw e;
  }
  throw new Error('expected an error');
}

describe('CatalogueService', () => {
  it('announces its version with per-item hashes, comparable with a peer', () => {
    const mine = service.versionInfo();
    expect(Object.keys(mine.items!)).toHaveLength(40);
    expect(compareCatalogueVersions(mine, service.versionInfo('2025.1')).relation).toBe('a-newer');
    expect(service.version()).toEqual({ version: '2026.1', hash: mine.hash, effectiveFrom: '2026-01-01' });
  });

  it('gives each city its 好差评 remediation period with the source, and refuses a city the catalogue does not have', () => {
    expect(service.remediationRule('440600')).toMatchObject({ city: '440600', workingDays: 15, source: { number: '国办发〔2019〕51号' } });
    expect(service.remediationRule('440100', '2025.1').workingDays).toBe(15);
    const fixture = new CatalogueService(loadCatalogueSet(THREE_CITIES_DIR), loadOfficialCalendar());
    expect(fixture.remediationRule('441200').workingDays).toBe(5);
    expect(() => service.remediationRule('441200')).toThrow(/no remediation rule for city 441200/);
  });

  it('paginates filtered results without gaps or repeats', () => {
    const first = service.listItems({ domain: 'affairs' }, { limit: 4 });
    const second = service.listItems({ domain: 'affairs' }, { limit: 4, cursor: first.nextCursor! });
    const all = service.listItems({ domain: 'affairs' }, { limit: 100 });
    expect([...first.items, ...second.items].map((i) => i.code)).toEqual(all.items.slice(0, 8).map((i) => i.code));
  });

  it('checks limits and codes itself', () => {
    expect(errorOf(() => service.listItems({}, { limit: 1000 }))).toEqual({ status: 400, code: 'CATALOGUE_INVALID_QUERY' });
    expect(errorOf(() => service.getMaterials('XX'))).toEqual({ status: 404, code: 'CATALOGUE_ITEM_NOT_FOUND' });
    expect(errorOf(() => service.catalogue('2030.1'))).toEqual({ status: 404, code: 'CATALOGUE_VERSION_NOT_FOUND' });
  });

  it('computes an on-the-spot (0-day) deadline as the next working day', () => {
    expect(service.computeDeadline('GG00201000', { start: '2025-10-01' })).toMatchObject({
      workingDays: 0,
      deadline: '2025-10-09',
      pausedWorkingDays: 0,
    });
  });

  it('counts the legal limit of a hukou transfer (20 working days) over the 2026 Spring Festival', () => {
    // From Fri 2026-02-06: 2/9–2/13 (5), 2/14 make-up (6), 2/24–2/27 (10), 2/28 make-up (11), 3/2–3/6 (16), 3/9–3/12 (20)
    expect(service.computeDeadline('XK00201000', { start: '2026-02-06', basis: 'legal' }).deadline).toBe('2026-03-12');
  });
});
