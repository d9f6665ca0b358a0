import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CatalogueService } from '@guangfo/catalogue';
import { generateSm2KeyPair, Sealer, sm2KeyId, Sm2Signer } from '@guangfo/gm-crypto';
import { AuditService, NODE_CONFIG, type NodeConfig } from '@guangfo/platform';
import type { CredentialSigningKey } from '../domain/credential.document.js';
import type { IssuerKeyStatus } from '../domain/credential-verification.js';
import { credentialsError } from '../credentials.errors.js';
import { KeyEncryption } from '../infrastructure/key-encryption.js';
import { CredentialRegistryService } from './registry.service.js';
import { type IssuerKeyRow, IssuerKeyRepository } from '../infrastructure/issuer-key.repository.js';

export interface IssuerKeyView {
  keyId: string;
  status: IssuerKeyStatus;
  credentialTypes: string[];
  createdAt: string;
  rotatedAt: string | null;
  retiredAt: string | null;
}

const view = (r: IssuerKeyRow): IssuerKeyView => ({
  keyId: r.key_id,
  status: r.status,
  credentialTypes: r.credential_types,
  createdAt: r.created_at.toISOString(),
  rotatedAt: r.rotated_at?.toISOString() ?? null,
  retiredAt: r.retired_at?.toISOString() ?? null,
});

/**
 * This city's credential-signing (issuer) keys. The node generates its first key on first start
 * and keeps private keys in its own database, sealed with the node's data-sealing keyring
 * (production: an HSM / KMS would hold them). Life of a key:
 *   active  — signs new credentials and presentations; verifies;
 *   rotated — a newer key signs; still verifies what it signed;
 *   retired — verifies nothing any more (credentials it signed are rejected with KEY_RETIRED).
 * Every change is broadcast on the city's registry stream.
 */
@Injectable()
export class IssuerKeyService {
  private readonly logger = new Logger(IssuerKeyService.name);
  private readonly sealing: KeyEncryption;
  private readonly signers = new Map<string, Sm2Signer>();

  constructor(
    @Inject(NODE_CONFIG) private readonly node: NodeConfig,
    private readonly sealer: Sealer,
    private readonly dataSource: DataSource,
    private readonly issuerKeys: IssuerKeyRepository,
    private readonly registry: CredentialRegistryService,
    private readonly catalogue: CatalogueService,
    private readonly audit: AuditService,
  ) {
    this.sealing = new KeyEncryption(sealer);
  }

  /** At start: make sure this city has an active key (generating and publishing one the first time), and that it can be opened. */
  async ensureActiveKey(): Promise<IssuerKeyView> {
    const created = await this.dataSource.transaction(async (em) => {
      await this.issuerKeys.serialise(em);
      const active = await this.activeRow(em);
      if (active) return active;
      return this.createKey(em, 'system', this.allTypes());
    });
    this.signerOf(created);
    return view(created);
  }

  async list(): Promise<IssuerKeyView[]> {
    return (await this.issuerKeys.list(this.dataSource)).map(view);
  }

  /** A new active key; the previous one is `rotated` (keeps verifying what it signed). */
  async rotate(actor: string, credentialTypes?: string[]): Promise<{ active: IssuerKeyView; rotated: IssuerKeyView | null }> {
    const types = credentialTypes?.length ? [...new Set(credentialTypes)] : this.allTypes();
    const unknown = types.filter((t) => !this.allTypes().includes(t));
    if (unknown.length)
      throw credentialsError('CREDENTIAL_TYPE_UNKNOWN', { detail: `not catalogue credential types: ${unknown.join(', ')}` });
    return this.dataSource.transaction(async (em) => {
      await this.issuerKeys.serialise(em);
      const previous = await this.activeRow(em);
      let rotated: IssuerKeyRow | null = null;
      if (previous) {
        rotated = await this.issuerKeys.markRotated(em, previous.key_id);
        await this.registry.appendOwn(em, { kind: 'key', key: this.publicRecord(rotated) });
        await this.audit.record(
          { actor, action: 'credentials.issuer-key.rotate', resource: `issuer-key:${previous.key_id}`, outcome: 'success' },
          em,
        );
      }
      const active = await this.createKey(em, actor, types);
      return { active: view(active), rotated: rotated ? view(rotated) : null };
    });
  }

