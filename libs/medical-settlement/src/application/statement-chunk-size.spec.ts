import { describe, expect, it } from '@jest/globals';
import { MedicalStatementChunkV1, STATEMENT_CHUNK_MAX_ITEMS } from '@guangfo/contracts';
import { EMBEDDED_BATCH_MAX_BYTES, type SignedEvent, toTransportMessage } from '@guangfo/messaging';
import { DEFAULT_STATEMENT_CHUNK_ITEMS, statementChunkItems } from './medical.tokens.js';

const STATEMENT_ID = '2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901';
const uuid = (i: number) => `9f8e7d6c-5b4a-4392-8170-${String(i).padStart(12, '0')}`;

/** A chunk event as the relay sends it (a batch signature of a large batch is about 1 KB; 2 KB here). */
const chunkEvent = (items: unknown[]): SignedEvent => ({
  specversion: '1.0',
  id: '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9',
  source: '/guangfo/440600/medical',
  type: MedicalStatementChunkV1.type,
  subject: STATEMENT_ID,
  time: '2026-04-01T01:00:00.000Z',
  datacontenttype: 'application/json',
  tocity: '440100',
  correlationid: '1c2d3e4f-5061-4728-93a4-b5c6d7e8f901',
  causationid: '2d3e4f50-6172-4839-a4b5-c6d7e8f90a1b',
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  sigkeyid: 'fs-event-2026-01',
  sigbatch: 'x'.repeat(2_048),
  data: { statementId: STATEMENT_ID, index: 12_345, items },
});
/** The bytes of an embedded batch delivery carrying only this event (the value is JSON inside JSON: quotes escaped). */
const deliveryBytes = (e: SignedEvent) => Buffer.byteLength(JSON.stringify({ messages: [toTransportMessage(e)] }));

describe('statement chunk size', () => {
  it('a chunk of the most items a chunk may carry, every amount at its widest, stays under the 512 KiB of a batch delivery (the node takes 1 MiB, Kafka 1 MB)', () => {
    const worst = Array.from({ length: STATEMENT_CHUNK_MAX_ITEMS }, (_, i) => ({
      settlementId: uuid(i),
      kind: 'reversal',
      fundFen: -Number.MAX_SAFE_INTEGER,
      accountFen: -Number.MAX_SAFE_INTEGER,
      totalFen: -Number.MAX_SAFE_INTEGER,
    }));
    expect(MedicalStatementChunkV1.schema.safeParse(chunkEvent(worst).data).success).toBe(true);
    expect(deliveryBytes(chunkEvent(worst))).toBeLessThan(EMBEDDED_BATCH_MAX_BYTES);
    expect(MedicalStatementChunkV1.schema.safeParse(chunkEvent([...worst, worst[0]]).data).success).toBe(false);
  });

  it('a default chunk of realistic items is about 280 KB on the wire', () => {
    const items = Array.from({ length: DEFAULT_STATEMENT_CHUNK_ITEMS }, (_, i) => ({
      settlementId: uuid(i),
      kind: 'claim',
      fundFen: 1_190_000,
      accountFen: 5_000,
      totalFen: 1_860_000,
    }));
    const bytes = deliveryBytes(chunkEvent(items));
    expect(bytes).toBeGreaterThan(250_000);
    expect(bytes).toBeLessThan(300_000);
  });

  it('MEDICAL_STATEMENT_CHUNK_ITEMS: 1 … the most a chunk may carry, default 2 000; anything else stops the node', () => {
    expect(statementChunkItems({})).toBe(2_000);
    expect(statementChunkItems({ MEDICAL_STATEMENT_CHUNK_ITEMS: '3' })).toBe(3);
    expect(statementChunkItems({ MEDICAL_STATEMENT_CHUNK_ITEMS: String(STATEMENT_CHUNK_MAX_ITEMS) })).toBe(STATEMENT_CHUNK_MAX_ITEMS);
    for (const bad of ['0', '-1', '2.5', 'many', String(STATEMENT_CHUNK_MAX_ITEMS + 1)])
      expect(() => statementChunkItems({ MEDICAL_STATEMENT_CHUNK_ITEMS: bad })).toThrow(/MEDICAL_STATEMENT_CHUNK_ITEMS must be an integer/);
  });
});
