import { Inject, Injectable } from '@nestjs/common';
import { CatalogueService } from '@guangfo/catalogue';
import { Clock } from '@guangfo/kernel';
import { CREDENTIALS_CONFIG, type CredentialsConfig } from '../infrastructure/credentials.config.js';
import type { SignedCredential } from '../domain/credential.document.js';
import {
  evaluateCredential,
  malformedResult,
  parseCredential,
  type RegistryFacts,
  type VerificationResult,
  type VerifyOptions,
} from '../domain/credential-verification.js';
import { CredentialRegistryService } from './registry.service.js';

/**
 * Verifies a presented credential against this city's replicated registry (no call to the
 * issuing city): signature, issuer key known and trusted for the type (and not retired), the
 * issuing body on the issuing city's published list for the type, status
 * with the freshness window, validity dates, and optionally type and holder.
 *
 * Side-effect free (no audit, no event): callers in other domains, e.g. 跨城通办 filing, record
 * what they did with the result in their own transaction. The HTTP API (POST /verifications) adds
 * the audit record and tells the issuing city.
 *
 *   const r = await verifier.verifyPresented(body.credential, { expectedType: 'RESIDENCE_PERMIT', holderCode: applicant.idNumber });
 *   if (!r.valid) reject(r.reasons);            // e.g. ['REVOKED'] or ['HOLDER_MISMATCH', 'EXPIRED']
 */
@Injectable()
export class CredentialVerifier {
  constructor(
    @Inject(CREDENTIALS_CONFIG) private readonly config: CredentialsConfig,
    private readonly registry: CredentialRegistryService,
    private readonly catalogue: CatalogueService,
    private readonly clock: Clock,
  ) {}

  /** @param credential the signed credential document as received (any JSON value). */
  async verifyPresented(credential: unknown, options: VerifyOptions = {}, now: Date = this.clock.now()): Promise<VerificationResult> {
    const parsed = parseCredential(credential);
    if (!parsed.ok) return malformedResult(parsed.errors, now);
    return this.verifyParsed(parsed.credential, options, now);
  }

  async verifyParsed(credential: SignedCredential, options: VerifyOptions = {}, now: Date = this.clock.now()): Promise<VerificationResult> {
    return evaluateCredential(credential, await this.facts(credential), this.config, now, options);
  }

  /** What this city's registry knows about a credential's issuer, key, status and type. */
  async facts(credential: SignedCredential): Promise<RegistryFacts> {
    const city = credential.issuer.city;
    const [key, status, freshness, authorisedTypes] = await Promise.all([
      this.registry.key(city, credential.proof.keyId),
      this.registry.status(city, credential.id),
      this.registry.freshness(city),
      this.registry.authorisedTypes(city, credential.issuer.code),
    ]);
    const type = this.credentialType(credential.type.code);
    return {
      issuerCityKnown: this.registry.issuerCityKnown(city),
      key,
      status,
      freshness,
      ...(type ? { type } : {}),
      ...(authorisedTypes ? { authorisedTypes } : {}),
    };
  }

  /** The type in the current catalogue, else in any loaded version (a type may have been dropped since issue). */
  private credentialType(code: string): { code: string; name: string } | undefined {
    for (const v of [undefined, ...this.catalogue.versions().map((x) => x.version)]) {
      const t = this.catalogue.credentialTypes(v).find((x) => x.code === code);
      if (t) return { code: t.code, name: t.name.zh };
    }
    return undefined;
  }
}
