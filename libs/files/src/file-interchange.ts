import { createHash } from 'node:crypto';
import { signInterchangeRequest } from '@guangfo/federation';
import { backoffMs } from '@guangfo/kernel';
import {
  AuditService,
  CityRegistry,
  type DomainError,
  NODE_CONFIG,
  type NodeConfig,
  outboundRequest,
  peerApiBaseUrl,
  platformError,
} from '@guangfo/platform';
import type { IncomingMessage } from 'node:http';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { FileStore, type FileRef, type StoredFile } from './file-store.js';
import { FILES_POLICY, type FilesPolicy } from './files.policy.js';
import { detectMediaType, FILE_MAX_BYTES, isAllowedMediaType } from './media-type.js';

export const INTERCHANGE_FILES_PATH = '/api/v1/interchange/files';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface FetchOptions {
  timeoutMs?: number;
  /** Attempts for transient failures (network, timeout, 5xx, integrity); 4xx answers are final. */
  attempts?: number;
  /** Runs in the transaction that stores the copy (only when a copy is stored now). */
  onStored?: (file: StoredFile, em: EntityManager) => Promise<void>;
}

/** A reference as it arrives in an event: checked before anything is fetched. */
export const assertFileRef = (ref: FileRef): void => {
  const ok =
    typeof ref === 'object' &&
    ref !== null &&
    typeof ref.fileId === 'string' &&
    UUID.test(ref.fileId) &&
    typeof ref.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(ref.sha256) &&
    Number.isInteger(ref.sizeBytes) &&
    ref.sizeBytes > 0 &&
    ref.sizeBytes <= FILE_MAX_BYTES &&
    typeof ref.mediaType === 'string' &&
    isAllowedMediaType(ref.mediaType);
  if (!ok)
    throw platformError('VALIDATION_FAILED', {
      detail: 'not a valid file reference { fileId (uuid), sha256 (hex), sizeBytes (1..20 MiB), mediaType }',
    });
};

/** A small JSON body (a problem document), or {} when it is not JSON. */
const readJson = async (res: IncomingMessage): Promise<unknown> => {
  let text = '';
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      text += chunk.toString('utf8');
      if (text.length > 65_536) break;
    }
    return JSON.parse(text) as unknown;
  } catch {
    return {};
  }
};

