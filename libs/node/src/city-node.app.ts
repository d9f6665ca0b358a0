import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { DestinationStream } from 'pino';
import type { CityTransport } from '@guangfo/messaging';
import {
  BufferReplyExpressAdapter,
  type CityRegistry,
  consoleOidcOrigin,
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
  /** The built web console (apps/console, `npm run build`), served at /console; default `CONSOLE_DIR` or ./dist/console. */
  consoleDir?: string;
}

export const API_PREFIX = 'api/v1';
const PREFIX_EXCLUDE = ['health/live', 'health/ready', 'metrics'];

/**
 * The web console's Content-Security-Policy: its own scripts, styles and API only; no inline code, no frames. The one other
 * origin it may connect to is its identity provider's (discovery and the token endpoint of the OIDC sign-in), when configured.
 */
export const consoleCsp = (identityProviderOrigin?: string): string =>
  [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    `connect-src 'self'${identityProviderOrigin ? ` ${identityProviderOrigin}` : ''}`,
    "font-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

/** The console's CSP when no identity provider is configured (the sandbox). */
export const CONSOLE_CSP = consoleCsp();

/**
 * The web console (apps/console): static files at /console, before the API's routes, guards and problem filter (a client of
 * the public API like any other; assets are not API calls, so the API's rate limits do not count them). Hashed assets are
 * cached for a year, index.html never. Not built → a plain 404 saying so.
 */
const mountConsole = (app: NestExpressApplication, dir: string, csp: string): void => {
  const router = express.Router();
  router.use((_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Content-Security-Policy', csp);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    next();
  });
  if (existsSync(join(dir, 'index.html'))) {
    router.use(
      express.static(dir, {
        index: 'index.html',
        redirect: true,
        setHeaders: (res, path) =>
          res.setHeader('Cache-Control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'),
      }),
    );
  }
  router.use((_req: Request, res: Response) => {
    res.status(404).type('text/plain; charset=utf-8').send('Not found (is the console built? npm run build)\n');
  });
  app.use('/console', router);
};

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
  mountConsole(
    app,
    o.consoleDir ?? resolve(process.env.CONSOLE_DIR ?? 'dist/console'),
    consoleCsp(consoleOidcOrigin(o.config.consoleOidc)),
  );
  app.setGlobalPrefix(API_PREFIX, { exclude: PREFIX_EXCLUDE });
  app.useGlobalPipes(createValidationPipe());
  app.disable('x-powered-by');

  const city = o.registry.require(o.config.cityCode);
  const doc = buildOpenApiDocument(app, `${city.nameZh} ${city.nameEn} (${city.code})`, o.apiDescription);
  app.use(locationMiddleware(doc));
  SwaggerModule.setup('docs', app, doc, { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });

  return app;
};

/**
 * The node's OpenAPI document without starting anything (Nest preview mode: no provider runs, no database): what /docs-json
 * serves, for generating clients (scripts/generate-api-client.ts).
 */
export const openApiDocumentOf = async (o: CityNodeAppOptions) => {
  const app = await NestFactory.create<NestExpressApplication>(cityNodeModule(o.modules), new BufferReplyExpressAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  app.setGlobalPrefix(API_PREFIX, { exclude: PREFIX_EXCLUDE });
  const city = o.registry.require(o.config.cityCode);
  const doc = buildOpenApiDocument(app, `${city.nameZh} ${city.nameEn} (${city.code})`, o.apiDescription);
  await app.close();
  return doc;
};

/** Listens. The transport (topics, producer, consumer) started with the application (TransportLifecycle). */
export const startCityNodeApp = async (app: NestExpressApplication, host: string, port: number): Promise<void> => {
  await app.listen(port, host);
};
