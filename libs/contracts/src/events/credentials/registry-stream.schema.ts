import { z } from 'zod';

/**
 * Fields shared by every event of an issuing city's credential registry stream. All of them use
 * the subject `credential-registry/<issuerCity>`, so they stay in order on one partition, and carry
 * a gap-free `sequence`: a receiver knows the registry as of the newest event it applied in order.
 */
export const registryStreamFields = {
  /** The city whose issuer keys / credentials these are; must be the signing (sending) city. */
  issuerCity: z.string().regex(/^\d{6}$/),
  /** Position in the issuer's registry stream, 1, 2, 3, … without gaps. */
  sequence: z.number().int().positive(),
  /** When the issuer committed the change (issuer clock, UTC). */
  occurredAt: z.iso.datetime(),
};

/** `<issuerCity>-<16 hex digits of SM3(public key)>`. */
export const issuerKeyIdSchema = z.string().regex(/^\d{6}-[0-9a-f]{16}$/);

export const credentialTypeCodeOfEventSchema = z.string().regex(/^[A-Z][A-Z0-9_]{1,39}$/);

/** The Kafka key (CloudEvents subject) of an issuing city's registry stream. */
export const credentialRegistrySubject = (issuerCity: string): string => `credential-registry/${issuerCity}`;
