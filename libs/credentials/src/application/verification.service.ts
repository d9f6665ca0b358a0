import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type VerificationRecorded, VerificationRecordedV1 } from '@guangfo/contracts';
import { Clock } from '@guangfo/kernel';
import { HandlesEvent, OutboxService, type ReceivedEvent } from '@guangfo/messaging';
import { actorOf, AuditService, NODE_CONFIG, type NodeConfig, type Principal } from '@guangfo/platform';
import { DataSource, type EntityManager } from 'typeorm';
import type { SignedCredential } from '../domain/credential.document.js';
import { malformedResult, parseCredential, type VerificationReason, type VerificationResult } from '../domain/credential-verification.js';
import { CredentialRepository } from '../infrastructure/credential.repository.js';
import { CredentialVerifier } from './credential.verifier.js';
import { credentialsError } from '../credentials.errors.js';
import { decodePresentationToken, type Presentation, verifyPresentationSignature } from '../domain/presentation.token.js';
import { PresentationRepository } from '../infrastructure/presentation.repository.js';
import { CREDENTIALS_DOMAIN, CredentialRegistryService } from './registry.service.js';
import { VerificationLogRepository } from '../infrastructure/verification-log.repository.js';
import { isNamedVerifier, verifierRefOf } from './verifier-ref.js';

export interface VerificationRequest {
  /** The full signed credential document… */
  credential?: unknown;
  /** …or a presentation token / QR payload made by the holder for this verifier. */
  presentationToken?: string;
  expectedType?: string;
  expectedHolderCode?: string;
  /** Why the verifier checks (shown to the holder); a presentation brings its own. */
  purpose?: string;
}

export interface VerificationResponse extends VerificationResult {
  verificationId: string;
  presentation?: { id: string; purpose: string; expiresAt: string; singleUse: boolean };
}

/** Reasons after which the document's claims cannot be attributed to its issuer. */
const UNAUTHENTICATED: readonly VerificationReason[] = ['MALFORMED', 'UNKNOWN_ISSUER', 'SIGNATURE_INVALID', 'PRESENTATION_INVALID'];

/**
 * The verification API: a verifier (clerk or partner system) checks a credential, directly or
 * through a holder's presentation. Every verification is audited here; when the credential is
 * authentic the issuing city learns who verified it (its holder's access log).
 */
@Injectable()
export class VerificationService {
  private readonly logger = new Logger(VerificationService.name);

