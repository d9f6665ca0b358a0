import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import {
  commitmentFileSchema,
  commitmentSchema,
  credentialTypeFileSchema,
  credentialTypeSchema,
  evaluationFileSchema,
  remediationRuleSchema,
  manifestSchema,
  seedIndexSchema,
  type Commitment,
  type CredentialType,
} from '../domain/catalogue.schema.js';
import { CatalogueSeedError, type SeedIssue } from '../catalogue.errors.js';
import { sha256Hex, stableJson } from '@guangfo/kernel';
import type { Catalogue, CatalogueSet } from '../domain/catalogue.types.js';
import { VERSION_LABEL_PATTERN } from '../domain/common.schema.js';
import { itemFileSchema, itemSchema, type CatalogueItem } from '../domain/item.schema.js';

/** The seed directory used when none is configured: `<cwd>/seeds/catalogue`. */
export function defaultSeedDir(): string {
  return resolve(process.cwd(), 'seeds', 'catalogue');
}

/**
 * Loads and validates every catalogue version under `seedDir`:
 * `index.yaml` (`current: <label>`) and one directory per version label.
 * Throws CatalogueSeedError listing every problem (file, item, field) if anything is invalid.
 */
export function loadCatalogueSet(seedDir: string = defaultSeedDir()): CatalogueSet {
  const issues: SeedIssue[] = [];
  const indexFile = join(seedDir, 'index.yaml');
  const index = parseWith(seedIndexSchema, readYaml(indexFile, issues), indexFile, issues);
  const labels = existsSync(seedDir)
    ? readdirSync(seedDir).filter((name) => VERSION_LABEL_PATTERN.test(name) && statSync(join(seedDir, name)).isDirectory())
    : [];
  if (index && !labels.includes(index.current)) {
    issues.push({
      file: display(indexFile),
      field: 'current',
      message: `version directory ${index.current}/ not found in ${display(seedDir)}`,
    });
  }
  const loaded = labels.map((label) => loadVersionInto(join(seedDir, label), issues));
  if (issues.length > 0 || !index) throw new CatalogueSeedError(issues);
  const catalogues = (loaded as Catalogue[]).sort(newestFirst);
  const versions = new Map(catalogues.map((c) => [c.version, c]));
  return { current: versions.get(index.current)!, versions };
}

/** Loads one version directory on its own. Throws CatalogueSeedError when invalid. */
export function loadCatalogueVersion(versionDir: string): Catalogue {
  const issues: SeedIssue[] = [];
  const catalogue = loadVersionInto(versionDir, issues);
  if (issues.length > 0 || !catalogue) throw new CatalogueSeedError(issues);
  return catalogue;
}

function newestFirst(a: Catalogue, b: Catalogue): number {
  if (a.effectiveFrom !== b.effectiveFrom) return a.effectiveFrom < b.effectiveFrom ? 1 : -1;
  return b.version.localeCompare(a.version, 'en', { numeric: true });
}

function loadVersionInto(dir: string, issues: SeedIssue[]): Catalogue | undefined {
  const before = issues.length;
  const manifestFile = join(dir, 'catalogue.yaml');
  const manifest = parseWith(manifestSchema, readYaml(manifestFile, issues), manifestFile, issues);
  if (manifest && manifest.version !== basename(dir)) {
    issues.push({
      file: display(manifestFile),
      field: 'version',
      message: `is ${manifest.version} but the directory is ${basename(dir)}/`,
    });
  }
  const commitments = loadList(join(dir, 'commitments.yaml'), commitmentFileSchema, 'commitments', commitmentSchema, (c) => c.id, issues);
  const credentialTypes = loadList(
    join(dir, 'credential-types.yaml'),
    credentialTypeFileSchema,
    'credentialTypes',
    credentialTypeSchema,
    (c) => c.code,
    issues,
  );
  const items = loadItems(join(dir, 'items'), issues);
  const evaluationFile = join(dir, 'evaluation.yaml');
  const remediation = loadList(evaluationFile, evaluationFileSchema, 'remediation', remediationRuleSchema, (r) => r.city, issues);
  if (!manifest) return undefined;
  checkReferences(manifest.cities, commitments, credentialTypes, items, issues);
  for (const r of remediation)
    if (!manifest.cities.includes(r.value.city))
      issues.push({ file: r.file, item: r.label, field: 'city', message: `city ${r.value.city} is not in catalogue.yaml cities` });
  for (const city of manifest.cities) {
    if (!remediation.some((r) => r.value.city === city))
      issues.push({ file: display(evaluationFile), field: 'remediation', message: `no remediation rule for city ${city}` });
  }
  if (issues.length > before) return undefined;

  const sortedItems = items.map((i) => i.item).sort((a, b) => (a.code < b.code ? -1 : 1));
  const content = {
    version: manifest.version,
    effectiveFrom: manifest.effectiveFrom,
    cities: manifest.cities,
    description: manifest.description,
    commitments: commitments.map((c) => c.value),
    credentialTypes: credentialTypes.map((c) => c.value),
    items: sortedItems,
    remediation: remediation.map((r) => r.value),
  };
  return deepFreeze({
    ...content,
    hash: sha256Hex(stableJson(content)),
    itemHashes: Object.fromEntries(sortedItems.map((i) => [i.code, sha256Hex(stableJson(i))])),
  });
}

