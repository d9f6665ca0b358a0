import { applyDecorators, Body, Controller, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { ArrayNotEmpty, IsArray, IsObject, IsString, MaxLength, validateSync, ValidateBy } from 'class-validator';
import {
  type BatchOutcome,
  type BatchRefusal,
  CITY_TRANSPORT,
  type CityTransport,
  EMBEDDED_BATCH_MAX_EVENTS,
  EmbeddedTransport,
  type InboundOutcome,
  sourceCity,
  type TransportMessage,
} from '@guangfo/messaging';
import { platformError, Public } from '@guangfo/platform';
import { INTERCHANGE_HEADERS } from './interchange-signature.js';
import { type InterchangeRequest, InterchangeSignatureGuard } from './interchange.guard.js';

const EXAMPLE_HEADERS = {
  ce_specversion: '1.0',
  ce_id: '6c1f0a8e-3b7d-4d2a-9f4e-1a2b3c4d5e6f',
  ce_source: '/guangfo/440100/platform',
  ce_type: 'gov.guangfo.platform.node-announced.v1',
  ce_subject: '440100',
  ce_time: '2026-11-28T08:00:00.000Z',
  ce_sigkeyid: 'gz-demo-2026',
  ce_sig: 'MEUCIQDx…',
  'content-type': 'application/json',
};

const isStringRecord = (v: unknown): boolean =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  Object.keys(v).length <= 64 &&
  Object.values(v).every((x) => typeof x === 'string' && x.length <= 16_384);

/** A cross-city event as every transport carries it: the CloudEvents Kafka binary binding. */
export class TransportMessageDto implements TransportMessage {
  @ApiProperty({ description: 'The event subject (aggregate id): the Kafka key', example: '440100', maxLength: 200 })
  @IsString()
  @MaxLength(200)
  key: string;

  @ApiProperty({
    description: 'CloudEvents attributes as `ce_*` headers (signature included: `ce_sigkeyid`, `ce_sig`), and `content-type`',
    type: 'object',
    additionalProperties: { type: 'string' },
    example: EXAMPLE_HEADERS,
  })
  @IsObject()
  @ValidateBy({
    name: 'isStringRecord',
    validator: { validate: isStringRecord, defaultMessage: () => 'headers must be an object of at most 64 string values' },
  })
  headers: Record<string, string>;

  @ApiProperty({ description: 'The event data, JSON text', example: '{"nodeVersion":"0.1.0"}' })
  @IsString()
  value: string;
}

export class DeliveryOutcomeDto {
  @ApiProperty({
    enum: ['applied', 'duplicate', 'ignored', 'dead-lettered'],
    example: 'applied',
    description: 'What the receiving node did, committed before this answer',
  })
  status: InboundOutcome['status'];

  @ApiPropertyOptional({
    example: 'SCHEMA_INVALID',
    description: 'dead-lettered: the reason code (listed by GET /api/v1/admin/dead-letters)',
  })
  reasonCode?: string;

  @ApiPropertyOptional({ example: 'data.nodeVersion: Required' })
  reason?: string;
}

export class DeliveryBatchDto {
  @ApiProperty({
    type: [TransportMessageDto],
    maxItems: EMBEDDED_BATCH_MAX_EVENTS,
    description: `The messages in the sender's outbox order (1 to ${EMBEDDED_BATCH_MAX_EVENTS}; more: 413 PAYLOAD_TOO_LARGE). Each is checked on its own: one that is not a transport message is answered \`rejected\` (VALIDATION_FAILED), the others go on`,
  })
  @IsArray()
  @ArrayNotEmpty()
  messages: unknown[];
}

export class BatchItemOutcomeDto {
  @ApiProperty({
    enum: ['applied', 'duplicate', 'ignored', 'dead-lettered', 'rejected', 'held'],
    example: 'applied',
    description:
      'Delivered (committed before this answer): applied, duplicate, ignored, dead-lettered. Not delivered, the sender retries it: rejected (not taken, see `code`), held (not attempted: an earlier message of its subject in this batch was not delivered)',
  })
  status: BatchOutcome['status'];

  @ApiPropertyOptional({
    example: 'SCHEMA_INVALID',
    description: 'dead-lettered: the reason code (listed by GET /api/v1/admin/dead-letters)',
  })
  reasonCode?: string;

  @ApiPropertyOptional({ example: 'data.nodeVersion: Required' })
  reason?: string;

  @ApiPropertyOptional({
    example: 'FORBIDDEN_CITY',
    description:
      "rejected: VALIDATION_FAILED (not a transport message), FORBIDDEN_CITY (another city's event), SERVICE_UNAVAILABLE (could not be committed now)",
  })
  code?: string;

  @ApiPropertyOptional({ example: "440100 may deliver only its own events, this one's source is 440600" })
  detail?: string;
}

export class DeliveryBatchAnswerDto {
  @ApiProperty({ type: [BatchItemOutcomeDto], description: 'One outcome per message, in the order sent' })
  outcomes: BatchItemOutcomeDto[];
}

/** Why one message of a batch is not taken before the receiver sees it: not a transport message, or another city's event. */
const refusalOf = (raw: unknown, deliveringCity: string): BatchRefusal | undefined => {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { code: 'VALIDATION_FAILED', detail: 'not a transport message object' };
  const dto = plainToInstance(TransportMessageDto, raw);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length)
    return {
      code: 'VALIDATION_FAILED',
      detail: errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join(', ') || 'invalid'}`).join('; '),
    };
  return forbiddenSource(dto, deliveringCity);
};

/** An outcome as answered to the peer: what the sender needs (not `stored`, which is the receiver's own business). */
const answerOf = (o: BatchOutcome): BatchItemOutcomeDto => {
  if (o.status === 'dead-lettered') return { status: o.status, reasonCode: o.reasonCode, reason: o.reason };
  if (o.status === 'rejected') return { status: o.status, code: o.code, detail: o.detail };
  return { status: o.status };
};

/** A city delivers its own events only (a malformed source is the receiver's to dead-letter). */
const forbiddenSource = (message: TransportMessage, deliveringCity: string): BatchRefusal | undefined => {
  const source = message.headers.ce_source;
  const from = source ? sourceCity(source) : undefined;
  return from !== undefined && from !== deliveringCity
    ? { code: 'FORBIDDEN_CITY', detail: `${deliveringCity} may deliver only its own events, this one's source is ${from}` }
    : undefined;
};

