import { z } from 'zod';
import { defineEvent } from '../event-type.js';

export const nodeAnnouncedSchema = z.object({
  cityCode: z.string().regex(/^\d{6}$/),
  nodeVersion: z.string().min(1).max(64),
  catalogue: z.object({
    version: z.string().min(1).max(64),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  /** The working-day calendar (official years and hash); absent from nodes older than the calendar seed files. */
  calendar: z
    .object({
      version: z.string().min(1).max(200),
      hash: z.string().regex(/^[0-9a-f]{64}$/),
    })
    .optional(),
  announcedAt: z.iso.datetime(),
  domains: z.array(z.string().min(1).max(40)).max(20),
});
export type NodeAnnounced = z.infer<typeof nodeAnnouncedSchema>;

/** A city node tells every other city who it is, which software and which catalogue it runs. */
export const NodeAnnouncedV1 = defineEvent<NodeAnnounced>({
  type: 'gov.guangfo.platform.node-announced.v1',
  audience: 'broadcast',
  schema: nodeAnnouncedSchema,
  summary: 'A city node announces its software version, catalogue version, working-day calendar and clock.',
  example: {
    cityCode: '440100',
    nodeVersion: '0.1.0',
    catalogue: { version: '2026.1', hash: 'a'.repeat(64) },
    calendar: { version: '2025+2026', hash: 'b'.repeat(64) },
    announcedAt: '2026-11-27T08:00:00.000Z',
    domains: ['platform', 'catalogue'],
  },
});
