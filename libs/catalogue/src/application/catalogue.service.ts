import { Inject, Injectable } from '@nestjs/common';
import { catalogueError } from '../catalogue.errors.js';
import { planLocation } from '../domain/catalogue.coverage.js';
import {
  DEFAULT_PAGE_LIMIT,
  filterItems,
  findItem,
  findRoutes,
  itemsByCommitment,
  MAX_PAGE_LIMIT,
  type ItemFilter,
  type RouteQuery,
} from '../domain/catalogue.query.js';
import { CATALOGUE_SET, WORKING_DAY_CALENDAR } from './catalogue.tokens.js';
import type { Catalogue, CatalogueSet, CatalogueVersionInfo } from '../domain/catalogue.types.js';
import type {
  CommitmentView,
  DeadlineBasis,
  DeadlineView,
  ItemMaterials,
  ItemPage,
  ItemView,
  RouteList,
  VersionView,
} from './catalogue.views.js';
import type { CatalogueItem } from '../domain/item.schema.js';
import type { CredentialType, RemediationRule } from '../domain/catalogue.schema.js';

import { cursorField, cursorShape, type DateInput, decodeCursor, encodeCursor, toShanghaiDate } from '@guangfo/kernel';
import { CALENDAR_TIME_ZONE, CalendarCoverageError, WorkingDayCalendar, type Pause } from '../domain/working-day.calendar.js';

export interface PageRequest {
  cursor?: string;
  limit?: number;
}

export interface DeadlineRequest {
  start: DateInput;
  basis?: DeadlineBasis;
  pauses?: Pause[];
}

/**
 * Read-only access to the loaded catalogue. Every method takes an optional catalogue version label
 * (default: the current version). Errors are Nest HTTP exceptions carrying a stable `code`
 * (see catalogue.errors.ts).
 */
@Injectable()
export class CatalogueService {
  constructor(
    @Inject(CATALOGUE_SET) private readonly set: CatalogueSet,
    @Inject(WORKING_DAY_CALENDAR) private readonly calendar: WorkingDayCalendar,
  ) {}

  /** The loaded catalogue of a version (default current); 404 when unknown. */
  catalogue(version?: string): Catalogue {
    if (version === undefined) return this.set.current;
    const found = this.set.versions.get(version);
    if (!found) {
      throw catalogueError('CATALOGUE_VERSION_NOT_FOUND', {
        detail: `Catalogue version ${version} is not loaded (known: ${[...this.set.versions.keys()].join(', ')})`,
      });
    }
    return found;
  }

  /** The loaded catalogue of a version label, or undefined (no error): for cache keys. */
  loaded(version: string): Catalogue | undefined {
    return this.set.versions.get(version);
  }

  version(version?: string): VersionView {
    const c = this.catalogue(version);
    return { version: c.version, hash: c.hash, effectiveFrom: c.effectiveFrom };
  }

  /** Every loaded version, newest first. */
  versions(): VersionView[] {
    return [...this.set.versions.keys()].map((v) => this.version(v));
  }

  /** What this city announces to its peers (input of compareCatalogueVersions), with per-item hashes. */
  versionInfo(version?: string): CatalogueVersionInfo {
    const c = this.catalogue(version);
    return { ...this.version(version), items: c.itemHashes };
  }

  /** 好差评 差评整改: the period of `city` (working days) and its source, from the catalogue's `evaluation.yaml`. */
  remediationRule(city: string, version?: string): RemediationRule {
    const rule = this.catalogue(version).remediation.find((r) => r.city === city);
    // The loader refuses a version without a rule for each of its cities; another city is a configuration error.
    if (!rule) throw new Error(`catalogue ${this.catalogue(version).version} has no remediation rule for city ${city}`);
    return rule;
  }

