/**
 * `Sm2VerifyPool`: SM2 signature verification on worker threads, so that a node's event loop (its
 * HTTP requests) never waits behind verification. The main thread only posts jobs and receives
 * booleans (docs/performance.md, "SM2": the event-loop time per verified event, pool vs inline).
 *
 * - Each worker (sm2.verify-worker.ts) has its own caches and pinned-key tables: the keys it
 *   verifies often get a table there on their third use, as with `sm2Verify` on the main thread.
 * - Jobs go to the worker with the fewest jobs in flight; `verifyMany` splits a list into batches
 *   (one message per batch) across the workers, and `verify` calls made in the same tick (e.g. for
 *   each event of a polled batch) are sent together in the same way.
 * - Same results as `sm2Verify`: false for a wrong or malformed signature; a malformed key or user
 *   id rejects (TypeError / RangeError, as `sm2Verify` throws).
 * - A worker that crashes rejects only the jobs it had in flight (`Sm2VerifyPoolError`), and the
 *   pool starts a replacement. A worker that fails before it is ready (its start-up self-test) is
 *   not replaced, so a broken build cannot make the pool restart workers in a loop.
 * - `close()` lets the jobs in flight finish, then stops the workers; later calls reject.
 * - Idle workers do not keep the process alive; workers with jobs in flight do.
 *
 * Started from compiled JavaScript (dist/), the worker is the sibling `sm2.verify-worker.js`. Started
 * from the TypeScript sources (the specs under ts-jest), the worker first registers a
 * transpile-only loader (TypeScript's `transpileModule`, a dev dependency) and then imports
 * `sm2.verify-worker.ts`: the same code runs in both.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Sm2Message, Sm2Options, Sm2SignatureInput } from './sm2.signer.js';
import type { FromWorker, ToWorker, WireOutcome, WireVerifyJob } from './sm2.verify-worker.js';

/** One verification for {@link Sm2VerifyPool.verifyMany}. */
export interface Sm2VerifyJob {
  readonly message: Sm2Message;
  readonly signature: Sm2SignatureInput;
  readonly publicKey: string;
  /** Distinguishing identifier; defaults to `1234567812345678`, as for `sm2Verify`. */
  readonly userId?: string;
}

export interface Sm2VerifyPoolOptions {
  /** Number of worker threads; default max(1, available CPUs − 1). */
  readonly size?: number;
  /** Largest number of jobs sent to a worker in one message by `verifyMany` (default 64). */
  readonly maxBatch?: number;
}

/** The pool is closed, a worker crashed with the job in flight, or no worker could start. */
export class Sm2VerifyPoolError extends Error {
  override readonly name = 'Sm2VerifyPoolError';
}

const HERE = import.meta.url;

/** Resolves `./x.js` imported from a .ts file to `./x.ts` when there is no .js, and transpiles .ts files. */
const TS_LOADER = `
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
let ts;
export function initialize(data) { ts = createRequire(data.typescript)('typescript'); }
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    if (context.parentURL?.endsWith('.ts') && /^\\.\\.?\\//.test(specifier) && specifier.endsWith('.js')) {
      return next(specifier.slice(0, -3) + '.ts', context);
    }
    throw error;
  }
}
export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const fileName = fileURLToPath(url);
  const { outputText } = ts.transpileModule(await readFile(fileName, 'utf8'), {
    fileName,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, inlineSourceMap: true },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}`;

const TS_BOOTSTRAP = `
const { register } = require('node:module');
const { workerData } = require('node:worker_threads');
register('data:text/javascript,' + encodeURIComponent(workerData.loader), { data: { typescript: workerData.typescript } });
import(workerData.entry).catch((error) => { setImmediate(() => { throw error; }); });
`;

function startWorker(): Worker {
  if (!HERE.endsWith('.ts')) return new Worker(new URL('./sm2.verify-worker.js', HERE));
  return new Worker(TS_BOOTSTRAP, {
    eval: true,
    workerData: {
      entry: new URL('./sm2.verify-worker.ts', HERE).href,
      typescript: createRequire(HERE).resolve('typescript'),
      loader: TS_LOADER,
    },
  });
}

interface Task {
  readonly jobs: number;
  readonly resolve: (outcomes: readonly WireOutcome[]) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  readonly tasks: Map<number, Task>;
  readonly ready: Promise<void>;
  isReady: boolean;
  jobs: number;
  error?: Error;
}

/** A compact copy of a view into a larger buffer (structured clone would copy the whole buffer). */
const compact = (bytes: Uint8Array): Uint8Array =>
  bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();

