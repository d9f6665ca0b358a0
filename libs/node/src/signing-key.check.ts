import { sm2PublicKeyFromPrivateKey } from '@guangfo/gm-crypto';
import { type CityRegistry, ConfigError, type NodeConfig } from '@guangfo/platform';

/** Refuses to start when this node's signing key is not the one its city pins (or is a demo key outside the sandbox). */
export const assertSigningKeyPinned = (config: NodeConfig, registry: CityRegistry): void => {
  const city = registry.get(config.cityCode);
  if (!city) throw new ConfigError(`CITY_CODE: ${config.cityCode} is not in the city registry ${config.registryFile}`);
  const pinned = registry.verificationKey(config.cityCode, config.signingKey.keyId);
  if (!pinned) {
    throw new ConfigError(
      `EVENT_SIGNING_KEY_ID: ${config.signingKey.keyId} is not an active${config.sandbox ? '' : ', non-demo'} key pinned for ${config.cityCode} in ${config.registryFile}`,
    );
  }
  if (sm2PublicKeyFromPrivateKey(config.signingKey.privateKeyHex).toLowerCase() !== pinned.publicKey.toLowerCase()) {
    throw new ConfigError(`EVENT_SIGNING_KEY: does not match the public key pinned as ${pinned.keyId} for ${config.cityCode}`);
  }
};

/** Refuses to start when this node's encryption private key does not match the encryption key its city pins (peers seal personal data to that key). */
export const assertEncryptionKeyPinned = (config: NodeConfig, registry: CityRegistry): void => {
  const pinned = registry.encryptionKeyById(config.cityCode, config.encryptionKey.keyId);
  if (!pinned || pinned.status !== 'active') {
    throw new ConfigError(
      `EVENT_ENCRYPTION_KEY_ID: ${config.encryptionKey.keyId} is not an active${config.sandbox ? '' : ', non-demo'} encryption key pinned for ${config.cityCode} in ${config.registryFile}`,
    );
  }
  if (sm2PublicKeyFromPrivateKey(config.encryptionKey.privateKeyHex).toLowerCase() !== pinned.publicKey.toLowerCase()) {
    throw new ConfigError(
      `EVENT_ENCRYPTION_KEY: does not match the encryption public key pinned as ${pinned.keyId} for ${config.cityCode}`,
    );
  }
};