  constructor(
    @Inject(NODE_CONFIG) private readonly node: NodeConfig,
    private readonly dataSource: DataSource,
    private readonly credentials: CredentialRepository,
    private readonly presentations: PresentationRepository,
    private readonly verificationLog: VerificationLogRepository,
    private readonly verifier: CredentialVerifier,
    private readonly registry: CredentialRegistryService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async verify(principal: Principal, req: VerificationRequest): Promise<VerificationResponse> {
    if ((req.credential === undefined) === (req.presentationToken === undefined)) {
      throw credentialsError('VERIFICATION_INPUT_INVALID', {
        detail: 'send either `credential` (the signed document) or `presentationToken`, not both',
      });
    }
    const now = this.clock.now();
    const options = {
      ...(req.expectedType ? { expectedType: req.expectedType } : {}),
      ...(req.expectedHolderCode ? { holderCode: req.expectedHolderCode } : {}),
    };
    const verificationId = randomUUID();

    if (req.credential !== undefined) {
      const parsed = parseCredential(req.credential);
      const result = parsed.ok ? await this.verifier.verifyParsed(parsed.credential, options, now) : malformedResult(parsed.errors, now);
      await this.dataSource.transaction((em) =>
        this.record(em, principal, verificationId, result, parsed.ok ? parsed.credential : undefined, undefined, req.purpose),
      );
      return { verificationId, ...result };
    }

    const decoded = decodePresentationToken(req.presentationToken!);
    if (!decoded.ok) {
      const result = this.rejected(['PRESENTATION_INVALID'], now);
      await this.dataSource.transaction((em) => this.record(em, principal, verificationId, result));
      return { verificationId, ...result };
    }
    const { presentation, credential } = decoded.token;
    const key = await this.registry.key(presentation.issuerCity, decoded.token.proof.keyId);
    if (!key || key.status === 'retired' || !verifyPresentationSignature(decoded.token, key.publicKey)) {
      const result = this.rejected(['PRESENTATION_INVALID'], now);
      await this.dataSource.transaction((em) => this.record(em, principal, verificationId, result));
      return { verificationId, ...result };
    }
    const about = {
      id: presentation.id,
      purpose: presentation.purpose,
      expiresAt: presentation.expiresAt,
      singleUse: presentation.singleUse,
    };
    // From here the presentation is genuine: the holder's city hears about every use of it.
    const early: VerificationReason | undefined = !isNamedVerifier(presentation.verifier, principal)
      ? 'PRESENTATION_WRONG_VERIFIER'
      : now.getTime() > Date.parse(presentation.expiresAt)
        ? 'PRESENTATION_EXPIRED'
        : undefined;
    if (early) {
      const result = this.rejected([early], now);
      await this.dataSource.transaction((em) => this.record(em, principal, verificationId, result, credential, presentation));
      return { verificationId, ...result, presentation: about };
    }
    const evaluated = await this.verifier.verifyParsed(credential, options, now);
    const result = await this.dataSource.transaction(async (em) => {
      if (presentation.singleUse) {
        if (
          !(await this.presentations.redeem(em, {
            presentationId: presentation.id,
            issuerCity: presentation.issuerCity,
            redeemedBy: actorOf(principal),
          }))
        ) {
          const used = this.rejected(['PRESENTATION_ALREADY_USED'], now);
          await this.record(em, principal, verificationId, used, credential, presentation);
          return used;
        }
      }
      await this.record(em, principal, verificationId, evaluated, credential, presentation);
      return evaluated;
    });
    return { verificationId, ...result, presentation: about };
  }

  private rejected(reasons: VerificationReason[], now: Date): VerificationResult {
    return { valid: false, reasons, warnings: [], checkedAt: now.toISOString() };
  }

  /** Audit here; and tell the issuing city (or log locally when we are it), unless the credential is not authentic. */
  private async record(
    em: EntityManager,
    principal: Principal,
    verificationId: string,
    result: VerificationResult,
    credential?: SignedCredential,
    presentation?: Presentation,
    purpose?: string,
  ): Promise<void> {
    await this.audit.record(
      {
        actor: actorOf(principal),
        action: 'credentials.verify',
        resource: credential ? `credential:${credential.issuer.city}/${credential.id}` : 'credential:unidentified',
        outcome: result.valid ? 'success' : 'rejected',
        detail: {
          verificationId,
          valid: result.valid,
          reasons: result.reasons,
          warnings: result.warnings,
          ...(presentation ? { presentationId: presentation.id } : {}),
        },
      },
      em,
    );
    if (!credential || result.reasons.some((r) => UNAUTHENTICATED.includes(r))) return;
    const entry: VerificationRecorded = {
      verificationId,
      credentialId: credential.id,
      issuerCity: credential.issuer.city,
      ...(presentation ? { presentationId: presentation.id } : {}),
      verifier: verifierRefOf(principal),
      ...((presentation?.purpose ?? purpose) ? { purpose: (presentation?.purpose ?? purpose)!.slice(0, 200) } : {}),
      verifiedAt: result.checkedAt,
      valid: result.valid,
      reasons: result.reasons,
    };
    if (credential.issuer.city === this.node.cityCode) await this.insertLog(em, entry);
    else if (this.registry.issuerCityKnown(credential.issuer.city)) {
      await this.outbox.add(em, {
        contract: VerificationRecordedV1,
        domain: CREDENTIALS_DOMAIN,
        subject: `credential/${credential.id}`,
        data: entry,
        toCity: credential.issuer.city,
      });
    }
  }

  @HandlesEvent(VerificationRecordedV1, { consumer: 'credentials.verification-log' })
  private async recordRemote(event: ReceivedEvent<VerificationRecorded>, em: EntityManager): Promise<void> {
    const d = event.data;
    if (d.verifier.city !== event.fromCity)
      throw new Error(`verification by a verifier of ${d.verifier.city} reported by ${event.fromCity}`);
    await this.insertLog(em, d);
  }

  private async insertLog(em: EntityManager, e: VerificationRecorded): Promise<void> {
    if (!(await this.credentials.exists(em, e.credentialId))) {
      this.logger.warn({ credentialId: e.credentialId }, 'verification of a credential this city did not issue: not logged');
      return;
    }
    await this.verificationLog.insert(em, e);
  }
}
