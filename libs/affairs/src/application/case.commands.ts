import type { CaseChannel, CaseMode } from '@guangfo/contracts';

/**
 * What the application services take: plain command shapes. The HTTP DTOs (`http/dto`) implement
 * them and carry the validation rules and the OpenAPI metadata; nothing here knows about HTTP.
 */

/** How a window clerk checked the applicant's identity in person (recorded on the case). */
export const IDENTITY_CHECK_METHODS = ['id-card-reader', 'id-card-inspection', 'face-match'] as const;
export type IdentityCheckMethod = (typeof IDENTITY_CHECK_METHODS)[number];

export interface FileMetadata {
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
}

export interface CredentialRef {
  type: string;
  id: string;
  document: Record<string, unknown>;
}

export interface MaterialSubmission {
  materialId: string;
  file?: FileMetadata;
  fileId?: string;
  sha256?: string;
  credential?: CredentialRef;
  missing?: true;
}

export interface SupplementResponse {
  itemId: string;
  file?: FileMetadata;
  fileId?: string;
  sha256?: string;
  credential?: CredentialRef;
  text?: string;
}

export interface ApplicantInput {
  name: string;
  idNumber: string;
  identityCheck?: IdentityCheckMethod;
  sub?: string;
}

export interface FileCaseCommand {
  itemCode: string;
  mode: CaseMode;
  administeringCity: string;
  applicantCity?: string;
  channel?: CaseChannel;
  applicant?: ApplicantInput;
  materials: MaterialSubmission[];
  note?: string;
}

export interface SupplementCommand {
  responses: SupplementResponse[];
}

export interface CaseQuery {
  state?: string;
  item?: string;
  due?: string;
  held?: boolean;
  hall?: string;
  cursor?: string;
  limit?: number;
}