function toWire(job: Sm2VerifyJob): WireVerifyJob | false {
  const { message, signature, publicKey, userId } = job;
  if (typeof message !== 'string' && !(message instanceof Uint8Array)) throw new TypeError('SM2 message must be a string or Uint8Array');
  if (typeof publicKey !== 'string') throw new TypeError('SM2 public key must be a string');
  if (userId !== undefined && typeof userId !== 'string') throw new TypeError('SM2 user id must be a non-empty string');
  if (typeof signature !== 'string' && !(signature instanceof Uint8Array)) return false; // as sm2Verify: not a signature
  return {
    message: typeof message === 'string' ? message : compact(message),
    signature: typeof signature === 'string' ? signature : compact(signature),
    publicKey,
    ...(userId === undefined ? {} : { userId }),
  };
}

function fromWire(outcome: WireOutcome): boolean {
  if (typeof outcome === 'boolean') return outcome;
  const { name, message } = outcome.error;
  const ErrorType = name === 'TypeError' ? TypeError : name === 'RangeError' ? RangeError : Error;
  throw new ErrorType(message);
}

const DEFAULT_MAX_BATCH = 64;

/**
 * SM2 verification on a pool of worker threads. One pool per process is enough; close it on
 * shutdown (`await pool.close()`).
 *
 * @example
 * const pool = new Sm2VerifyPool();
 * const ok = await pool.verify(eventBytes, signatureBase64, cityPublicKeyHex);
 * const oks = await pool.verifyMany(events.map((e) => ({ message: e.body, signature: e.sig, publicKey: e.key })));
 * await pool.close();
 */
