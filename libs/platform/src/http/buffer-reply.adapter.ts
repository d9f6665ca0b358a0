import { ExpressAdapter } from '@nestjs/platform-express';
import type { Response } from 'express';

/**
 * Nest's Express adapter, except that a handler's Buffer is sent as its bytes: Nest sends every
 * object through `res.json`, so a response kept already serialised (the catalogue's cache) would
 * be encoded again for each request (UTF-8 encoding a 30 kB page was a tenth of the catalogue
 * GET's CPU profile). A Buffer reply keeps the Content-Type and ETag its interceptor set; Express
 * answers 304 when If-None-Match matches. City nodes are created with it (`createCityNodeApp`).
 */
export class BufferReplyExpressAdapter extends ExpressAdapter {
  override reply(response: Response, body: unknown, statusCode?: number): unknown {
    if (!Buffer.isBuffer(body)) return super.reply(response, body, statusCode);
    if (statusCode !== undefined && statusCode !== null) response.status(statusCode);
    return response.send(body);
  }
}