interface Located<T> {
  value: T;
  file: string;
  label: string;
}

function loadList<T>(
  file: string,
  fileSchema: z.ZodType<Record<string, unknown>>,
  key: string,
  entrySchema: z.ZodType<T>,
  labelOf: (entry: T) => string,
  issues: SeedIssue[],
): Located<T>[] {
  const parsed = parseWith(fileSchema, readYaml(file, issues), file, issues);
  if (!parsed) return [];
  const out: Located<T>[] = [];
  const seen = new Map<string, number>();
  (parsed[key] as unknown[]).forEach((raw, i) => {
    const label = rawLabel(raw, key === 'commitments' ? 'id' : key === 'remediation' ? 'city' : 'code') ?? `${key}[${i}]`;
    const value = parseWith(entrySchema, raw, file, issues, label);
    if (!value) return;
    const id = labelOf(value);
    if (seen.has(id)) {
      issues.push({ file: display(file), item: id, message: `duplicate: ${key}[${seen.get(id)}] has the same id` });
      return;
    }
    seen.set(id, i);
    out.push({ value, file: display(file), label: id });
  });
  return out;
}

interface LocatedItem {
  item: CatalogueItem;
  file: string;
}

function loadItems(itemsDir: string, issues: SeedIssue[]): LocatedItem[] {
  if (!existsSync(itemsDir)) {
    issues.push({ file: display(itemsDir), message: 'items/ directory is missing' });
    return [];
  }
  const files = readdirSync(itemsDir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort();
  const out: LocatedItem[] = [];
  const seen = new Map<string, string>();
  for (const name of files) {
    const file = join(itemsDir, name);
    const parsed = parseWith(itemFileSchema, readYaml(file, issues), file, issues);
    parsed?.items.forEach((raw, i) => {
      const label = rawLabel(raw, 'code') ?? `items[${i}]`;
      const item = parseWith(itemSchema, raw, file, issues, label);
      if (!item) return;
      const first = seen.get(item.code);
      if (first) {
        issues.push({ file: display(file), item: item.code, field: 'code', message: `duplicate item code, already defined in ${first}` });
        return;
      }
      seen.set(item.code, display(file));
      out.push({ item, file: display(file) });
    });
  }
  return out;
}

function checkReferences(
  cities: readonly string[],
  commitments: Located<Commitment>[],
  credentialTypes: Located<CredentialType>[],
  items: LocatedItem[],
  issues: SeedIssue[],
): void {
  const commitmentById = new Map(commitments.map((c) => [c.value.id, c.value]));
  const credentialCodes = new Set(credentialTypes.map((c) => c.value.code));
  const cityList = cities.join(', ');
  const implementationCodes = new Map<string, string>();
  for (const { item, file } of items) {
    const at = (field: string, message: string) => issues.push({ file, item: item.code, field, message });
    item.implements.forEach((id, i) => {
      const commitment = commitmentById.get(id);
      if (!commitment) at(`implements[${i}]`, `unknown plan commitment ${id} (not in commitments.yaml)`);
      else if (commitment.scope === 'out-of-scope') at(`implements[${i}]`, `commitment ${id} is marked out-of-scope`);
    });
    item.implementations.forEach((impl, i) => {
      if (!cities.includes(impl.city)) at(`implementations[${i}].city`, `city ${impl.city} is not in catalogue.yaml cities (${cityList})`);
      const other = implementationCodes.get(impl.code);
      if (other) at(`implementations[${i}].code`, `implementation code ${impl.code} is already used by item ${other}`);
      implementationCodes.set(impl.code, item.code);
    });
    item.routes.forEach((route, i) => {
      for (const key of ['from', 'to'] as const) {
        if (!cities.includes(route[key])) at(`routes[${i}].${key}`, `city ${route[key]} is not in catalogue.yaml cities (${cityList})`);
      }
    });
    item.materials.forEach((m, i) => {
      m.replaceableBy.forEach((code, j) => {
        if (!credentialCodes.has(code))
          at(`materials[${i}].replaceableBy[${j}]`, `unknown credential type ${code} (not in credential-types.yaml)`);
      });
    });
  }
}

/** Marks a file that could not be read or parsed (its issues are already recorded). */
const UNREADABLE = Symbol('unreadable');

/** Reads and parses a YAML file; records file-not-found and syntax errors as issues. */
function readYaml(file: string, issues: SeedIssue[]): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    issues.push({ file: display(file), message: 'file is missing or unreadable' });
    return UNREADABLE;
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = e.linePos?.[0];
      issues.push({
        file: display(file),
        message: `YAML error${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}: ${e.message.split('\n')[0]}`,
      });
    }
    return UNREADABLE;
  }
  return doc.toJS();
}

/** Validates `raw`; on failure records one issue per zod issue, located by item label and field path. */
function parseWith<T>(schema: z.ZodType<T>, raw: unknown, file: string, issues: SeedIssue[], item?: string): T | undefined {
  if (raw === UNREADABLE) return undefined;
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    issues.push({ file: display(file), item, field: formatPath(issue.path) || undefined, message: issue.message });
  }
  return undefined;
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}

function rawLabel(raw: unknown, key: string): string | undefined {
  if (raw && typeof raw === 'object' && key in raw) {
    const v = (raw as Record<string, unknown>)[key];
    if (typeof v === 'string' && v.length > 0) return v;
  }
  return undefined;
}

function display(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
