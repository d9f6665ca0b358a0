import type { PartnerPrincipal, SqlRunner } from '@guangfo/platform';
import { medicalError } from '../medical.errors.js';
import type { HospitalRow, MedicalRepository } from '../infrastructure/medical.repository.js';

/** The designated hospital of `city` that this partner key is bound to; MEDICAL_NOT_A_HOSPITAL when it is bound to none. */
export const partnerHospital = async (repo: MedicalRepository, db: SqlRunner, p: PartnerPrincipal, city: string): Promise<HospitalRow> => {
  const h = await repo.hospitalOf(db, p.id, city);
  if (!h) throw medicalError('MEDICAL_NOT_A_HOSPITAL', { detail: `key ${p.id} is not bound to a designated hospital of ${city}` });
  return h;
};
