/** The domain's seed directory (policies, catalogues, hospitals of this city). */
export const MEDICAL_SEED_DIR = Symbol('MEDICAL_SEED_DIR');