export class Sm2VerifyPool {
  /** Number of worker threads. */
  readonly size: number;
  readonly #maxBatch: number;
  readonly #slots: Slot[] = [];
  readonly #inFlight = new Set<Promise<unknown>>();
  /** `verify` calls of the current tick, sent together by #flush. */
  readonly #queued: {
    readonly job: WireVerifyJob;
    readonly resolve: (outcome: WireOutcome) => void;
    readonly reject: (error: Error) => void;
  }[] = [];
  #nextId = 0;
  #replaced = 0;
  #closing = false;
  #closed: Promise<void> | undefined;
  #startError: Error | undefined;

  constructor(options: Sm2VerifyPoolOptions = {}) {
    const size = options.size ?? Math.max(1, availableParallelism() - 1);
    const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError('Sm2VerifyPool size must be a positive integer');
    if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) throw new RangeError('Sm2VerifyPool maxBatch must be a positive integer');
    this.size = size;
    this.#maxBatch = maxBatch;
    for (let i = 0; i < size; i++) this.#slots.push(this.#spawn());
  }

  /** Jobs sent to workers and not answered yet. */
  get pendingJobs(): number {
    return this.#slots.reduce((sum, slot) => sum + slot.jobs, 0);
  }

  /** Workers replaced after a crash since the pool started. */
  get replacedWorkers(): number {
    return this.#replaced;
  }

  /** Resolves when every worker has passed its start-up self-test (and built its base-point table). */
  async ready(): Promise<void> {
    await Promise.all(this.#slots.map((slot) => slot.ready));
    if (this.#slots.length === 0) throw this.#startError ?? new Sm2VerifyPoolError('Sm2VerifyPool has no workers');
  }

  /** As `sm2Verify(message, signature, publicKey, options)`, on a worker. */
  verify(message: Sm2Message, signature: Sm2SignatureInput, publicKey: string, options: Sm2Options = {}): Promise<boolean> {
    let wire: WireVerifyJob | false;
    try {
      wire = toWire({ message, signature, publicKey, ...(options.userId === undefined ? {} : { userId: options.userId }) });
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#closing) return this.#closedError();
    if (wire === false) return Promise.resolve(false);
    const job = wire;
    return new Promise<WireOutcome>((resolve, reject) => {
      this.#queued.push({ job, resolve, reject });
      if (this.#queued.length === 1) queueMicrotask(() => this.#flush());
    }).then(fromWire);
  }

  /**
   * Verifies many signatures, in batches spread over the workers; the results are in the order of
   * `jobs`. Rejects if any job has a malformed key or user id (as `sm2Verify` would throw), or if a
   * worker crashed with part of the list.
   */
  verifyMany(jobs: readonly Sm2VerifyJob[]): Promise<boolean[]> {
    const results = new Array<boolean>(jobs.length);
    const wires: WireVerifyJob[] = [];
    const positions: number[] = [];
    try {
      jobs.forEach((job, i) => {
        const wire = toWire(job);
        if (wire === false) results[i] = false;
        else {
          wires.push(wire);
          positions.push(i);
        }
      });
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#closing) return this.#closedError();
    const batches = this.#batches(wires).map(({ start, jobs: batch }) =>
      this.#dispatch(batch).then((outcomes) => {
        outcomes.forEach((outcome, k) => (results[positions[start + k]!] = fromWire(outcome)));
      }),
    );
    return Promise.all(batches).then(() => results);
  }

  /** Waits for the jobs in flight, then stops the workers. Idempotent; later calls reject. */
  close(): Promise<void> {
    this.#flush(); // calls made before close() are in flight, not refused
    this.#closing = true;
    this.#closed ??= (async () => {
      await Promise.allSettled([...this.#inFlight]);
      await Promise.all(this.#slots.map((slot) => slot.worker.terminate()));
    })();
    return this.#closed;
  }

  /**
   * Makes worker `index` throw an uncaught exception, as a bug in it would. For the pool's specs.
   * @internal
   */
  crashWorkerForTesting(index: number): void {
    const slot = this.#slots[index];
    if (!slot) throw new RangeError(`no worker ${index}`);
    slot.worker.postMessage({ kind: 'crash' } satisfies ToWorker);
  }

  #closedError(): Promise<never> {
    return Promise.reject(new Sm2VerifyPoolError('Sm2VerifyPool is closed'));
  }

  #spawn(): Slot {
    const worker = startWorker();
    let markReady!: () => void;
    let failStart!: (error: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failStart = reject;
    });
    ready.catch(() => undefined); // observed through ready() and the jobs' own rejections
    const slot: Slot = { worker, tasks: new Map(), ready, isReady: false, jobs: 0 };
    worker.unref();
    worker.on('message', (message: FromWorker) => {
      if (message.kind === 'ready') {
        slot.isReady = true;
        markReady();
        return;
      }
      const task = slot.tasks.get(message.id);
      if (!task) return;
      slot.tasks.delete(message.id);
      slot.jobs -= task.jobs;
      if (slot.tasks.size === 0) worker.unref();
      task.resolve(message.outcomes);
    });
    worker.on('error', (error) => {
      slot.error = error;
    });
    worker.on('exit', (code) => {
      const cause = slot.error ?? new Error(`worker exited with code ${code}`);
      const closing = this.#closing;
      const error = new Sm2VerifyPoolError(
        closing ? 'Sm2VerifyPool closed' : slot.isReady ? 'SM2 verification worker crashed' : 'SM2 verification worker failed to start',
        { cause },
      );
      for (const task of slot.tasks.values()) task.reject(error);
      slot.tasks.clear();
      slot.jobs = 0;
      if (!slot.isReady) failStart(error);
      const index = this.#slots.indexOf(slot);
      if (closing || index < 0) return;
      if (slot.isReady) {
        this.#slots[index] = this.#spawn();
        this.#replaced++;
      } else {
        this.#slots.splice(index, 1);
        this.#startError = error;
      }
    });
    return slot;
  }

  /** Splits jobs into batches of at most maxBatch, spread over the workers. */
  #batches(jobs: readonly WireVerifyJob[]): { start: number; jobs: WireVerifyJob[] }[] {
    const size = Math.min(this.#maxBatch, Math.max(1, Math.ceil(jobs.length / Math.max(1, this.#slots.length))));
    const batches: { start: number; jobs: WireVerifyJob[] }[] = [];
    for (let start = 0; start < jobs.length; start += size) batches.push({ start, jobs: jobs.slice(start, start + size) });
    return batches;
  }

  /** Sends the `verify` calls made since the last flush (same tick), batched like `verifyMany`. */
  #flush(): void {
    const queued = this.#queued.splice(0);
    if (queued.length === 0) return;
    for (const { start, jobs } of this.#batches(queued.map((q) => q.job))) {
      const waiting = queued.slice(start, start + jobs.length);
      this.#dispatch(jobs).then(
        (outcomes) => waiting.forEach((q, k) => q.resolve(outcomes[k]!)),
        (error: Error) => waiting.forEach((q) => q.reject(error)),
      );
    }
  }

  #dispatch(jobs: WireVerifyJob[]): Promise<readonly WireOutcome[]> {
    if (this.#closing) return this.#closedError();
    let slot: Slot | undefined;
    for (const candidate of this.#slots) if (!slot || candidate.jobs < slot.jobs) slot = candidate;
    if (!slot) return Promise.reject(this.#startError ?? new Sm2VerifyPoolError('Sm2VerifyPool has no workers'));
    const target = slot;
    const id = ++this.#nextId;
    const promise = new Promise<readonly WireOutcome[]>((resolve, reject) => {
      target.tasks.set(id, { jobs: jobs.length, resolve, reject });
      target.jobs += jobs.length;
      if (target.tasks.size === 1) target.worker.ref();
      try {
        target.worker.postMessage({ kind: 'verify', id, jobs } satisfies ToWorker);
      } catch (error) {
        target.tasks.delete(id);
        target.jobs -= jobs.length;
        if (target.tasks.size === 0) target.worker.unref();
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    this.#inFlight.add(promise);
    const forget = () => this.#inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }
}