class FetchFailure extends Error {
  constructor(
    readonly error: DomainError,
    readonly retryable: boolean,
  ) {
    super(error.message);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Node-to-node file transfer: fetches a granted file from its owning city, verifies it, keeps a copy. */
@Injectable()
export class FileInterchange {
  private readonly logger = new Logger(FileInterchange.name);

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    @Inject(FILES_POLICY) private readonly policy: FilesPolicy,
    private readonly registry: CityRegistry,
    private readonly dataSource: DataSource,
    private readonly files: FileStore,
    private readonly audit: AuditService,
  ) {}

  /**
   * The local copy of `ref` from `city`: returned at once if already here; otherwise fetched
   * (signed request, timeout, bounded retries), checked (size, sha256, magic bytes) and stored.
   * Throws FILE_INTEGRITY_MISMATCH, FILE_NOT_GRANTED (peer said 403) or PEER_UNAVAILABLE.
   */
  async fetchFromPeer(city: string, ref: FileRef, o: FetchOptions = {}): Promise<StoredFile> {
    assertFileRef(ref);
    if (city === this.config.cityCode) throw new Error('fetchFromPeer: the file is already in this city');
    const existing = await this.files.find(ref.fileId);
    if (existing) {
      if (existing.sha256 === ref.sha256 && existing.originCity === city) return existing;
      throw platformError('FILE_INTEGRITY_MISMATCH', { detail: `a different file ${ref.fileId} is already stored here` });
    }
    const base = peerApiBaseUrl(this.config, this.registry.get(city)?.apiBaseUrl, city);
    if (!base)
      throw platformError('PEER_UNAVAILABLE', {
        detail: `no API base URL for city ${city} (PEER_API_BASE_URLS or the registry's apiBaseUrl)`,
      });
    const attempts = Math.max(1, o.attempts ?? this.policy.fetchAttempts);
    for (let attempt = 1; ; attempt++) {
      try {
        const { bytes, fileName } = await this.fetchOnce(base, city, ref, o.timeoutMs ?? this.policy.fetchTimeoutMs);
        return await this.dataSource.transaction(async (em) => {
          const file = await this.files.putReplica(em, city, ref, fileName, bytes);
          await this.audit.record(
            {
              actor: `city:${city}`,
              action: 'file.replicated',
              resource: `file:${ref.fileId}`,
              outcome: 'success',
              detail: { fromCity: city, sha256: ref.sha256, sizeBytes: ref.sizeBytes },
            },
            em,
          );
          if (o.onStored) await o.onStored(file, em);
          return file;
        });
      } catch (err) {
        // Storing (or the onStored listener) failed: not a transfer problem, not retried here.
        if (!(err instanceof FetchFailure)) throw err;
        if (!err.retryable || attempt >= attempts) throw err.error;
        await sleep(backoffMs({ baseMs: this.policy.fetchRetryBaseMs, maxMs: Number.POSITIVE_INFINITY }, attempt));
      }
    }
  }

  private async fetchOnce(base: string, city: string, ref: FileRef, timeoutMs: number): Promise<{ bytes: Buffer; fileName: string }> {
    const path = `${INTERCHANGE_FILES_PATH}/${ref.fileId}`;
    const headers = signInterchangeRequest({
      method: 'GET',
      path,
      fromCity: this.config.cityCode,
      toCity: city,
      keyId: this.config.signingKey.keyId,
      privateKeyHex: this.config.signingKey.privateKeyHex,
    });
    // The peer's base URL is the operator's (config or registry), and the connection obeys the node's
    // outbound policy like any other outbound call: no redirects, every resolved address checked.
    let res: IncomingMessage;
    try {
      res = await outboundRequest(`${base}${path}`, { method: 'GET', headers, timeoutMs, policy: this.config.outbound });
    } catch (err) {
      throw new FetchFailure(
        platformError('PEER_UNAVAILABLE', { detail: `${city}: ${(err as Error).message}` }),
        (err as { code?: string }).code !== 'EFORBIDDENADDRESS',
      );
    }
    const status = res.statusCode ?? 0;
    const header = (name: string): string | undefined => {
      const v = res.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const bodyTimer = setTimeout(() => res.destroy(new Error(`body not complete within ${timeoutMs} ms`)), timeoutMs);
    try {
      if (status < 200 || status >= 300) {
        const problem = (await readJson(res)) as { code?: string; detail?: string };
        const detail = `${city} answered ${status} ${problem.code ?? ''} ${problem.detail ?? ''}`.trim();
        this.logger.warn({ fileId: ref.fileId, city, status, code: problem.code }, `file fetch refused: ${detail}`);
        const error = status === 403 ? platformError('FILE_NOT_GRANTED', { detail }) : platformError('PEER_UNAVAILABLE', { detail });
        throw new FetchFailure(error, status >= 500 || status === 429 || status === 408);
      }
      const declared = Number(header('content-length') ?? NaN);
      if (Number.isFinite(declared) && declared !== ref.sizeBytes) {
        res.destroy();
        throw await this.rejected(city, ref, `size ${declared} announced, ${ref.sizeBytes} expected`);
      }
      const hash = createHash('sha256');
      const chunks: Buffer[] = [];
      let size = 0;
      try {
        for await (const chunk of res as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > ref.sizeBytes) break;
          hash.update(chunk);
          chunks.push(chunk);
        }
      } catch (err) {
        throw new FetchFailure(platformError('PEER_UNAVAILABLE', { detail: `${city}: body interrupted: ${(err as Error).message}` }), true);
      }
      return await this.checked(city, ref, hash.digest('hex'), chunks, size, header('x-guangfo-file-name') ?? '');
    } finally {
      clearTimeout(bodyTimer);
      if (!res.complete) res.destroy();
    }
  }

  private async checked(
    city: string,
    ref: FileRef,
    sha256: string,
    chunks: Buffer[],
    size: number,
    rawName: string,
  ): Promise<{ bytes: Buffer; fileName: string }> {
    if (size !== ref.sizeBytes)
      throw await this.rejected(
        city,
        ref,
        `${size > ref.sizeBytes ? 'more than' : 'only'} ${size} bytes received, ${ref.sizeBytes} expected`,
      );
    if (sha256 !== ref.sha256) throw await this.rejected(city, ref, `sha256 ${sha256} received, ${ref.sha256} expected`);
    const bytes = Buffer.concat(chunks, size);
    const detected = detectMediaType(bytes);
    if (detected !== ref.mediaType)
      throw await this.rejected(city, ref, `content is ${detected ?? 'of no allowed type'}, ${ref.mediaType} expected`);
    let fileName = '';
    try {
      fileName = decodeURIComponent(rawName);
    } catch {
      fileName = '';
    }
    return { bytes, fileName };
  }

  /** An integrity failure: nothing is stored; logged and audited; retryable (it may be a transient corruption). */
  private async rejected(city: string, ref: FileRef, reason: string): Promise<FetchFailure> {
    this.logger.error({ fileId: ref.fileId, city, reason }, 'file from peer rejected: integrity check failed');
    await this.audit
      .record({
        actor: `city:${city}`,
        action: 'file.replication-rejected',
        resource: `file:${ref.fileId}`,
        outcome: 'rejected',
        detail: { fromCity: city, reason },
      })
      .catch((err: unknown) => this.logger.warn({ err }, 'could not audit a rejected file'));
    return new FetchFailure(
      platformError('FILE_INTEGRITY_MISMATCH', { detail: `file ${ref.fileId} from ${city} rejected: ${reason}` }),
      true,
    );
  }
}
