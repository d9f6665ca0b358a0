import { readFileSync } from 'node:fs';

/**
 * Reads a secret from `NAME` or from the file named by `NAME_FILE` (Docker/Kubernetes secrets).
 * Secrets never live in the repository, except demo values that only the sandbox accepts.
 */
export const readSecret = (env: NodeJS.ProcessEnv, name: string): string | undefined => {
  const direct = env[name];
  if (direct !== undefined && direct !== '') return direct.trim();
  const file = env[`${name}_FILE`];
  if (file === undefined || file === '') return undefined;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new Error(`${name}_FILE: cannot read ${file}: ${(err as Error).message}`);
  }
};
