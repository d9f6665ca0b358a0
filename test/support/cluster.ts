import type { Sealer } from '@guangfo/gm-crypto';
import type { TransportMessage } from '@guangfo/messaging';

/** Two or more city nodes under test, whatever runs them (in-process sandbox or separate processes). */
export interface TestCluster {
  readonly transport: 'embedded' | 'kafka';
  baseUrl(city: string): string;
  stopNode(city: string): Promise<void>;
  startNode(city: string): Promise<void>;
  /** Runs SQL against a city's own database (test inspection only). */
  query<T = Record<string, unknown>>(city: string, sql: string, params?: unknown[]): Promise<T[]>;
  /** Puts a raw message on the wire towards `city`, as the transport would carry it. */
  inject(city: string, message: TransportMessage): Promise<void>;
  /** The data-sealing keyring of a city's node (test inspection only: opens what the node sealed at rest). */
  sealer(city: string): Sealer;
  /** A bearer token for a user of `city` with `role`. */
  token(city: string, role: 'resident' | 'clerk' | 'admin' | 'supervisor'): Promise<string>;
}

export const waitFor = async <T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<T> => {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
};
