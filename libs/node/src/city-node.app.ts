import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { DestinationStream } from 'pino';
import type { CityTransport } from '@guangfo/messaging';
import {
  BufferReplyExpressAdapter,
  type CityRegistry,
  correlationMiddleware,
  createNodeLogging,
  createValidationPipe,
  finishOpenApiDocument,
  inputGuardMiddleware,
  locationMiddleware,
  type NodeConfig,
  type PlatformOptions,
  runMigrations,
  sendProblem,
} from '@guangfo/platform';
import { cityNodeModule } from './city-node.module.js';

export interface CityNodeAppOptions {
  config: NodeConfig;
  registry: CityRegistry;
  transport: CityTransport;
  /** Every migration of the node (run at start when `config.migrateOnStart`). */
  migrations: PlatformOptions['migrations'];
  /** The node's modules, each built once: platform, messaging, federation, files, webhooks and the domains this process runs. */
  modules: DynamicModule[];
  /** Extra text for the OpenAPI description. */
  apiDescription?: string;
  /** Where the node's JSON log lines go (default stdout). */
  logDestination?: DestinationStream;
}

export const API_PREFIX = 'api/v1';

/** Body-parser failures happen before routing: render them as problem+json too (never an HTML 400/500). */
const problemErrorHandler = (err: unknown, req: Request, res: Response, next: NextFunction): void => {
  if (res.headersSent) return next(err);
  sendProblem(err, req, res);
};

export const buildOpenApiDocument = (app: INestApplication, cityName: string, description = '') =>
  finishOpenApiDocument(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle(`广佛通办 Guangfo Tongban — ${cityName} node`)
        .setDescription(
          `Cross-city public services between Guangzhou and Foshan. Errors are RFC 9457 application/problem+json with a stable \`code\`.\n\n${description}`,
        )
        .setVersion('1')
        .addBearerAuth(
          {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'Residents and clerks: token from the identity provider (sandbox: POST /api/v1/auth/token)',
          },
          'jwt',
        )
        .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'Partner systems' }, 'api-key')
        .build(),
    ),
  );

/** Creates (but does not listen) one city node: migrations if asked, HTTP edge, Swagger, transport. */
export const createCityNodeApp = async (o: CityNodeAppOptions): Promise<NestExpressApplication> => {
  if (o.config.migrateOnStart) await runMigrations(o.config.databaseUrl, o.migrations);

  const app = await NestFactory.create<NestExpressApplication>(cityNodeModule(o.modules), new BufferReplyExpressAdapter(), {
    bufferLogs: true,
    bodyParser: false,
    abortOnError: false,
  });
  const logging = createNodeLogging(o.config.cityCode, o.config.logLevel, o.logDestination);
  app.useLogger(logging.nest);
  app.use(correlationMiddleware(o.config.cityCode));
  app.use(logging.http);
  app.use(express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] }));
  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
  app.use(inputGuardMiddleware());
  app.use(problemErrorHandler);
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready', 'metrics'] });
  app.useGlobalPipes(createValidationPipe());
  app.disable('x-powered-by');

  const city = o.registry.require(o.config.cityCode);
  const doc = buildOpenApiDocument(app, `${city.nameZh} ${city.nameEn} (${city.code})`, o.apiDescription);
  app.use(locationMiddleware(doc));
  SwaggerModule.setup('docs', app, doc, { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });

  return app;
};

/** Listens. The transport (topics, producer, consumer) started with the application (TransportLifecycle). */
export const startCityNodeApp = async (app: NestExpressApplication, host: string, port: number): Promise<void> => {
  await app.listen(port, host);
};
