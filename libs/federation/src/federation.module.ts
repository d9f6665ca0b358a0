import { type DynamicModule, Module, type ModuleMetadata, type Provider } from '@nestjs/common';
import { AnnouncementService } from './announcement.service.js';
import { CitiesController } from './cities.controller.js';
import { CitiesService } from './cities.service.js';

export interface FederationOptions {
  /** The platform and messaging modules, and whatever `identity` reads (the catalogue). */
  imports: ModuleMetadata['imports'];
  /** Provides NODE_IDENTITY (catalogue version, calendar, domains): the composition root supplies it. */
  identity: Provider;
}

/** Announcements between city nodes and the cities view (`GET /api/v1/cities`). */
@Module({})
export class FederationModule {
  static forNode(o: FederationOptions): DynamicModule {
    return {
      module: FederationModule,
      imports: o.imports ?? [],
      controllers: [CitiesController],
      providers: [o.identity, AnnouncementService, CitiesService],
      exports: [AnnouncementService],
    };
  }
}
