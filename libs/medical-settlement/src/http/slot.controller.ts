import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access, CurrentPrincipal, type PartnerPrincipal, type Principal } from '@guangfo/platform';
import { BookingService, type SlotHoldView } from '../application/booking.service.js';
import { SlotService, type SlotView } from '../application/slot.service.js';
import {
  OfferSlotDto,
  SlotHoldPageDto,
  SlotHoldQueryDto,
  SlotListQueryDto,
  SlotPageDto,
  SlotViewDto,
  WithdrawSlotDto,
} from './dto/slot.dto.js';
import { medicalError } from '../medical.errors.js';
import { MedicalEndpoint } from './medical-endpoint.decorator.js';

const slotId = new ParseUUIDPipe({
  exceptionFactory: () => medicalError('MEDICAL_SLOT_NOT_FOUND', { detail: 'slot ids are UUIDs' }),
});

/** 预约挂号互通: a hospital offers slots at its city's node; the other city's residents find them at their own node. */
@ApiTags('medical')
@Controller('medical/slots')
export class SlotController {
  constructor(
    private readonly slots: SlotService,
    private readonly bookings: BookingService,
  ) {}

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

  @Post(':id/withdrawal')
  @HttpCode(200)
  @Access({ scopes: ['medical:settle'] })
  @MedicalEndpoint(
    '停诊: the hospital withdraws one of its slots before it starts (its bookings end, the patients’ cities are told)',
    { status: 200, type: SlotViewDto },
    ['MEDICAL_NOT_A_HOSPITAL', 'MEDICAL_SLOT_NOT_FOUND', 'MEDICAL_SLOT_STARTED', 'MEDICAL_SLOT_INVALID'],
    'One transaction: no more bookings of the slot (a later request is refused MEDICAL_SLOT_NOT_FOUND), every place held on it released, and slot-withdrawn sent to every city, which drops the slot from its listing and ends its own residents’ bookings of it (state withdrawn, refusal MEDICAL_SLOT_WITHDRAWN, the reason). Withdrawing again answers the same. Another hospital’s slot → 404.',
  )
  withdraw(@CurrentPrincipal() p: Principal, @Param('id', slotId) id: string, @Body() body: WithdrawSlotDto): Promise<SlotView> {
    return this.slots.withdraw(p as PartnerPrincipal, id, body);
  }

  @Get(':id/bookings')
  @Access({ scopes: ['medical:settle'] })
  @MedicalEndpoint(
    'The places held on one of the hospital’s slots: who is coming (masked) and which places went back, cursor-paged',
    { status: 200, type: SlotHoldPageDto },
    ['MEDICAL_NOT_A_HOSPITAL', 'MEDICAL_SLOT_NOT_FOUND', 'MEDICAL_INVALID_CURSOR'],
    'The hospital’s own slots only (another hospital’s → 404). In the order the places were confirmed; the patient masked (enough to match them at the counter); each read audited with the bookings shown.',
  )
  holds(
    @CurrentPrincipal() p: Principal,
    @Param('id', slotId) id: string,
    @Query() q: SlotHoldQueryDto,
  ): Promise<{ items: SlotHoldView[]; nextCursor: string | null }> {
    return this.bookings.holds(p as PartnerPrincipal, id, q);
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
