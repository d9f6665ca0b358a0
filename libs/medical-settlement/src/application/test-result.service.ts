import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CredentialVerifier } from '@guangfo/credentials';
import { actorOf, AuditService, type PartnerPrincipal } from '@guangfo/platform';
import { medicalError } from '../medical.errors.js';
import { MedicalRepository } from '../infrastructure/medical.repository.js';
import { PersonSeal } from '../infrastructure/person.seal.js';
import { SettlementService } from './settlement.service.js';

export interface TestResultView {
  id: string;
  visitId: string;
  recognised: boolean;
  reasons: string[];
  warnings: string[];
  checkedAt: string;
  credential: { id: string; number: string; type: string; issuerCity: string; issuerName: string; issuedOn: string } | null;
}

/** The credential type of a test or examination report (检查检验报告) in the catalogue. */
export const TEST_REPORT_TYPE = 'MEDICAL_TEST_REPORT';

/**
 * 检查检验结果互认: a hospital of the treating city is shown a test report issued in another city as an electronic credential
 * (@guangfo/credentials: SM2-signed by the issuing city, the issuing body authorised for MEDICAL_TEST_REPORT). It is recognised
 * for a visit when it verifies against this city's replicated registry (signature, key, authorised issuer, status, dates), is a
 * test report, and is the visiting person's own (holder = their ID number). The result is recorded with the visit and audited;
 * the report's content stays in the credential (nothing medical is copied).
 */
@Injectable()
export class TestResultService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settlements: SettlementService,
    private readonly verifier: CredentialVerifier,
    private readonly repo: MedicalRepository,
    private readonly seal: PersonSeal,
    private readonly audit: AuditService,
  ) {}

  async recognise(p: PartnerPrincipal, visitId: string, credential: unknown): Promise<TestResultView> {
    const visit = await this.settlements.getVisit(p, visitId);
    const person = await this.repo.person(this.dataSource, visit.personId);
    if (!person) throw medicalError('MEDICAL_VISIT_NOT_FOUND', { detail: `no person for visit ${visitId}` });
    const holderCode = this.seal.open(person.id, 'id-number', person.id_number_sealed);
    const r = await this.verifier.verifyPresented(credential, { expectedType: TEST_REPORT_TYPE, holderCode });
    const doc = credential as { id?: string; issuer?: { city?: string; code?: string } } | null;
    const view: TestResultView = {
      id: randomUUID(),
      visitId,
      recognised: r.valid,
      reasons: r.reasons,
      warnings: r.warnings,
      checkedAt: r.checkedAt,
      credential: r.credential
        ? {
            id: r.credential.id,
            number: r.credential.number,
            type: r.credential.type.code,
            issuerCity: r.credential.issuer.city,
            issuerName: r.credential.issuer.name,
            issuedOn: r.credential.issueDate,
          }
        : null,
    };
    await this.dataSource.transaction(async (em) => {
      await em.query(
        `INSERT INTO medical.test_result (id, visit_id, credential_id, credential_type, issuer_city, issuer_code, recognised, reasons, warnings, checked_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          view.id,
          visitId,
          typeof doc?.id === 'string' ? doc.id.slice(0, 100) : null,
          r.credential?.type.code ?? null,
          typeof doc?.issuer?.city === 'string' ? doc.issuer.city.slice(0, 10) : null,
          typeof doc?.issuer?.code === 'string' ? doc.issuer.code.slice(0, 40) : null,
          r.valid,
          r.reasons,
          r.warnings,
          r.checkedAt,
        ],
      );
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.test-result.recognise',
          resource: `medical-visit:${visitId}`,
          outcome: r.valid ? 'success' : 'rejected',
          detail: { credentialId: view.credential?.id ?? null, reasons: r.reasons },
        },
        em,
      );
    });
    return view;
  }
}
