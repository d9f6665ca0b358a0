import { z } from 'zod';
import { EVENT_CONTRACTS } from './event-registry.js';
import { PUBLIC_TOPIC } from './topics.js';

/** Builds the AsyncAPI 3.0 document of every cross-city event, from the contracts themselves. */
export const buildAsyncApiDocument = (): Record<string, unknown> => {
  const messages: Record<string, unknown> = {};
  for (const c of EVENT_CONTRACTS) {
    messages[c.type] = {
      name: c.type,
      title: c.type,
      summary: c.summary,
      contentType: 'application/json',
      headers: {
        type: 'object',
        description: 'CloudEvents 1.0 Kafka binary binding: ce_* headers; key = subject (aggregate id).',
        required: ['ce_specversion', 'ce_id', 'ce_source', 'ce_type', 'ce_subject', 'ce_time', 'ce_sigkeyid'],
        oneOf: [{ required: ['ce_sigbatch'] }, { required: ['ce_sig'] }],
        properties: {
          ce_specversion: { const: '1.0' },
          ce_id: { type: 'string', format: 'uuid' },
          ce_source: { type: 'string', pattern: '^/guangfo/\\d{6}/[a-z-]+$' },
          ce_type: { const: c.type },
          ce_subject: { type: 'string' },
          ce_time: { type: 'string', format: 'date-time' },
          ce_tocity: c.audience === 'addressed' ? { type: 'string', pattern: '^\\d{6}$' } : { not: {} },
          ce_correlationid: { type: 'string' },
          ce_causationid: { type: 'string' },
          ce_traceparent: { type: 'string' },
          ce_sigkeyid: { type: 'string', description: 'Key id pinned for the sender city in the city registry' },
          ce_sig: {
            type: 'string',
            description:
              'SM2 (GM/T 0003, SM3, user id 1234567812345678) DER signature, base64, over the canonical JSON of all other attributes (but ce_sigbatch) and data. Sent by nodes before batch signatures; still accepted',
          },
          ce_sigbatch: {
            type: 'string',
            description:
              'One SM2 signature per relay batch (what nodes send): base64url of the JSON array [batchId, size, root, signerCity, keyId, signature, index, path]. ' +
              'The leaf is SM3 over "guangfo-batch-leaf/v1" 0x00, batchId, index, size and the canonical JSON of all other attributes (but ce_sig) and data; ' +
              'the tree is RFC 6962-shaped (0x00 leaves, 0x01 nodes); the signature (SM2, SM3, user id 1234567812345678, DER base64) is over the UTF-8 JSON ["guangfo-batch-root/v1", batchId, size, root, signerCity, keyId]',
          },
        },
      },
      payload: z.toJSONSchema(c.schema, { target: 'draft-7' }),
      examples: [{ payload: c.example }],
      'x-audience': c.audience,
      ...(c.personal?.length
        ? {
            description:
              'The personal fields listed in x-personal-fields travel sealed for the addressed city only: removed from data and carried as data.sealedPersonal = { alg: "SM2+SM4-CTR+HMAC-SM3", kid: <addressee encryption key id>, ek: <SM2-encrypted (C1C3C2) data key, base64url>, ct: <gfs1 sealed JSON of the fields> }. The payload schema is the opened form the handler sees.',
            'x-personal-fields': c.personal,
          }
        : {}),
    };
  }
  const byAudience = (a: string) =>
    Object.fromEntries(EVENT_CONTRACTS.filter((c) => c.audience === a).map((c) => [c.type, { $ref: `#/components/messages/${c.type}` }]));
  return {
    asyncapi: '3.0.0',
    info: {
      title: '广佛通办 Guangfo Tongban — cross-city events',
      version: '1',
      description:
        "Events between city nodes. Addressed events go to the inbound topic of their city; public data is broadcast. Consumers verify the signature against the sender city's pinned key, validate the payload, and apply each event exactly once (inbox). Rejected events go to the city's dead-letter topic with x-dead-letter-reason-code.",
    },
    defaultContentType: 'application/json',
    channels: {
      public: { address: PUBLIC_TOPIC, description: 'Public data, consumed by every city', messages: byAudience('broadcast') },
      cityInbound: {
        address: 'guangfo.city.{cityCode}.inbound',
        description: 'Events addressed to one city',
        parameters: { cityCode: { description: 'GB/T 2260 code' } },
        messages: byAudience('addressed'),
      },
      cityDeadLetter: {
        address: 'guangfo.city.{cityCode}.deadletter',
        description: 'Events a city rejected, as received, plus x-dead-letter-reason-code / x-dead-letter-reason headers',
        parameters: { cityCode: { description: 'GB/T 2260 code' } },
      },
    },
    components: { messages },
  };
};
