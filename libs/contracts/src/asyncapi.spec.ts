import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parse, stringify } from 'yaml';
import { buildAsyncApiDocument } from './asyncapi.js';
import { EVENT_CONTRACTS } from './event-registry.js';

describe('AsyncAPI document', () => {
  it('documents every contract, and docs/asyncapi.yaml is current (npm run docs:generate)', () => {
    const doc = buildAsyncApiDocument() as { components: { messages: Record<string, unknown> } };
    expect(Object.keys(doc.components.messages).sort()).toEqual(EVENT_CONTRACTS.map((c) => c.type).sort());
    const committed = parse(readFileSync('docs/asyncapi.yaml', 'utf8')) as unknown;
    expect(committed).toEqual(parse(stringify(doc)));
  });

  it('each example satisfies its own schema', () => {
    for (const c of EVENT_CONTRACTS) expect(c.schema.safeParse(c.example).success).toBe(true);
  });
});
