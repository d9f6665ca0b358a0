import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository paths used by the catalogue specs. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SEED_DIR = join(REPO_ROOT, 'seeds', 'catalogue');
export const COVERAGE_DOC = join(REPO_ROOT, 'docs', 'catalogue-coverage.md');
/** A catalogue with a third city, Zhaoqing (441200), added by data only. */
export const THREE_CITIES_DIR = fileURLToPath(new URL('./three-cities', import.meta.url));

/** Copies a seed directory to a fresh temporary directory and returns its path. */
export function copySeedDir(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'catalogue-seeds-'));
  cpSync(source, dir, { recursive: true });
  return dir;
}

/** Rewrites one file of a copied seed directory; fails if the edit changed nothing. */
export function editSeedFile(dir: string, relativePath: string, edit: (text: string) => string): void {
  const file = join(dir, relativePath);
  const before = readFileSync(file, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`editSeedFile: edit of ${relativePath} changed nothing`);
  writeFileSync(file, after);
}
