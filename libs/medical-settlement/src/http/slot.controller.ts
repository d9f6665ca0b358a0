import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access, CurrentPrincipal, type PartnerPrincipal, type Principal } from '@guangfo/platform';
import { SlotService, type SlotView } from '../application/slot.service.js';
import { OfferSlotDto, SlotListQueryDto, SlotPageDto, SlotViewDto } from './dto/slot.dto.js';
import { MedicalEndpoint } from './medical-endpoint.decorator.js';

/** 预约挂号互通: a hospital offers slots at its city's node; the other city's residents find them at their own node. */
@ApiTags('medical')
@Controller('medical/slots')
export class SlotController {
  constructor(private readonly slots: SlotService) {}

  @Post()
  @Access({ scopes: ['medical:settle'] })
  @MedicalEndpoint(
    'A designated hospital offers a bookable slot (announced to the other cities)',
    { status: 201, type: SlotViewDto },
    ['MEDICAL_NOT_A_HOSPITAL', 'MEDICAL_SLOT_INVALID'],
    'The hospital is the one its key is bound to, at this city. Its city announces the slot and, whenever a booking takes or releases a place, the places left (slot-offered).',
  )
  offer(@CurrentPrincipal() p: Principal, @Body() body: OfferSlotDto): Promise<SlotView> {
    return this.slots.offer(p as PartnerPrincipal, body);
  }

  @Get()
  @Access({ roles: ['resident', 'clerk', 'supervisor'] })
  @MedicalEndpoint(
    'Slots of the other city’s hospitals, earliest first, cursor-paged (public data)',
    { status: 200, type: SlotPageDto },
    ['MEDICAL_CITY_UNKNOWN', 'MEDICAL_INVALID_CURSOR'],
    'From this node’s copy of the other city’s announcements: places left as last announced (the hospital’s city decides when booked: POST /medical/bookings may still answer MEDICAL_SLOT_FULL).',
  )
  list(@Query() q: SlotListQueryDto): Promise<{ items: SlotView[]; nextCursor: string | null }> {
    return this.slots.list(q);
  }
}
