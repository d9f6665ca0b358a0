import { Idempotency } from '@guangfo/platform';
import { socialInsuranceError } from '../social-insurance.errors.js';

/** What a creating POST answers: the view, and whether it is a replay of an earlier request with the same Idempotency-Key and body. */
export class Created<T> {
  constructor(
    readonly view: T,
    readonly replayed: boolean,
    /** The status of a first request (201, or 202 when the work goes on in other cities). */
    readonly status: 201 | 202 = 201,
  ) {}
}

/** The Idempotency-Key rule of one creating operation of this library (platform.idempotency_key, scope `social-insurance.<what>`). */
export const idempotencyOf = (what: string): Idempotency =>
  new Idempotency(`social-insurance.${what}`, {
    invalid: (message) => socialInsuranceError('SI_IDEMPOTENCY_KEY_INVALID', { detail: message }),
    reused: (message, id) => socialInsuranceError('SI_IDEMPOTENCY_KEY_REUSED', { detail: message, extra: { id } }),
  });
