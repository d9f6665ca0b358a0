import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { Access, CurrentPrincipal, type PartnerPrincipal, platformError, type Principal } from '@guangfo/platform';
import { WEBHOOK_EVENT_TYPE_PATTERN, WEBHOOK_ITEM_CODE_PATTERN } from './webhook-outbox.js';
import {
  type WebhookAttemptView,
  type WebhookDeliveryStatus,
  type WebhookDeliveryView,
  WebhookSubscriptionsService,
  type WebhookSubscriptionView,
} from './webhook-subscriptions.service.js';

export const WEBHOOKS_SCOPE = 'webhooks:manage';
const STATUSES: WebhookDeliveryStatus[] = ['pending', 'delivered', 'failed', 'cancelled'];

export class CreateWebhookSubscriptionDto {
  @ApiProperty({
    example: 'https://partner.example.cn/guangfo/webhooks',
    description:
      'https:// to a public address; loopback (and then http://) only where explicitly allowed (WEBHOOK_ALLOW_LOOPBACK); private, link-local and metadata addresses never',
  })
  @IsString()
  @MaxLength(2048)
  url: string;

  @ApiProperty({ example: ['affairs.case.status-changed'], description: 'Declared event types (GET /webhooks/event-types)' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(WEBHOOK_EVENT_TYPE_PATTERN, { each: true })
  eventTypes: string[];

  @ApiPropertyOptional({
    example: ['XK00201000'],
    description:
      "Only events of these catalogue items (base or implementation codes; omit for all). Naming items also lets a partner with cases:read read those items' cases.",
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Matches(WEBHOOK_ITEM_CODE_PATTERN, { each: true })
  itemCodes?: string[];

  @ApiPropertyOptional({ example: '门诊结算通知' }) @IsOptional() @IsString() @MaxLength(500) description?: string;
}

export class WebhookDeliveryQueryDto {
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: WebhookDeliveryStatus;
  @ApiPropertyOptional() @IsOptional() @IsUUID() subscriptionId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) cursor?: string;
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

const partner = (p: Principal): PartnerPrincipal => {
  if (p.kind !== 'partner') throw platformError('FORBIDDEN_ROLE', { detail: 'webhooks are managed by partner systems (X-API-Key)' });
  return p;
};

/** Partner webhooks: subscriptions (own only), deliveries (own only), redelivery. See docs/webhooks.md. */
@ApiTags('webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhookSubscriptionsService) {}

  @Get('event-types')
  @Access({ scopes: [WEBHOOKS_SCOPE] })
  @ApiOperation({ summary: 'Event types partners may subscribe to' })
  eventTypes(): { items: { type: string; description: string }[] } {
    return { items: this.webhooks.eventTypes() };
  }

  @Post('subscriptions')
  @Access({ scopes: [WEBHOOKS_SCOPE] })
  @ApiOperation({ summary: 'Subscribe an endpoint; the response carries the HMAC secret, shown once' })
  @ApiCreatedResponse({ description: 'The subscription plus `secret`' })
  create(
    @Body() body: CreateWebhookSubscriptionDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<WebhookSubscriptionView & { secret: string }> {
    return this.webhooks.create(partner(p), body);
  }

  @Get('subscriptions')
  @Access({ scopes: [WEBHOOKS_SCOPE] })
  @ApiOperation({ summary: 'Own subscriptions (without secrets)' })
  async list(@CurrentPrincipal() p: Principal): Promise<{ items: WebhookSubscriptionView[] }> {
    return { items: await this.webhooks.list(partner(p)) };
  }

  @Get('subscriptions/:id')
  @Access({ scopes: [WEBHOOKS_SCOPE] })
  @ApiOperation({ summary: 'One own subscription' })
  get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<WebhookSubscriptionView> {
    return this.webhooks.get(partner(p), id);
  }

  @Delete('subscriptions/:id')
  @HttpCode(204)
  @Access({ scopes: [WEBHOOKS_SCOPE] })
  @ApiOperation({ summary: 'Unsubscribe (pending deliveries are cancelled)' })
  @ApiNoContentResponse()
  remove(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<void> {
    return this.webhooks.remove(partner(p), id);
  }

  @Post('subscriptions/:id/rotate-secret')
  @HttpCode(200)
  @Access({ scopes: [WEBHOOKS_SCOPE] })
  @ApiOperation({ summary: 'Replace the secret (returned once); the old one stops signing at once' })
  rotate(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() p: Principal,
  ): Promise<WebhookSubscriptionView & { secret: string }> {
    return this.webhooks.rotateSecret(partner(p), id);
  }

  @Get('deliveries')
  @Access({ scopes: [WEBHOOKS_SCOPE] })
  @ApiOperation({ summary: 'Own deliveries, newest first (cursor pagination)' })
  @ApiOkResponse({ description: '{ items, nextCursor }' })
  deliveries(
    @Query() q: WebhookDeliveryQueryDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<{ items: WebhookDeliveryView[]; nextCursor: string | null }> {
    return this.webhooks.deliveries(partner(p), { ...q, limit: q.limit ?? 50 });
  }

  @Get('deliveries/:id')
  @Access({ scopes: [WEBHOOKS_SCOPE] })
  @ApiOperation({ summary: 'One own delivery with its attempt log' })
  delivery(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() p: Principal,
  ): Promise<WebhookDeliveryView & { attemptLog: WebhookAttemptView[] }> {
    return this.webhooks.delivery(partner(p), id);
  }

  @Post('deliveries/:id/redeliver')
  @HttpCode(202)
  @Access({ scopes: [WEBHOOKS_SCOPE] })
  @ApiOperation({ summary: 'Send a failed (or delivered) delivery again, with a fresh attempt budget' })
  @ApiAcceptedResponse({ description: 'The delivery, pending again' })
  redeliver(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<WebhookDeliveryView> {
    return this.webhooks.redeliver(partner(p), id);
  }
}
