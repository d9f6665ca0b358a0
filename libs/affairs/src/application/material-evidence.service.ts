import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CaseMaterial, MaterialEvidence } from '@guangfo/contracts';
import { CredentialVerifier } from '@guangfo/credentials';
import { type FileRef, FileReplicator, FileStore } from '@guangfo/files';
import { type FieldError, NODE_CONFIG, type NodeConfig, type Principal } from '@guangfo/platform';
import { affairsError } from '../affairs.errors.js';

/** A submitted material, as the caller sent it, with the evidence built from it. */
export interface SubmittedEvidence {
  field: string;
  evidence: MaterialEvidence;
  /** The signed credential document, when the evidence is a credential. */
  document?: unknown;
}

/**
 * Makes material evidence real before a case records it:
 * - 免提交: a credential presented in place of a material is verified here, from this city's
 *   replicated issuer keys and status, whichever city issued it; it must be of a type the
 *   catalogue lets replace the material and belong to the applicant. The case records the result.
 * - a file reference must name a file in this city's store the caller may read; its hash, size and
 *   type are taken from the store, and the other cities of the case are granted the claim check,
 *   so their nodes fetch the bytes (never through the event) and verify the hash.
 */
@Injectable()
export class MaterialEvidenceService {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly verifier: CredentialVerifier,
    private readonly files: FileStore,
    private readonly replicator: FileReplicator,
  ) {}

  /** Verifies credentials and resolves file references; mutates the evidence; throws a 422 problem listing every failure. */
  async check(p: Principal, submitted: SubmittedEvidence[], holderCode: string): Promise<void> {
    const errors: FieldError[] = [];
    let credentialRejected = false;
    for (const s of submitted) {
      const ev = s.evidence;
      if (ev.kind === 'credential') {
        const r = await this.verifier.verifyPresented(s.document, { expectedType: ev.credentialType, holderCode });
        const matches = r.credential && (r.credential.id === ev.credentialId || r.credential.number === ev.credentialId);
        if (!r.valid || !matches) {
          credentialRejected = true;
          const reasons = [...r.reasons, ...(r.credential && !matches ? ['ID_MISMATCH'] : [])];
          errors.push({
            field: `${s.field}.credential`,
            rule: 'credentialVerified',
            message: `credential rejected: ${reasons.join(', ')}`,
          });
          ev.verification = 'failed';
          continue;
        }
        ev.verification = 'verified';
        ev.verifiedBy = this.config.cityCode;
        ev.verifiedAt = r.checkedAt;
        ev.issuerCity = r.credential!.issuer.city;
        ev.credentialNumber = r.credential!.number;
        if (r.warnings.length) ev.warnings = [...r.warnings];
      } else if (ev.kind === 'file-ref') {
        const file = await this.files.find(ev.fileId);
        if (!file || !this.files.canRead(file, p) || file.replica) {
          errors.push({
            field: `${s.field}.fileId`,
            rule: 'fileExists',
            message: `no file ${ev.fileId} uploaded in this city that you may use`,
          });
          continue;
        }
        if (ev.sha256 && ev.sha256 !== file.sha256) {
          errors.push({ field: `${s.field}.sha256`, rule: 'fileHash', message: `file ${ev.fileId} has sha256 ${file.sha256}` });
          continue;
        }
        ev.sha256 = file.sha256;
        ev.sizeBytes = file.sizeBytes;
        ev.mediaType = file.mediaType;
        ev.ownerCity = file.originCity;
      }
    }
    if (errors.length) {
      throw affairsError(credentialRejected ? 'CASE_CREDENTIAL_REJECTED' : 'CASE_MATERIALS_INVALID', {
        detail: errors.map((e) => e.message).join('; '),
        fieldErrors: errors,
      });
    }
  }

  /** In the transaction that records the evidence: grant every other city of the case the files this city owns. */
  async grant(
    em: EntityManager,
    evidence: readonly (MaterialEvidence | undefined)[],
    toCities: readonly string[],
    actor: string,
  ): Promise<void> {
    for (const ev of evidence) {
      if (ev?.kind !== 'file-ref' || ev.ownerCity !== this.config.cityCode) continue;
      for (const city of toCities) if (city !== this.config.cityCode) await this.files.grant(em, ev.fileId, city, actor);
    }
  }

  /** In a replica's inbox transaction: queue the fetch of files another city owns (background, hash-verified). */
  async replicate(em: EntityManager, evidence: readonly (MaterialEvidence | undefined)[]): Promise<void> {
    for (const ev of evidence) {
      if (
        ev?.kind !== 'file-ref' ||
        !ev.ownerCity ||
        ev.ownerCity === this.config.cityCode ||
        !ev.sha256 ||
        ev.sizeBytes === undefined ||
        !ev.mediaType
      )
        continue;
      await this.replicator.enqueue(em, {
        fromCity: ev.ownerCity,
        ref: { fileId: ev.fileId, sha256: ev.sha256, sizeBytes: ev.sizeBytes, mediaType: ev.mediaType as FileRef['mediaType'] },
      });
    }
  }

  /** Evidence of a whole filing. */
  static ofMaterials(materials: readonly CaseMaterial[]): MaterialEvidence[] {
    return materials.map((m) => m.evidence);
  }
}
