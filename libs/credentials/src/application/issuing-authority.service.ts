import { resolve } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CatalogueService } from '@guangfo/catalogue';
import { NODE_CONFIG, type NodeConfig, type Principal } from '@guangfo/platform';
import { CREDENTIALS_CONFIG, type CredentialsConfig } from '../infrastructure/credentials.config.js';
import { type CityIssuingAuthorities, type IssuingBody, loadIssuingAuthorities } from '../domain/issuing-authorities.js';

/**
 * This city's issuing authorities, from the seed (CREDENTIAL_ISSUING_AUTHORITIES_FILE, default
 * seeds/issuing-authorities.yaml): which body may issue which credential
 * type, and which body a caller acts for — a clerk or supervisor for the body of their hall, a
 * partner system for the body its API key is bound to. Admins and residents act for no body.
 */
@Injectable()
export class IssuingAuthorityService {
  readonly file: string;
  private readonly own: CityIssuingAuthorities;

  constructor(
    @Inject(NODE_CONFIG) private readonly node: NodeConfig,
    @Inject(CREDENTIALS_CONFIG) config: CredentialsConfig,
    catalogue: CatalogueService,
  ) {
    this.file = resolve(config.issuingAuthoritiesFile ?? 'seeds/issuing-authorities.yaml');
    this.own = loadIssuingAuthorities(this.file)[node.cityCode] ?? { bodies: [], halls: {} };
    // A type this node's catalogue does not know cannot be issued here anyway (CREDENTIAL_TYPE_UNKNOWN); say so, do not stop.
    const known = new Set(catalogue.versions().flatMap((v) => catalogue.credentialTypes(v.version).map((t) => t.code)));
    const unknown = [...new Set(this.own.bodies.flatMap((b) => b.credentialTypes).filter((t) => !known.has(t)))];
    if (unknown.length)
      new Logger(IssuingAuthorityService.name).warn(
        { file: this.file, unknown },
        'issuing-authority list names credential types this catalogue does not have',
      );
    if (this.own.bodies.length === 0)
      new Logger(IssuingAuthorityService.name).warn(
        { file: this.file, city: node.cityCode },
        'no issuing authorities for this city: nobody can issue credentials here',
      );
  }

  /** The list this city publishes on its registry stream. */
  bodies(): readonly IssuingBody[] {
    return this.own.bodies;
  }

  /** The body `principal` issues for in this city, if any. */
  bodyFor(principal: Principal): IssuingBody | undefined {
    if (principal.city !== this.node.cityCode) return undefined;
    const code =
      principal.kind === 'partner'
        ? principal.issuingBody
        : principal.role === 'clerk' || principal.role === 'supervisor'
          ? principal.hall
            ? this.own.halls[principal.hall]
            : undefined
          : undefined;
    return code === undefined ? undefined : this.own.bodies.find((b) => b.code === code);
  }
}
