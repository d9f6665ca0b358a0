/**
 * Worker thread of `Sm2VerifyPool` (sm2.verify-pool.ts): verifies batches of SM2 signatures with
 * `sm2Verify`, so the pinned-key tables and caches of sm2.curve.ts / sm2.signer.ts are this
 * thread's own. Not exported from the barrel: the pool starts it by file.
 *
 * At start it verifies the GB/T 32918.5 Annex A example (a self-test that also builds the base
 * point's table), then reports ready.
 */
import { isMainThread, parentPort } from 'node:worker_threads';
import { sm2Verify } from './sm2.signer.js';

/** One verification, as sent to a worker (Uint8Arrays are compact copies). */
export interface WireVerifyJob {
  readonly message: string | Uint8Array;
  readonly signature: string | Uint8Array;
  readonly publicKey: string;
  readonly userId?: string;
}

export type ToWorker =
  { readonly kind: 'verify'; readonly id: number; readonly jobs: readonly WireVerifyJob[] } | { readonly kind: 'crash' };

/** A job's outcome: the verification result, or the error sm2Verify threw (a malformed key or user id). */
export type WireOutcome = boolean | { readonly error: { readonly name: string; readonly message: string } };

export type FromWorker =
  { readonly kind: 'ready' } | { readonly kind: 'result'; readonly id: number; readonly outcomes: readonly WireOutcome[] };

const ANNEX_A = {
  publicKey:
    '0409f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13',
  message: 'message digest',
  signature:
    'f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa',
};

function outcome(job: WireVerifyJob): WireOutcome {
  try {
    return sm2Verify(job.message, job.signature, job.publicKey, job.userId === undefined ? {} : { userId: job.userId });
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    return { error: { name, message } };
  }
}

if (isMainThread || !parentPort) throw new Error('sm2.verify-worker runs in a worker thread started by Sm2VerifyPool');
const port = parentPort;

if (!sm2Verify(ANNEX_A.message, ANNEX_A.signature, ANNEX_A.publicKey)) {
  throw new Error('SM2 self-test failed: the GB/T 32918.5 Annex A signature does not verify');
}

port.on('message', (message: ToWorker) => {
  switch (message.kind) {
    case 'verify': {
      const reply: FromWorker = { kind: 'result', id: message.id, outcomes: message.jobs.map(outcome) };
      port.postMessage(reply);
      return;
    }
    case 'crash':
      // Only the pool's own specs send this: an uncaught exception, as a bug would cause.
      throw new Error('sm2.verify-worker: crash requested');
  }
});
port.postMessage({ kind: 'ready' } satisfies FromWorker);
