import type { CaseActor, CaseFiling, CaseMaterial, CaseState } from '@guangfo/contracts';
import type { CaseAggregate } from '../src/domain/case.aggregate.js';

export const GZ = '440100';
export const FS = '440600';
export const CASE_ID = '11111111-2222-4333-8444-555555555555';
export const AT = '2026-09-30T02:00:00.000Z';

export const fsClerk: CaseActor = { role: 'clerk', id: 'fs-clerk', city: FS, hall: 'FS-CC-01' };
export const gzClerk: CaseActor = { role: 'clerk', id: 'gz-clerk', city: GZ, hall: 'GZ-TH-01' };
export const fsResident: CaseActor = { role: 'resident', id: 'fs-resident', city: FS };

const material = (materialId: string, zh: string, missing = false): CaseMaterial => ({
  materialId,
  name: { zh, en: materialId },
  required: true,
  status: missing ? 'missing' : 'provided',
  evidence: missing
    ? { kind: 'missing' }
    : { kind: 'file', fileName: `${materialId}.pdf`, mediaType: 'application/pdf', sizeBytes: 1000, sha256: 'a'.repeat(64) },
});

/** A Foshan resident's hukou move filed at a Foshan window, decided by Guangzhou (异地代收代办). */
export const proxyFiling = (o: { missing?: string[] } = {}): CaseFiling => ({
  itemCode: 'XK00201000',
  itemName: { zh: '以经常居住地登记户口', en: 'Hukou' },
  catalogueVersion: '2026.1',
  mode: 'proxy',
  channel: 'window',
  applicantCity: FS,
  receivingCity: FS,
  administeringCity: GZ,
  originCity: FS,
  participants: [FS, GZ],
  requiresIntake: true,
  receivingHall: 'FS-CC-01',
  implementationCodes: { receiving: 'XK00201000440600001', administering: 'XK00201000440100001' },
  applicant: { sub: 'fs-resident', name: '李小红', idNumber: '44060419920505002X' },
  materials: [
    material('id-card', '居民身份证', o.missing?.includes('id-card')),
    material('home', '合法稳定住所证明', o.missing?.includes('home')),
  ],
  timeLimits: { committed: 10, legal: 20 },
});

/** A Foshan resident files online; Guangzhou receives and decides (全程网办, no intake). */
export const onlineFiling = (): CaseFiling => ({
  ...proxyFiling(),
  itemCode: 'QR00101000',
  mode: 'online',
  channel: 'online',
  receivingCity: GZ,
  requiresIntake: false,
  receivingHall: null,
  timeLimits: { committed: 15, legal: null },
});

/** A case in any state, built directly (the aggregate is plain data). */
export const caseIn = (state: CaseState, filing: CaseFiling = proxyFiling(), over: Partial<CaseAggregate> = {}): CaseAggregate => ({
  id: CASE_ID,
  filing,
  state,
  version: 5,
  outcome: state === 'decided' || state === 'delivered' || state === 'completed' ? 'approved' : null,
  materials: filing.materials,
  supplement:
    state === 'supplement-requested'
      ? { seq: 5, items: [{ id: 's1', materialId: 'home', description: 'clearer copy' }], resumeState: 'accepted', answeredSeq: null }
      : null,
  decision: null,
  delivery: null,
  ...over,
});