/**
 * Node-to-node: the embedded transport between city nodes in separate processes (`npm start`)
 * delivers events here (`EMBEDDED_DELIVERY_PATH`). Registered only when the node runs the embedded
 * transport (never with Kafka). Authenticated by the delivering city's SM2 request signature; the
 * event's own signature is checked by the receiver as on every transport. Answers once the event
 * is committed (applied, duplicate, ignored) or dead-lettered.
 */

/** The request signature every delivery endpoint requires (headers, and 401 when it does not hold), as documented in OpenAPI. */
const SignedByPeer = () =>
  applyDecorators(
    ApiHeader({ name: INTERCHANGE_HEADERS.city, required: true, description: "Delivering city code (the events' source city)" }),
    ApiHeader({ name: INTERCHANGE_HEADERS.keyId, required: true, description: 'Its pinned SM2 key id' }),
    ApiHeader({ name: INTERCHANGE_HEADERS.date, required: true, description: 'ISO 8601; at most 5 minutes away' }),
    ApiHeader({ name: INTERCHANGE_HEADERS.nonce, required: true, description: 'Single use, 16-64 chars' }),
    ApiHeader({ name: INTERCHANGE_HEADERS.signature, required: true, description: 'base64 DER SM2 signature' }),
    ApiResponse({
      status: 401,
      description:
        'The request signature: INTERCHANGE_UNSIGNED, INTERCHANGE_SIGNATURE_INVALID (wrong key, or signed for another city), INTERCHANGE_STALE_REQUEST, INTERCHANGE_REPLAYED',
    }),
  );