  listItems(filter: ItemFilter = {}, page: PageRequest = {}, version?: string): ItemPage {
    const c = this.catalogue(version);
    const limit = page.limit ?? DEFAULT_PAGE_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
      throw catalogueError('CATALOGUE_INVALID_QUERY', { detail: `limit must be an integer from 1 to ${MAX_PAGE_LIMIT}` });
    }
    const after = page.cursor === undefined ? undefined : readCursor(page.cursor, c.version);
    const matches = filterItems(c, filter).filter((i) => after === undefined || i.code > after);
    const items = matches.slice(0, limit);
    const last = items[items.length - 1];
    return {
      version: c.version,
      items: items.map((i) => this.view(c, i)),
      nextCursor: matches.length > limit && last ? pageCursor(c.version, last.code) : null,
    };
  }

  /** One item by base code or implementation code; 404 when unknown. */
  getItem(code: string, version?: string): ItemView {
    const c = this.catalogue(version);
    return this.view(c, this.item(c, code));
  }

  getMaterials(code: string, version?: string): ItemMaterials {
    const c = this.catalogue(version);
    const item = this.item(c, code);
    const types = new Map(c.credentialTypes.map((t) => [t.code, t]));
    return {
      version: c.version,
      itemCode: item.code,
      materials: item.materials.map((m) => ({ ...m, replaceableBy: m.replaceableBy.map((t) => types.get(t)!) })),
    };
  }

  findRoutes(query: RouteQuery = {}, version?: string): RouteList {
    const c = this.catalogue(version);
    return {
      version: c.version,
      routes: findRoutes(c, query).map(({ item, route }) => ({
        itemCode: item.code,
        itemName: item.name,
        kind: item.kind,
        domain: item.domain,
        ...route,
        receivingImplementation: implementationCode(item, route.receivedBy),
        administeringImplementation: implementationCode(item, route.administeredBy),
      })),
    };
  }

  credentialTypes(version?: string): readonly CredentialType[] {
    return this.catalogue(version).credentialTypes;
  }

  /** Plan commitments with the codes of the items implementing them. */
  commitments(version?: string): CommitmentView[] {
    const c = this.catalogue(version);
    const map = itemsByCommitment(c);
    return c.commitments.map((x) => ({ ...x, location: planLocation(x), items: (map.get(x.id) ?? []).map((i) => i.code) }));
  }

  /** The last day of an item's time limit counted in working days from `start` (the start day not counted). */
  computeDeadline(code: string, request: DeadlineRequest, version?: string): DeadlineView {
    const c = this.catalogue(version);
    const item = this.item(c, code);
    const basis = request.basis ?? 'committed';
    const workingDays = item.timeLimits[basis];
    if (workingDays === null) {
      throw catalogueError('CATALOGUE_NO_LEGAL_LIMIT', { detail: `Item ${item.code} has no statutory time limit; use basis=committed` });
    }
    try {
      const start = toShanghaiDate(request.start);
      const pauses = request.pauses ?? [];
      const deadline = this.calendar.addWorkingDays(start, workingDays, pauses);
      const pausedWorkingDays = workingDays === 0 ? 0 : this.calendar.countWorkingDays(start, deadline) - workingDays;
      const provisionalYears = this.calendar.provisionalYears(start, deadline);
      return {
        version: c.version,
        itemCode: item.code,
        basis,
        workingDays,
        start,
        deadline,
        pausedWorkingDays,
        timeZone: CALENDAR_TIME_ZONE,
        provisional: provisionalYears.length > 0,
        provisionalYears,
      };
    } catch (e) {
      if (e instanceof CalendarCoverageError) throw catalogueError('CATALOGUE_CALENDAR_NOT_COVERED', { detail: e.message });
      if (e instanceof RangeError) throw catalogueError('CATALOGUE_INVALID_QUERY', { detail: e.message });
      throw e;
    }
  }

  private item(c: Catalogue, code: string): CatalogueItem {
    const item = findItem(c, code);
    if (!item) throw catalogueError('CATALOGUE_ITEM_NOT_FOUND', { detail: `No item ${code} in catalogue version ${c.version}` });
    return item;
  }

  private view(c: Catalogue, item: CatalogueItem): ItemView {
    const byId = new Map(c.commitments.map((x) => [x.id, x]));
    return {
      ...item,
      plan: item.implements.map((id) => {
        const x = byId.get(id)!;
        return { commitment: id, location: planLocation(x), sectionTitle: x.sectionTitle, topic: x.topic, quote: x.quote };
      }),
    };
  }
}

function implementationCode(item: CatalogueItem, city: string): string {
  return item.implementations.find((i) => i.city === city)!.code;
}

/** Page cursor: the catalogue version it was issued for and the last item code. */
type ItemCursor = {
  v: string;
  a: string;
};
const isItemCursor = cursorShape<ItemCursor>({ v: cursorField.text(100), a: cursorField.text(100) });

const pageCursor = (version: string, after: string): string => encodeCursor({ v: version, a: after } satisfies ItemCursor);

function readCursor(cursor: string, version: string): string {
  const c = decodeCursor(cursor, isItemCursor);
  if (!c) throw catalogueError('CATALOGUE_INVALID_CURSOR', { detail: 'cursor is not one this API returned' });
  if (c.v !== version)
    throw catalogueError('CATALOGUE_INVALID_CURSOR', { detail: `cursor belongs to catalogue version ${c.v}, not ${version}` });
  return c.a;
}
