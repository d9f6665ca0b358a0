import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { REQUIRED_CITY_NODE_ENV } from '@guangfo/platform';

interface Service {
  environment?: Record<string, string>;
  healthcheck?: unknown;
  build?: unknown;
  image?: string;
}

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as { services: Record<string, Service> };
  const nodes = Object.entries(compose.services).filter(([name]) => name.startsWith('node-'));

  it('has Kafka, PostgreSQL and one node per city of the registry, each with a health check', () => {
    const registry = parse(readFileSync('seeds/cities.yaml', 'utf8')) as { cities: { code: string }[] };
    expect(nodes.map(([, s]) => s.environment?.CITY_CODE).sort()).toEqual(registry.cities.map((c) => c.code).sort());
    for (const name of ['kafka', 'postgres', ...nodes.map(([n]) => n)]) expect(compose.services[name].healthcheck).toBeDefined();
  });

  it.each(REQUIRED_CITY_NODE_ENV)('sets %s (or its _FILE form) for every city node', (name) => {
    for (const [, svc] of nodes) {
      const env = svc.environment ?? {};
      expect(env[name] ?? env[`${name}_FILE`]).toBeTruthy();
    }
  });
});
