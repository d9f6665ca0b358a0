// @guangfo/files — files kept in the city's database, fetched by peers over signed interchange requests. The library's only barrel.
export { FileStore, type FileRef, type StoredFile, type PutFile } from './file-store.js';
export { FileInterchange, assertFileRef, INTERCHANGE_FILES_PATH, type FetchOptions } from './file-interchange.js';
export { FileReplicator, type ReplicationRequest, type ReplicationStatus, type ReplicatedListener } from './file-replicator.js';
export { FILES_POLICY, filesPolicyFor, type FilesPolicy } from './files.policy.js';
export {
  ALLOWED_MEDIA_TYPES,
  FILE_MAX_BYTES,
  checkCsv,
  checkMediaType,
  DATA_MEDIA_TYPES,
  detectMediaType,
  isAllowedMediaType,
  type AllowedMediaType,
  type DataMediaType,
  type StoredMediaType,
} from './media-type.js';
export { FilesModule, type FilesOptions } from './files.module.js';
