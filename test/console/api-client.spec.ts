import 'reflect-metadata';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { API_SCHEMA_FILE, generateApiSchema } from '../../scripts/api-client.js';

describe("the web console's API client", () => {
  it('is generated from the current OpenAPI document (run `npm run console:api` when this fails)', async () => {
    const fresh = await generateApiSchema();
    if (process.env.UPDATE_API_CLIENT === '1') writeFileSync(API_SCHEMA_FILE, fresh);
    expect(existsSync(API_SCHEMA_FILE) ? readFileSync(API_SCHEMA_FILE, 'utf8') : '(missing)').toBe(fresh);
  });
});
