import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { CredentialVerifierRef } from '@guangfo/contracts';
import { Clock } from '@guangfo/kernel';
import { actorOf, AuditService, CityRegistry, NODE_CONFIG, type NodeConfig, type Principal } from '@guangfo/platform';
import { DataSource } from 'typeorm';
import { CREDENTIALS_CONFIG, type CredentialsConfig } from '../infrastructure/credentials.config.js';
import { credentialsError } from '../credentials.errors.js';
import { CredentialsService, effectiveStatus, isHolder } from './credentials.service.js';
import { IssuerKeyService } from './issuer-keys.service.js';
import { PresentationRepository } from '../infrastructure/presentation.repository.js';
import { VerificationLogRepository } from '../infrastructure/verification-log.repository.js';
import {
  encodePresentationToken,
  type Presentation,
  type PresentationVerifier,
  presentationVerifierSchema,
  QR_PREFIX,
} from '../domain/presentation.token.js';

export interface CreatePresentationInput {
  credentialId: string;
  verifier: PresentationVerifier;
  purpose: string;
  ttlSeconds?: number;
  /** Default true: the verifier may use it once. false: any number of times until it expires. */
  singleUse?: boolean;
}

export interface PresentationView {
  presentationId: string;
  credentialId: string;
  verifier: PresentationVerifier;
  purpose: string;
  singleUse: boolean;
  createdAt: string;
  expiresAt: string;
  /** Give this to the verifier (POST /api/v1/verifications { presentationToken }). */
  token: string;
  /** The same token as a QR code payload. */
  qrPayload: string;
}

export interface AccessLogEntry {
  verificationId: string;
  verifiedAt: string;
  verifier: CredentialVerifierRef;
  credential: { id: string; type: string; number: string };
  presentationId: string | null;
  purpose: string | null;
  valid: boolean;
  reasons: string[];
}

/**
 * The holder's side: a resident presents one of their credentials to a verifier they name, for a
 * purpose, for a short time (consent), and sees who verified what and when.
 */
@Injectable()
export class PresentationsService {
  constructor(
    @Inject(NODE_CONFIG) private readonly node: NodeConfig,
    @Inject(CREDENTIALS_CONFIG) private readonly config: CredentialsConfig,
    private readonly dataSource: DataSource,
    private readonly presentations: PresentationRepository,
    private readonly verificationLog: VerificationLogRepository,
    private readonly credentials: CredentialsService,
    private readonly keys: IssuerKeyService,
    private readonly cities: CityRegistry,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(principal: Principal, input: CreatePresentationInput): Promise<PresentationView> {
    if (principal.kind !== 'user' || principal.role !== 'resident')
      throw credentialsError('CREDENTIAL_NOT_FOUND', { detail: 'only the holder presents a credential' });
    const verifier = presentationVerifierSchema.parse(input.verifier);
    if (!this.cities.get(verifier.city))
      throw credentialsError('PRESENTATION_VERIFIER_UNKNOWN', { detail: `city ${verifier.city} is not in the city registry` });
    const ttl = input.ttlSeconds ?? this.config.presentationDefaultTtlSeconds;
    if (ttl > this.config.presentationMaxTtlSeconds)
      throw credentialsError('PRESENTATION_TTL_TOO_LONG', { detail: `at most ${this.config.presentationMaxTtlSeconds} seconds` });
    const now = this.clock.now();
    return this.dataSource.transaction(async (em) => {
      const row = await this.credentials.row(em, input.credentialId);
      if (!isHolder(principal, row))
        throw credentialsError('CREDENTIAL_NOT_FOUND', { detail: `no credential ${input.credentialId} in your wallet` });
      const status = effectiveStatus(row.status, row.valid_to, now);
      if (status !== 'valid')
        throw credentialsError('CREDENTIAL_NOT_PRESENTABLE', {
          detail: `the credential is ${status}`,
          extra: { credentialStatus: status },
        });
      const presentation: Presentation = {
        id: randomUUID(),
        credentialId: row.id,
        issuerCity: this.node.cityCode,
        verifier,
        purpose: input.purpose.normalize('NFC').trim(),
        singleUse: input.singleUse ?? true,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + ttl * 1000).toISOString(),
      };
      const token = encodePresentationToken(presentation, row.document, await this.keys.activeSigner(em, null));
      await this.presentations.insert(em, presentation, principal.sub);
      await this.audit.record(
        {
          actor: actorOf(principal),
          action: 'credentials.present',
          resource: `credential:${row.id}`,
          outcome: 'success',
          detail: { presentationId: presentation.id, verifier, expiresAt: presentation.expiresAt },
        },
        em,
      );
      return {
        presentationId: presentation.id,
        credentialId: row.id,
        verifier,
        purpose: presentation.purpose,
        singleUse: presentation.singleUse,
        createdAt: presentation.createdAt,
        expiresAt: presentation.expiresAt,
        token,
        qrPayload: `${QR_PREFIX}${token}`,
      };
    });
  }

  /** Who verified the holder's credentials, when, for what, with which outcome (newest first). */
  async accessLog(principal: Principal): Promise<{ items: AccessLogEntry[] }> {
    if (principal.kind !== 'user' || principal.role !== 'resident' || !principal.identity) return { items: [] };
    const rows = await this.verificationLog.ofHolder(this.dataSource, principal.sub, principal.identity.idNumber, 500);
    await this.audit.record({
      actor: actorOf(principal),
      action: 'credentials.access-log.read',
      resource: `holder:${principal.sub}`,
      outcome: 'success',
      detail: { count: rows.length },
    });
    return {
      items: rows.map((r) => ({
        verificationId: r.id,
        verifiedAt: r.verified_at.toISOString(),
        verifier: r.verifier,
        credential: { id: r.credential_id, type: r.type_code, number: r.number },
        presentationId: r.presentation_id,
        purpose: r.purpose,
        valid: r.valid,
        reasons: r.reasons,
      })),
    };
  }
}
