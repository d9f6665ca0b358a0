import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { FileStore, type StoredFile } from '@guangfo/files';
import { actorOf, AuditService, NODE_CONFIG, type NodeConfig, type PartnerPrincipal } from '@guangfo/platform';
import type { DayEntry } from '../domain/reconciliation.js';
import { medicalError } from '../medical.errors.js';
import { ClearingApplicationRepository } from '../infrastructure/clearing-application.repository.js';
import { parseDetailFile } from './detail-file.js';
import { SettlementService } from './settlement.service.js';

/** A 3202 detail file: at most 20 MiB (the file store's limit; about 150 000 lines). */
export const DETAIL_FILE_MAX_BYTES = 20 * 1024 * 1024;

export interface HospitalFileView {
  fileId: string;
  fileName: string;
  sizeBytes: number;
  sha256: string;
  mediaType: string;
  purpose: 'upload' | 'result';
  /** Lines of the detail file (uploads). */
  lines: number | null;
  createdAt: string;
}

const fileView = (f: StoredFile, purpose: 'upload' | 'result', lines: number | null): HospitalFileView => ({
  fileId: f.fileId,
  fileName: f.fileName,
  sizeBytes: f.sizeBytes,
  sha256: f.sha256,
  mediaType: f.mediaType,
  purpose,
  lines,
  createdAt: f.createdAt,
});

/**
 * 9101 文件上传 / 9102 文件下载 for 3202: a hospital uploads its detail file (UTF-8 CSV, checked as such and as a detail file)
 * and gets a file id (file_qury_no) to name in 3202; each 3202 run writes its result file, which the hospital downloads. The
 * bytes live in the node's file store (@guangfo/files); `medical.hospital_file` binds each file to its hospital, and only that
 * hospital reads it. Uploads and downloads are audited.
 */
@Injectable()
export class HospitalFileService {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly dataSource: DataSource,
    private readonly settlements: SettlementService,
    private readonly files: FileStore,
    private readonly repo: ClearingApplicationRepository,
    private readonly audit: AuditService,
  ) {}

  /** 9101: stores the hospital's 3202 detail file once it parses; the answer names it for 3202. */
  async upload(p: PartnerPrincipal, input: { bytes: Buffer; fileName?: string; declaredType?: string }): Promise<HospitalFileView> {
    const h = await this.settlements.hospital(p);
    if (input.bytes.length > DETAIL_FILE_MAX_BYTES)
      throw medicalError('MEDICAL_FILE_INVALID', { detail: `a detail file has at most ${DETAIL_FILE_MAX_BYTES} bytes` });
    const lines = parseDetailFile(this.text(input.bytes), 'MEDICAL_FILE_INVALID').length;
    return this.dataSource.transaction(async (em) => {
      const f = await this.files.put(
        {
          bytes: input.bytes,
          fileName: input.fileName ?? '3202-detail.csv',
          declaredType: input.declaredType,
          uploadedBy: p,
          accept: 'text/csv',
          maxBytes: DETAIL_FILE_MAX_BYTES,
        },
        em,
      );
      await this.repo.bindFile(em, { file_id: f.fileId, hospital_code: h.hospital_code, purpose: 'upload', reconciliation_id: null });
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.file.upload',
          resource: `file:${f.fileId}`,
          outcome: 'success',
          detail: { infno: '9101', hospital: h.hospital_code, lines, sizeBytes: f.sizeBytes },
        },
        em,
      );
      return fileView(f, 'upload', lines);
    });
  }

  /** The entries of a detail file this hospital uploaded (3202 naming a file id). */
  async detailEntries(p: PartnerPrincipal, fileId: string): Promise<DayEntry[]> {
    const h = await this.settlements.hospital(p);
    const bound = await this.repo.hospitalFile(this.dataSource, fileId);
    if (!bound || bound.hospital_code !== h.hospital_code || bound.purpose !== 'upload')
      throw medicalError('MEDICAL_FILE_NOT_FOUND', { detail: `no detail file ${fileId} uploaded by this hospital (9101)` });
    return parseDetailFile(this.text(await this.files.read(fileId)), 'MEDICAL_FILE_INVALID');
  }

  /** Writes the result file of a 3202 run, bound to the hospital, in the run's transaction. */
  async storeResult(em: EntityManager, hospitalCode: string, reconciliationId: string, day: string, csv: string): Promise<string> {
    const f = await this.files.put(
      {
        bytes: Buffer.from(csv, 'utf8'),
        fileName: `3202-result-${hospitalCode}-${day}.csv`,
        declaredType: 'text/csv',
        uploadedBy: `agency:${this.config.cityCode}`,
        accept: 'text/csv',
      },
      em,
    );
    await this.repo.bindFile(em, {
      file_id: f.fileId,
      hospital_code: hospitalCode,
      purpose: 'result',
      reconciliation_id: reconciliationId,
    });
    return f.fileId;
  }

  /** 9102: a file of this hospital (its upload or a result), audited; another hospital's is not found. */
  async download(p: PartnerPrincipal, fileId: string): Promise<{ view: HospitalFileView; bytes: Buffer }> {
    const h = await this.settlements.hospital(p);
    const bound = await this.repo.hospitalFile(this.dataSource, fileId);
    const f = bound && bound.hospital_code === h.hospital_code ? await this.files.find(fileId) : undefined;
    if (!bound || !f) {
      await this.audit.record({
        actor: actorOf(p),
        action: 'medical.file.download',
        resource: `file:${fileId.slice(0, 64)}`,
        outcome: 'denied',
      });
      throw medicalError('MEDICAL_FILE_NOT_FOUND', { detail: `no file ${fileId} of this hospital` });
    }
    const bytes = await this.files.read(fileId);
    await this.audit.record({
      actor: actorOf(p),
      action: 'medical.file.download',
      resource: `file:${fileId}`,
      outcome: 'success',
      detail: { infno: '9102', purpose: bound.purpose, sizeBytes: f.sizeBytes },
    });
    return { view: fileView(f, bound.purpose, null), bytes };
  }

  private text(bytes: Buffer): string {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw medicalError('MEDICAL_FILE_INVALID', { detail: 'a detail file is UTF-8 CSV' });
    }
  }
}
