import type { Commitment, CredentialType, RemediationRule } from './catalogue.schema.js';
import type { CatalogueItem } from './item.schema.js';

/** One loaded, validated catalogue version. Immutable after loading. */
export interface Catalogue {
  readonly version: string;
  readonly effectiveFrom: string;
  readonly cities: readonly string[];
  readonly description?: string;
  readonly commitments: readonly Commitment[];
  readonly credentialTypes: readonly CredentialType[];
  /** Sorted by code. */
  readonly items: readonly CatalogueItem[];
  /** 好差评 差评整改 period per city, with its source (`evaluation.yaml`). */
  readonly remediation: readonly RemediationRule[];
  /** sha256 (hex) of the canonical JSON of everything above. */
  readonly hash: string;
  /** sha256 (hex) of each item's canonical JSON, by base code. */
  readonly itemHashes: Readonly<Record<string, string>>;
}

/** Every version found under a seed directory, and which one is current. */
export interface CatalogueSet {
  readonly current: Catalogue;
  /** By version label, newest first. */
  readonly versions: ReadonlyMap<string, Catalogue>;
}

/** What a city announces about its catalogue; input of compareCatalogueVersions. */
export interface CatalogueVersionInfo {
  version: string;
  hash: string;
  effectiveFrom: string;
  /** Optional per-item hashes, to tell which items differ. */
  items?: Readonly<Record<string, string>>;
}
