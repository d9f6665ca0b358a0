import type { Catalogue } from './catalogue.types.js';
import type { CatalogueItem, Channel, Domain, HandlingMode, ItemKind, Route } from './item.schema.js';

export const DEFAULT_PAGE_LIMIT = 20;
export const MAX_PAGE_LIMIT = 100;

/** Filters for listing items; every field is optional and they combine with AND. */
export interface ItemFilter {
  /** Items with a route that this city receives or administers. */
  city?: string;
  domain?: Domain;
  mode?: HandlingMode;
  kind?: ItemKind;
  channel?: Channel;
  /** Free text in Chinese or English: every whitespace-separated term must occur. */
  q?: string;
}

/** "Which items can a resident of `from` file at `at`, administered by whom, in which mode." */
export interface RouteQuery {
  /** The applicant's own city (户籍/参保/持证地). */
  from?: string;
  /** The city where the application is lodged (收件地). */
  at?: string;
  /** The city whose authority decides (办理地). */
  administeredBy?: string;
  mode?: HandlingMode;
  channel?: Channel;
  domain?: Domain;
  q?: string;
}

export interface RouteMatch {
  item: CatalogueItem;
  route: Route;
}

/** NFKC (full-width → half-width), lower case, collapsed spaces. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

function searchText(item: CatalogueItem): string {
  return normalizeText(
    [
      item.code,
      item.name.zh,
      item.name.en,
      item.kind,
      ...item.keywords,
      ...item.implementations.flatMap((i) => [i.code, i.body, i.localName ?? '']),
      ...item.materials.flatMap((m) => [m.name.zh, m.name.en]),
    ].join('\n'),
  );
}

const textCache = new WeakMap<CatalogueItem, string>();

/** True when every term of `q` occurs in the item's codes, names, keywords, bodies or materials. */
export function matchesText(item: CatalogueItem, q: string): boolean {
  const terms = normalizeText(q).split(' ').filter(Boolean);
  if (terms.length === 0) return true;
  let text = textCache.get(item);
  if (text === undefined) {
    text = searchText(item);
    textCache.set(item, text);
  }
  return terms.every((t) => text.includes(t));
}

function routeMatches(route: Route, f: { city?: string; mode?: HandlingMode; channel?: Channel }): boolean {
  return (
    (f.mode === undefined || route.modes.includes(f.mode)) &&
    (f.channel === undefined || route.channels.includes(f.channel)) &&
    (f.city === undefined || route.receivedBy === f.city || route.administeredBy === f.city)
  );
}

/** Items matching the filter, in code order. */
export function filterItems(catalogue: Catalogue, filter: ItemFilter = {}): CatalogueItem[] {
  const byRoute = filter.city !== undefined || filter.mode !== undefined || filter.channel !== undefined;
  return catalogue.items.filter(
    (item) =>
      (filter.domain === undefined || item.domain === filter.domain) &&
      (filter.kind === undefined || item.kind === filter.kind) &&
      (!byRoute || item.routes.some((r) => routeMatches(r, filter))) &&
      (filter.q === undefined || matchesText(item, filter.q)),
  );
}

/** An item by its base code or by one of its implementation codes. */
export function findItem(catalogue: Catalogue, code: string): CatalogueItem | undefined {
  const wanted = code.trim().toUpperCase();
  return catalogue.items.find((i) => i.code === wanted || i.implementations.some((impl) => impl.code === wanted));
}

/** Routes matching the query, item by item in code order. */
export function findRoutes(catalogue: Catalogue, query: RouteQuery = {}): RouteMatch[] {
  const out: RouteMatch[] = [];
  for (const item of catalogue.items) {
    if (query.domain !== undefined && item.domain !== query.domain) continue;
    if (query.q !== undefined && !matchesText(item, query.q)) continue;
    for (const route of item.routes) {
      if (query.from !== undefined && route.from !== query.from) continue;
      if (query.at !== undefined && route.receivedBy !== query.at) continue;
      if (query.administeredBy !== undefined && route.administeredBy !== query.administeredBy) continue;
      if (!routeMatches(route, query)) continue;
      out.push({ item, route });
    }
  }
  return out;
}

/** Items implementing each commitment, by commitment id (out-of-scope commitments map to []). */
export function itemsByCommitment(catalogue: Catalogue): Map<string, CatalogueItem[]> {
  const map = new Map<string, CatalogueItem[]>(catalogue.commitments.map((c) => [c.id, []]));
  for (const item of catalogue.items) for (const id of item.implements) map.get(id)?.push(item);
  return map;
}
