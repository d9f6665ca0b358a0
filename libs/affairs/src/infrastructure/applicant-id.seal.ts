import { Injectable } from '@nestjs/common';
import { Sealer } from '@guangfo/gm-crypto';

/** The associated data an applicant's sealed ID number is bound to: its purpose and its case. */
export const applicantIdAd = (caseId: string): string => `affairs.case.applicant-id:${caseId}`;

/**
 * Applicants' ID numbers at rest (`affairs.case.applicant_id_cipher`), sealed with the node's
 * data-sealing keyring (the platform's Sealer: its own key, never the signing key) and bound to
 * the case id, so a sealed number copied onto another case does not open.
 */
@Injectable()
export class ApplicantIdSeal {
  constructor(private readonly sealer: Sealer) {}

  seal(caseId: string, idNumber: string): string {
    return this.sealer.seal(idNumber, applicantIdAd(caseId));
  }

  open(caseId: string, sealed: string): string {
    return this.sealer.open(sealed, applicantIdAd(caseId));
  }
}
