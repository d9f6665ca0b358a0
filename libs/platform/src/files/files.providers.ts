import type { Provider, Type } from '@nestjs/common';
import type { NodeConfig } from '../config/node-config.js';
import { NODE_CONFIG } from '../config/node-config.token.js';
import { FileInterchange } from './file-interchange.js';
import { FileReplicator } from './file-replicator.js';
import { FileStore } from './file-store.js';
import { FilesController, InterchangeFilesController } from './files.controller.js';
import { FILES_POLICY, filesPolicyFor } from './files.policy.js';
import { DbNonceStore } from './interchange-nonce.store.js';
import { InterchangeSignatureGuard } from './interchange.guard.js';

/** What PlatformModule registers for files and the claim check. */
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
