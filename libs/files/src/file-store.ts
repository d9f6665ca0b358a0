import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { sm3 } from '@guangfo/gm-crypto';
import { sha256Hex } from '@guangfo/kernel';
import { actorOf, AuditService, CityRegistry, NODE_CONFIG, type NodeConfig, platformError, type Principal } from '@guangfo/platform';
import { checkCsv, checkMediaType, FILE_MAX_BYTES, sanitizeFileName, type StoredMediaType } from './media-type.js';

/** The claim check: what a cross-city event carries instead of the bytes. */
export interface FileRef {
  fileId: string;
  /** Lower-case hex. */
  sha256: string;
  sizeBytes: number;
  mediaType: StoredMediaType;
}

export interface StoredFile extends FileRef {
  fileName: string;
  /** Lower-case hex SM3 of the content. */
  sm3: string;
  /** The city where the file was uploaded (the only one that may grant it). */
  originCity: string;
  /** Audit actor of the uploader (`resident:<sub>`, `clerk:<sub>`), or `city:<code>` for a replica. */
  uploadedBy: string;
  replica: boolean;
  createdAt: string;
}

export interface PutFile {
  bytes: Buffer;
  fileName?: string;
  /** The client's declared content type; the bytes decide, and must not contradict it. */
  declaredType?: string;
  /** The uploader (principal or audit actor string). */
  uploadedBy: Principal | string;
  /** What the caller stores: case materials (PDF, JPEG, PNG, OFD; the default) or a UTF-8 CSV data file. */
  accept?: 'materials' | 'text/csv';
  /** A smaller size limit than the store's 20 MiB. */
  maxBytes?: number;
}

interface FileRow {
  id: string;
  origin_city: string;
  replica: boolean;
  file_name: string;
  media_type: StoredMediaType;
  size_bytes: number;
  sha256: string;
  sm3: string;
  uploaded_by: string;
  created_at: Date;
}

const META = 'id, origin_city, replica, file_name, media_type, size_bytes, sha256, sm3, uploaded_by, created_at';
const SLICE = 1024 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const stored = (r: FileRow): StoredFile => ({
  fileId: r.id,
  sha256: r.sha256,
  sizeBytes: r.size_bytes,
  mediaType: r.media_type,
  fileName: r.file_name,
  sm3: r.sm3,
  originCity: r.origin_city,
  uploadedBy: r.uploaded_by,
  replica: r.replica,
  createdAt: r.created_at.toISOString(),
});

/**
 * The node's own files, one bytea per file in `platform.file_blob` (see docs/files.md for why),
 * checked by size and magic bytes, hashed with sha256 and SM3. Grants let a peer city fetch a
 * file by claim check.
 */
@Injectable()
export class FileStore {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly registry: CityRegistry,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** Checks and stores an uploaded (or generated) file; audited `file.uploaded`. */
  async put(input: PutFile, em?: EntityManager): Promise<StoredFile> {
    const { bytes } = input;
    const max = Math.min(input.maxBytes ?? FILE_MAX_BYTES, FILE_MAX_BYTES);
    if (bytes.length > max) throw platformError('PAYLOAD_TOO_LARGE', { detail: `a file may have at most ${max} bytes here` });
    if (bytes.length === 0) throw platformError('FILE_TYPE_NOT_ALLOWED', { detail: 'the file is empty' });
    const type = input.accept === 'text/csv' ? checkCsv(bytes, input.declaredType) : checkMediaType(bytes, input.declaredType);
    if (!type.ok) throw platformError('FILE_TYPE_NOT_ALLOWED', { detail: type.reason });
    const actor = typeof input.uploadedBy === 'string' ? input.uploadedBy : actorOf(input.uploadedBy);
    const id = randomUUID();
    const write = async (tx: EntityManager) => {
      const [row] = (await tx.query(
        `INSERT INTO platform.file_blob (id, origin_city, replica, file_name, media_type, size_bytes, sha256, sm3, uploaded_by, content)
         VALUES ($1, $2, false, $3, $4, $5, $6, $7, $8, $9) RETURNING ${META}`,
        [
          id,
          this.config.cityCode,
          sanitizeFileName(input.fileName, type.mediaType),
          type.mediaType,
          bytes.length,
          sha256Hex(bytes),
          sm3(bytes),
          actor,
          bytes,
        ],
      )) as FileRow[];
      await this.audit.record(
        {
          actor,
          action: 'file.uploaded',
          resource: `file:${id}`,
          outcome: 'success',
          detail: { sizeBytes: bytes.length, mediaType: type.mediaType, sha256: row.sha256 },
        },
        tx,
      );
      return stored(row);
    };
    return em ? write(em) : this.dataSource.transaction(write);
  }

  /** Stores a verified copy of a peer city's file under the same id (FileInterchange). */
  async putReplica(em: EntityManager, fromCity: string, ref: FileRef, fileName: string, bytes: Buffer): Promise<StoredFile> {
    const [row] = (await em.query(
      `INSERT INTO platform.file_blob (id, origin_city, replica, file_name, media_type, size_bytes, sha256, sm3, uploaded_by, content)
       VALUES ($1, $2, true, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING RETURNING ${META}`,
      [
        ref.fileId,
        fromCity,
        sanitizeFileName(fileName, ref.mediaType),
        ref.mediaType,
        bytes.length,
        sha256Hex(bytes),
        sm3(bytes),
        `city:${fromCity}`,
        bytes,
      ],
    )) as FileRow[];
    if (row) return stored(row);
    const existing = await this.require(ref.fileId, em);
    if (existing.sha256 !== ref.sha256 || existing.originCity !== fromCity)
      throw platformError('FILE_INTEGRITY_MISMATCH', { detail: `a different file ${ref.fileId} is already stored here` });
    return existing;
  }

