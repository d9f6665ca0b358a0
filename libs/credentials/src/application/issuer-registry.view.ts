import { Inject, Injectable } from '@nestjs/common';
import { sm2PublicKeyToPem } from '@guangfo/gm-crypto';
import { NODE_CONFIG, type NodeConfig } from '@guangfo/platform';
import { CREDENTIALS_CONFIG, type CredentialsConfig, type StaleStatusPolicy } from '../infrastructure/credentials.config.js';
import type { IssuerKeyRecord } from '../domain/credential-verification.js';
import { CredentialRegistryService, type StreamView } from './registry.service.js';

export interface IssuerKeyRegistryView {
  city: string;
  keys: (IssuerKeyRecord & { algorithm: 'SM2-SM3'; publicKeyPem: string })[];
  streams: StreamView[];
  authorities: { issuerCity: string; code: string; name: string; credentialTypes: string[] }[];
  statusMaxAgeSeconds: number;
  staleStatusPolicy: StaleStatusPolicy;
}

/** The public view of the issuer-key registry: every key this node trusts, in hex and PEM, and how fresh each city's stream is. */
@Injectable()
export class IssuerRegistryView {
  constructor(
    @Inject(NODE_CONFIG) private readonly node: NodeConfig,
    @Inject(CREDENTIALS_CONFIG) private readonly config: CredentialsConfig,
    private readonly registry: CredentialRegistryService,
  ) {}

  async view(city?: string): Promise<IssuerKeyRegistryView> {
    const [keys, streams, authorities] = await Promise.all([
      this.registry.keys(city),
      this.registry.streams(city),
      this.registry.allAuthorities(city),
    ]);
    return {
      city: this.node.cityCode,
      keys: keys.map((k) => ({ ...k, algorithm: 'SM2-SM3' as const, publicKeyPem: sm2PublicKeyToPem(k.publicKey) })),
      streams,
      authorities,
      statusMaxAgeSeconds: this.config.statusMaxAgeSeconds,
      staleStatusPolicy: this.config.staleStatusPolicy,
    };
  }
}
