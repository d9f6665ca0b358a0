export { sm3, sm3Bytes, sm3Digester, SM3_DIGEST_LENGTH, type Sm3Digester, type Sm3Input } from './sm3.js';
export {
  SM2_DEFAULT_USER_ID,
  SM2_CURVE_OID,
  EC_PUBLIC_KEY_OID,
  SM2_CURVE,
  sm2Sign,
  sm2Verify,
  Sm2Signer,
  generateSm2KeyPair,
  normalizeSm2PrivateKey,
  normalizeSm2PublicKey,
  sm2PublicKeyFromPrivateKey,
  sm2KeyId,
  sm2PublicKeyToPem,
  sm2PublicKeyFromPem,
  sm2PrivateKeyToPem,
  sm2PrivateKeyFromPem,
  sm2SignatureToDer,
  sm2SignatureToRaw,
  sm2Za,
  sm2MessageDigest,
  type Sm2KeyPair,
  type Sm2Options,
  type Sm2SignOptions,
  type Sm2Message,
  type Sm2SignatureInput,
} from './sm2.signer.js';
export { Sm2VerifyPool, Sm2VerifyPoolError, type Sm2VerifyJob, type Sm2VerifyPoolOptions } from './sm2.verify-pool.js';
export { sm2Encrypt, sm2Decrypt, sm2CiphertextToDer, sm2CiphertextFromDer } from './sm2.encryption.js';
export { Sealer, SealingError, parseSealingKeys, generateSealingKey, SEALING_KEY_ID_PATTERN, type SealingKey } from './sealing.js';
export { MerkleTree, merkleLeafHash, merkleNodeHash, merkleRoot, merkleProof, verifyMerkleProof, type MerkleHash } from './merkle.js';
export {
  BATCH_ROOT_CONTEXT,
  BatchRootVerifier,
  batchLeafData,
  batchRootMessage,
  signBatch,
  signBatchRoot,
  verifyBatchInclusion,
  verifyBatchRoot,
  type BatchInclusion,
  type BatchRootStatement,
  type BatchRootVerifierOptions,
  type SignedBatchRoot,
} from './batch-root.js';