  async find(id: string, em?: EntityManager): Promise<StoredFile | undefined> {
    if (!UUID.test(id)) return undefined;
    const [row] = (await (em ?? this.dataSource).query(`SELECT ${META} FROM platform.file_blob WHERE id = $1`, [id])) as FileRow[];
    return row ? stored(row) : undefined;
  }

  async require(id: string, em?: EntityManager): Promise<StoredFile> {
    const f = await this.find(id, em);
    if (!f) throw platformError('FILE_NOT_FOUND', { detail: `no file ${id}` });
    return f;
  }

  /** The whole content (at most 20 MiB). */
  async read(id: string): Promise<Buffer> {
    const [row] = (await this.dataSource.query(`SELECT content FROM platform.file_blob WHERE id = $1`, [id])) as { content: Buffer }[];
    if (!row) throw platformError('FILE_NOT_FOUND', { detail: `no file ${id}` });
    return row.content;
  }

  /** The content in 1 MiB slices (the column is stored EXTERNAL, so a slice reads only its TOAST chunks). */
  stream(file: Pick<StoredFile, 'fileId' | 'sizeBytes'>): Readable {
    const ds = this.dataSource;
    return Readable.from(
      (async function* () {
        for (let offset = 0; offset < file.sizeBytes; offset += SLICE) {
          const [row] = (await ds.query(`SELECT substring(content FROM $2 FOR $3) AS chunk FROM platform.file_blob WHERE id = $1`, [
            file.fileId,
            offset + 1,
            SLICE,
          ])) as { chunk: Buffer }[];
          if (!row) throw new Error(`file ${file.fileId} vanished while streaming`);
          yield row.chunk;
        }
      })(),
      { objectMode: false },
    );
  }

  /**
   * Lets `toCity` fetch the file (claim check), in the caller's transaction; audited
   * `file.granted`; idempotent. Returns the reference to put in the event.
   */
  async grant(em: EntityManager, fileId: string, toCity: string, actor = 'system'): Promise<FileRef> {
    if (toCity === this.config.cityCode) throw new Error('a city does not grant files to itself');
    if (!this.registry.get(toCity)) throw new Error(`city ${toCity} is not in the city registry`);
    const file = await this.require(fileId, em);
    if (file.replica || file.originCity !== this.config.cityCode)
      throw platformError('FILE_NOT_GRANTABLE', { detail: `file ${fileId} originated in ${file.originCity}; only that city grants it` });
    const inserted = (await em.query(
      `INSERT INTO platform.file_grant (file_id, to_city, granted_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING file_id`,
      [fileId, toCity, actor],
    )) as unknown[];
    if (inserted.length) {
      await this.audit.record(
        { actor, action: 'file.granted', resource: `file:${fileId}`, outcome: 'success', detail: { toCity, sha256: file.sha256 } },
        em,
      );
    }
    return this.refOf(file);
  }

  async isGranted(fileId: string, city: string, em?: EntityManager): Promise<boolean> {
    if (!UUID.test(fileId)) return false;
    const rows = (await (em ?? this.dataSource).query(
      `SELECT 1 FROM platform.file_grant g JOIN platform.file_blob f ON f.id = g.file_id
        WHERE g.file_id = $1 AND g.to_city = $2 AND f.replica = false AND f.origin_city = $3`,
      [fileId, city, this.config.cityCode],
    )) as unknown[];
    return rows.length > 0;
  }

  refOf(file: StoredFile): FileRef {
    return { fileId: file.fileId, sha256: file.sha256, sizeBytes: file.sizeBytes, mediaType: file.mediaType };
  }

  /** True if this principal uploaded the file (e.g. a resident attaching a material to their case). */
  isUploadedBy(file: StoredFile, p: Principal): boolean {
    return file.uploadedBy === actorOf(p) && p.city === file.originCity && !file.replica;
  }

  /** The uploader, and clerks and supervisors of this city. */
  canRead(file: StoredFile, p: Principal): boolean {
    if (p.kind !== 'user' || p.city !== this.config.cityCode) return false;
    if (p.role === 'clerk' || p.role === 'supervisor') return true;
    return this.isUploadedBy(file, p);
  }

  /** A file read by a person of this city (the uploader; clerks, supervisors): refused unless canRead; audited either way. */
  async openFor(p: Principal, id: string): Promise<StoredFile> {
    const file = await this.require(id);
    const actor = actorOf(p);
    if (!this.canRead(file, p)) {
      await this.audit.record({ actor, action: 'file.read', resource: `file:${id}`, outcome: 'denied' });
      throw platformError('FILE_ACCESS_DENIED', { detail: 'only the uploader and the clerks of this city read a file' });
    }
    await this.audit.record({
      actor,
      action: 'file.read',
      resource: `file:${id}`,
      outcome: 'success',
      detail: { sizeBytes: file.sizeBytes },
    });
    return file;
  }

  /** A file fetched by a peer city (claim check): refused unless granted to that city; audited either way. */
  async openForCity(city: string, id: string): Promise<StoredFile> {
    const actor = `city:${city}`;
    const file = await this.find(id);
    if (!file || !(await this.isGranted(file.fileId, city))) {
      await this.audit.record({
        actor,
        action: 'file.read',
        resource: `file:${id.slice(0, 64)}`,
        outcome: 'denied',
        detail: { via: 'interchange' },
      });
      throw platformError('FILE_NOT_GRANTED', { detail: `no file ${id} granted to ${city}` });
    }
    await this.audit.record({
      actor,
      action: 'file.read',
      resource: `file:${id}`,
      outcome: 'success',
      detail: { via: 'interchange', sizeBytes: file.sizeBytes },
    });
    return file;
  }
}