  /** Retires a rotated key: from now on nothing it signed verifies, here or in any city. */
  async retire(actor: string, keyId: string): Promise<IssuerKeyView> {
    return this.dataSource.transaction(async (em) => {
      await this.issuerKeys.serialise(em);
      const row = await this.issuerKeys.lock(em, keyId);
      if (!row) throw credentialsError('ISSUER_KEY_NOT_FOUND', { detail: `no issuer key ${keyId} in this city` });
      if (row.status !== 'rotated') {
        throw credentialsError('ISSUER_KEY_TRANSITION_NOT_ALLOWED', {
          detail: row.status === 'active' ? 'rotate first: the active key cannot be retired' : `key ${keyId} is already retired`,
        });
      }
      const retired = await this.issuerKeys.markRetired(em, keyId);
      await this.registry.appendOwn(em, { kind: 'key', key: this.publicRecord(retired) });
      await this.audit.record({ actor, action: 'credentials.issuer-key.retire', resource: `issuer-key:${keyId}`, outcome: 'success' }, em);
      this.signers.delete(keyId);
      return view(retired);
    });
  }

  /** The active key, which must be trusted for `credentialType` (null: any type, e.g. for presentations). Locks it against rotation until the transaction ends. */
  async activeSigner(em: EntityManager, credentialType: string | null): Promise<CredentialSigningKey> {
    const row = await this.issuerKeys.active(em, 'share');
    if (!row) throw credentialsError('CREDENTIAL_NO_KEY_FOR_TYPE', { detail: 'this city has no active issuer key' });
    if (credentialType !== null && !row.credential_types.includes(credentialType)) {
      throw credentialsError('CREDENTIAL_NO_KEY_FOR_TYPE', {
        detail: `the active issuer key ${row.key_id} is not trusted for ${credentialType}; rotate with that type`,
      });
    }
    const signer = this.signerOf(row);
    return { keyId: row.key_id, sign: (message) => signer.sign(message) };
  }

  private allTypes(): string[] {
    return this.catalogue.credentialTypes().map((t) => t.code);
  }

  private async activeRow(em: EntityManager): Promise<IssuerKeyRow | undefined> {
    return this.issuerKeys.active(em, 'update');
  }

  private async createKey(em: EntityManager, actor: string, types: string[]): Promise<IssuerKeyRow> {
    const pair = generateSm2KeyPair();
    const keyId = `${this.node.cityCode}-${sm2KeyId(pair.publicKey)}`;
    const row = await this.issuerKeys.insertActive(em, {
      keyId,
      publicKey: pair.publicKey,
      sealedPrivateKey: this.sealing.seal(pair.privateKey, keyId),
      credentialTypes: types,
    });
    await this.registry.appendOwn(em, { kind: 'key', key: this.publicRecord(row) });
    await this.audit.record(
      {
        actor,
        action: 'credentials.issuer-key.generate',
        resource: `issuer-key:${keyId}`,
        outcome: 'success',
        detail: { credentialTypes: types.length, sealedWith: this.sealer.currentKeyId },
      },
      em,
    );
    this.logger.log({ keyId }, 'issuer key generated and published');
    return row;
  }

  private publicRecord(r: IssuerKeyRow) {
    return {
      keyId: r.key_id,
      publicKey: r.public_key,
      credentialTypes: r.credential_types,
      status: r.status,
      publishedAt: r.created_at.toISOString(),
    };
  }

  private signerOf(row: IssuerKeyRow): Sm2Signer {
    let signer = this.signers.get(row.key_id);
    if (!signer) {
      signer = Sm2Signer.fromPrivateKey(this.sealing.open(row.private_key, row.key_id));
      if (signer.publicKey !== row.public_key) throw new Error(`issuer key ${row.key_id}: private key does not match its public key`);
      this.signers.set(row.key_id, signer);
    }
    return signer;
  }
}
