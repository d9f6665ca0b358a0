import type { Provider, Type } from '@nestjs/common';
import { DbNonceStore, InterchangeSignatureGuard } from '@guangfo/federation';
import { NODE_CONFIG, type NodeConfig } from '@guangfo/platform';
import { FileInterchange } from './file-interchange.js';
import { FileReplicator } from './file-replicator.js';
import { FileStore } from './file-store.js';
import { FilesController, InterchangeFilesController } from './files.controller.js';
import { FILES_POLICY, filesPolicyFor } from './files.policy.js';

/** What FilesModule registers: files and the claim check. */
export const FILE_CONTROLLERS: Type<unknown>[] = [FilesController, InterchangeFilesController];
export const FILE_PROVIDERS: Provider[] = [
  { provide: FILES_POLICY, inject: [NODE_CONFIG], useFactory: (c: NodeConfig) => filesPolicyFor(c) },
  FileStore,
  FileInterchange,
  FileReplicator,
  DbNonceStore,
  InterchangeSignatureGuard,
];
/** Injectable by domain modules. */
export const FILE_EXPORTS = [FileStore, FileInterchange, FileReplicator, FILES_POLICY];
