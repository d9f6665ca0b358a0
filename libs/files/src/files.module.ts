import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { FILE_CONTROLLERS, FILE_EXPORTS, FILE_PROVIDERS } from './files.providers.js';

export interface FilesOptions {
  /** The platform module (config, registry, audit). */
  imports: ModuleMetadata['imports'];
}

/** Files: upload, audited download, the signed interchange endpoint for peers, and replication. */
@Module({})
export class FilesModule {
  static forNode(o: FilesOptions): DynamicModule {
    return {
      module: FilesModule,
      imports: o.imports ?? [],
      controllers: FILE_CONTROLLERS,
      providers: FILE_PROVIDERS,
      exports: FILE_EXPORTS,
    };
  }
}