@ApiTags('interchange')
@Controller('interchange/events')
@Public()
@UseGuards(InterchangeSignatureGuard)
export class InterchangeEventsController {
  constructor(@Inject(CITY_TRANSPORT) private readonly transport: CityTransport) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Peer city nodes only (embedded transport): deliver one signed cross-city event; answers after the receiver committed or dead-lettered it (see docs/messaging.md)',
  })
  @SignedByPeer()
  @ApiBody({ type: TransportMessageDto })
  @ApiOkResponse({ type: DeliveryOutcomeDto, description: "The receiver's outcome: the delivery counts" })
  @ApiResponse({ status: 403, description: "FORBIDDEN_CITY: the event's source is another city than the delivering one" })
  @ApiResponse({
    status: 503,
    description: 'SERVICE_UNAVAILABLE: this node is not consuming yet (starting or stopping); the sender retries',
  })
  async deliver(@Body() message: TransportMessageDto, @Req() req: InterchangeRequest): Promise<DeliveryOutcomeDto> {
    const forbidden = forbiddenSource(message, req.interchangeCity!);
    if (forbidden) throw platformError('FORBIDDEN_CITY', { detail: forbidden.detail });
    const o = await this.embedded().receive({ key: message.key, headers: { ...message.headers }, value: message.value });
    return o.status === 'dead-lettered' ? { status: o.status, reasonCode: o.reasonCode, reason: o.reason } : { status: o.status };
  }

  @Post('batch')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Peer city nodes only (embedded transport): deliver several signed cross-city events in one signed request (what the transport sends); applied in order, answered per event after the receiver committed, dead-lettered or refused each (see docs/messaging.md)',
  })
  @SignedByPeer()
  @ApiBody({ type: DeliveryBatchDto })
  @ApiOkResponse({ type: DeliveryBatchAnswerDto, description: "The receiver's outcome for each event, in order: the delivered ones count" })
  @ApiResponse({ status: 413, description: `PAYLOAD_TOO_LARGE: more than ${EMBEDDED_BATCH_MAX_EVENTS} messages, or a body over 1 MiB` })
  @ApiResponse({
    status: 503,
    description: 'SERVICE_UNAVAILABLE: this node is not consuming yet (starting or stopping); the sender retries',
  })
  async deliverBatch(@Body() batch: DeliveryBatchDto, @Req() req: InterchangeRequest): Promise<DeliveryBatchAnswerDto> {
    if (batch.messages.length > EMBEDDED_BATCH_MAX_EVENTS)
      throw platformError('PAYLOAD_TOO_LARGE', {
        detail: `a batch delivery carries at most ${EMBEDDED_BATCH_MAX_EVENTS} messages, this one ${batch.messages.length}`,
      });
    const transport = this.embedded();
    const refusals = new Map<number, BatchRefusal>();
    const messages = batch.messages.map((raw, i): TransportMessage => {
      const refused = refusalOf(raw, req.interchangeCity!);
      if (refused) refusals.set(i, refused);
      const m = raw as Partial<TransportMessage>;
      // A refused message is never handed to the receiver; its key (when text) names the subject it holds.
      return refused
        ? { key: typeof m?.key === 'string' ? m.key : '', headers: {}, value: '' }
        : { key: m.key!, headers: { ...m.headers! }, value: m.value! };
    });
    return { outcomes: (await transport.receiveBatch(messages, refusals)).map(answerOf) };
  }

  private embedded(): EmbeddedTransport {
    if (!(this.transport instanceof EmbeddedTransport))
      throw platformError('SERVICE_UNAVAILABLE', { detail: 'this node does not run the embedded transport' });
    return this.transport;
  }
}
