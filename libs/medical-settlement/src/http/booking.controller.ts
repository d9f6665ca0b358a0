import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import { Access, CurrentPrincipal, type Principal } from '@guangfo/platform';
import { BookingService, type BookingView } from '../application/booking.service.js';
import { medicalError } from '../medical.errors.js';
import { BookDto, BookingPageDto, BookingViewDto } from './dto/booking.dto.js';
import { MedicalPageQueryDto } from './dto/medical.dto.js';
import { MedicalEndpoint } from './medical-endpoint.decorator.js';

const bookingId = new ParseUUIDPipe({
  exceptionFactory: () => medicalError('MEDICAL_BOOKING_NOT_FOUND', { detail: 'booking ids are UUIDs' }),
});

/** 预约挂号互通: a resident books at a hospital of the other city through their own city's node. */
@ApiTags('medical')
@Controller('medical/bookings')
export class BookingController {
  constructor(private readonly bookings: BookingService) {}

  @Post()
  @HttpCode(202)
  @Access({ roles: ['resident', 'clerk'] })
  @MedicalEndpoint(
    'Book a slot at a hospital of the other city (answered asynchronously: GET the booking)',
    { status: 202, type: BookingViewDto },
    ['MEDICAL_CITY_UNKNOWN', 'MEDICAL_PERSON_INVALID'],
    'pending → confirmed / refused (MEDICAL_SLOT_FULL, MEDICAL_SLOT_NOT_FOUND, MEDICAL_BOOKING_EXPIRED) by the hospital’s answer, or timed-out (MEDICAL_BOOKING_TIMED_OUT, with the reason) when no answer came within 60 s. A later answer is recorded in lateAnswer and never revives the booking; a late confirmation’s slot is released.',
  )
  book(@CurrentPrincipal() p: Principal, @Body() body: BookDto): Promise<BookingView> {
    return this.bookings.book(p, body);
  }

  @Get()
  @Access({ roles: ['resident', 'clerk', 'supervisor'] })
  @MedicalEndpoint(
    'Bookings, newest first, cursor-paged: a resident’s own; every one of this city for clerks (the read is audited)',
    { status: 200, type: BookingPageDto },
    ['MEDICAL_INVALID_CURSOR'],
  )
  list(@CurrentPrincipal() p: Principal, @Query() q: MedicalPageQueryDto): Promise<{ items: BookingView[]; nextCursor: string | null }> {
    return this.bookings.list(p, q);
  }

  @Get(':id')
  @Access({ roles: ['resident', 'clerk', 'supervisor'] })
  @ApiParam({ name: 'id', description: 'Booking id', example: '5e6f7081-92a3-44b5-86c7-e8f90a1b2c3d' })
  @MedicalEndpoint('One booking (the resident’s own); the read is audited', { status: 200, type: BookingViewDto }, [
    'MEDICAL_BOOKING_NOT_FOUND',
  ])
  get(@CurrentPrincipal() p: Principal, @Param('id', bookingId) id: string): Promise<BookingView> {
    return this.bookings.get(p, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Access({ roles: ['resident', 'clerk'] })
  @ApiParam({ name: 'id', description: 'Booking id', example: '5e6f7081-92a3-44b5-86c7-e8f90a1b2c3d' })
  @MedicalEndpoint(
    'Cancel a booking (the resident’s own; a clerk for the person): the hospital’s city releases the place',
    { status: 200, type: BookingViewDto },
    ['MEDICAL_BOOKING_NOT_FOUND', 'MEDICAL_BOOKING_NOT_CANCELLABLE'],
    'A pending or confirmed booking whose slot has not started becomes cancelled; the hospital’s city releases its place (booking-cancelled, reason patient), once. Cancelling again answers the same. Refused, timed-out or started → 409 MEDICAL_BOOKING_NOT_CANCELLABLE.',
  )
  cancel(@CurrentPrincipal() p: Principal, @Param('id', bookingId) id: string): Promise<BookingView> {
    return this.bookings.cancel(p, id);
  }
}
