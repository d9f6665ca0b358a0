import type { SandboxNodeSettings } from './sandbox-seeds.js';

/** The environment variable through which the supervisor hands a city process its spec (JSON). */
export const SANDBOX_CITY_ENV = 'SANDBOX_CITY_NODE';

/** What a city process needs: its city, its database on the shared embedded server, the sandbox settings. */
export interface SandboxCitySpec {
  city: string;
  databaseUrl: string;
  settings: SandboxNodeSettings;
}

/** City process → supervisor, over the IPC channel. */
export type CityProcessMessage = { type: 'ready'; city: string; pid: number; url: string };
