import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CREDENTIALS_CONFIG, type CredentialsConfig } from '../infrastructure/credentials.config.js';
import { CredentialsService } from './credentials.service.js';
import { IssuerKeyService } from './issuer-keys.service.js';
import { IssuingAuthorityService } from './issuing-authority.service.js';
import { CredentialRegistryService } from './registry.service.js';

/**
 * The domain's background work in a node (the other cities' registry streams and verification
 * reports are consumed by `@HandlesEvent` methods of the services): at start publish this city's
 * issuing-authority list (when it changed) and make sure this city has an issuer key; then every
 * heartbeat broadcast a registry checkpoint (so peers' view of our status stays fresh) and expire
 * credentials whose validity ended.
 */
@Injectable()
export class CredentialsLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CredentialsLifecycle.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(CREDENTIALS_CONFIG) private readonly config: CredentialsConfig,
    private readonly registry: CredentialRegistryService,
    private readonly keys: IssuerKeyService,
    private readonly authorities: IssuingAuthorityService,
    private readonly credentials: CredentialsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.registry.ensureOwnStream();
    // The issuing-authority list first: a peer that has a key of ours then knows who may issue with it.
    await this.registry.publishOwnAuthorities(this.authorities.bodies());
    await this.keys.ensureActiveKey();
    await this.beat();
    this.timer = setInterval(() => {
      this.beat().catch((err: unknown) => this.logger.warn({ err }, 'credentials heartbeat failed'));
    }, this.config.heartbeatSeconds * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One heartbeat: checkpoint broadcast, then the expiry sweep. */
  async beat(): Promise<void> {
    await this.registry.checkpoint();
    await this.credentials.expireDue();
  }
}
