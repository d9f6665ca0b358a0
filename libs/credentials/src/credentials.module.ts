import { type DynamicModule, Module, type ModuleMetadata, type Provider } from '@nestjs/common';
import { CREDENTIALS_CONFIG, type CredentialsConfig, loadCredentialsConfig } from './infrastructure/credentials.config.js';
import { CredentialsController } from './http/credentials.controller.js';
import { CredentialsLifecycle } from './application/credentials.lifecycle.js';
import { CredentialRepository } from './infrastructure/credential.repository.js';
import { CredentialsService } from './application/credentials.service.js';
import { CredentialVerifier } from './application/credential.verifier.js';
import { IssuerKeyRepository } from './infrastructure/issuer-key.repository.js';
import { IssuerKeysController } from './http/issuer-keys.controller.js';
import { IssuerKeyService } from './application/issuer-keys.service.js';
import { IssuerRegistryView } from './application/issuer-registry.view.js';
import { IssuingAuthorityService } from './application/issuing-authority.service.js';
import { PresentationRepository } from './infrastructure/presentation.repository.js';
import { PresentationsController } from './http/presentations.controller.js';
import { PresentationsService } from './application/presentations.service.js';
import { RegistryRepository } from './infrastructure/registry.repository.js';
import { CredentialRegistryService } from './application/registry.service.js';
import { VerificationLogRepository } from './infrastructure/verification-log.repository.js';
import { VerificationService } from './application/verification.service.js';
import { VerificationsController } from './http/verifications.controller.js';

export interface CredentialsModuleOptions {
  /** Overrides on top of the CREDENTIAL_* environment variables. */
  config?: Partial<CredentialsConfig>;
  /** The environment to read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Mount the REST controllers (default true). */
  http?: boolean;
  /**
   * Run the domain's background work (default true): apply other cities' registry events, make
   * sure this city has an issuer key, heartbeat checkpoints, expiry. A process that only needs
   * CredentialVerifier (e.g. a scaled-out affairs process) passes false.
   */
  background?: boolean;
  /** The modules whose exports this one injects: the catalogue's (CatalogueService), shared with the other domains. */
  imports?: ModuleMetadata['imports'];
}

/**
 * 电子证照互认: issue, verify anywhere, revoke, and recognise credentials across cities.
 * Not global: a domain that injects CredentialVerifier lists this module in its `imports`.
 * Needs the platform module (database, outbox, event handlers, audit) and the catalogue (`imports`).
 */
@Module({})
export class CredentialsModule {
  static forRoot(options: CredentialsModuleOptions = {}): DynamicModule {
    const providers: Provider[] = [
      { provide: CREDENTIALS_CONFIG, useFactory: () => loadCredentialsConfig(options.env ?? process.env, options.config) },
      CredentialRepository,
      IssuerKeyRepository,
      RegistryRepository,
      PresentationRepository,
      VerificationLogRepository,
      CredentialRegistryService,
      IssuingAuthorityService,
      IssuerKeyService,
      CredentialVerifier,
      CredentialsService,
      PresentationsService,
      VerificationService,
      IssuerRegistryView,
      ...(options.background === false ? [] : [CredentialsLifecycle]),
    ];
    return {
      module: CredentialsModule,
      imports: options.imports ?? [],
      // IssuerKeysController first: its GET credentials/issuer-keys must win over GET credentials/:id.
      controllers:
        options.http === false ? [] : [IssuerKeysController, CredentialsController, VerificationsController, PresentationsController],
      providers,
      exports: [CredentialVerifier, CREDENTIALS_CONFIG],
    };
  }
}
