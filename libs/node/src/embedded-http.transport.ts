import { signInterchangeRequest } from '@guangfo/federation';
import { sm2PublicKeyFromPrivateKey } from '@guangfo/gm-crypto';
import { EmbeddedTransport, HttpExchange } from '@guangfo/messaging';
import { type CityRegistry, type NodeConfig, peerApiBaseUrl } from '@guangfo/platform';

/**
 * The embedded transport of a city node in its own process (`npm start`): events go to each peer's
 * delivery endpoint over HTTP (its base URL from `peerApiBaseUrls` or the registry), each request
 * signed node-to-node with this city's SM2 event-signing key, under the node's outbound policy.
 */
export const createEmbeddedHttpTransport = (config: NodeConfig, registry: CityRegistry): EmbeddedTransport => {
  const publicKey = sm2PublicKeyFromPrivateKey(config.signingKey.privateKeyHex);
  return new EmbeddedTransport(
    config.cityCode,
    registry,
    new HttpExchange({
      cityCode: config.cityCode,
      peerBaseUrl: (city) => peerApiBaseUrl(config, registry.get(city)?.apiBaseUrl, city),
      sign: ({ method, path, toCity }) =>
        signInterchangeRequest({
          method,
          path,
          fromCity: config.cityCode,
          toCity,
          keyId: config.signingKey.keyId,
          privateKeyHex: config.signingKey.privateKeyHex,
          publicKey,
        }),
      policy: config.outbound,
    }),
  );
};
