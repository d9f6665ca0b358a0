import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CASE_MODES, CASE_STATES } from '@guangfo/contracts';

/** OpenAPI shapes of the case views (see case.views.ts for the types). */
export class CaseDeadlineDto {
  @ApiProperty({ enum: ['decision', 'delivery', 'closed'], example: 'decision' }) stage: string;
  @ApiProperty({
    example: '2026-09-30',
    description: "Day the clock runs from (not counted): acceptance (行政许可法 art. 42), or until then the projection's start",
  })
  startDate: string;
  @ApiProperty({
    nullable: true,
    example: { receivedOn: '2026-09-30', supplementNoticeDueOn: '2026-10-13', acceptedOn: '2026-09-30', deemed: true },
    description:
      'Art. 32(4): receipt, the last day for a 补正 notice (5 working days), and acceptance (deemed from receipt when no timely notice)',
  })
  acceptance: { receivedOn: string; supplementNoticeDueOn: string; acceptedOn: string | null; deemed: boolean } | null;
  @ApiProperty({ example: true, description: 'False until accepted (or deemed accepted): the due dates are a projection' })
  clockStarted: boolean;
  @ApiProperty({ example: 10 }) committedWorkingDays: number;
  @ApiProperty({
    type: Number,
    example: 20,
    nullable: true,
    description: "Statutory limit (法定时限): the item's, 45 for joint handling (行政许可法 art. 42)",
  })
  legalWorkingDays: number | null;
  @ApiProperty({ type: Number, example: 0, description: 'Art. 42: working days added by the one extension (10, or 15 for joint handling)' })
  extensionWorkingDays: number;
  @ApiProperty({ type: String, example: '2026-10-20', nullable: true, description: 'Decision due under the committed limit (承诺时限)' })
  decisionDueDate: string | null;
  @ApiProperty({ type: String, example: '2026-11-03', nullable: true, description: 'Decision due under the statutory limit (法定时限)' })
  legalDueDate: string | null;
  @ApiProperty({ example: null, nullable: true, description: 'Delivery due (10 working days after the decision)' }) deliveryDueDate:
    string | null;
  @ApiProperty({ type: String, example: '2026-10-20', nullable: true, description: 'Due date of the current stage' }) dueDate:
    string | null;
  @ApiProperty({ type: 'array', items: { type: 'object' }, example: [], description: 'Pauses (补正, special procedures)' })
  pauses: unknown[];
  @ApiProperty({ example: 0 }) pausedWorkingDays: number;
  @ApiProperty({ example: false }) clockPaused: boolean;
  @ApiProperty({ type: Number, example: 10, nullable: true }) remainingWorkingDays: number | null;
  @ApiProperty({ example: false }) overdue: boolean;
  @ApiProperty({ example: false, description: '≤ 3 working days left' }) nearDue: boolean;
  @ApiProperty({ example: true }) calendarCovered: boolean;
  @ApiProperty({
    example: false,
    description: 'Counted across a year without a State Council notice (statutory holidays only); recomputed when the notice is loaded',
  })
  provisional: boolean;
  @ApiProperty({ type: [Number], example: [] }) provisionalYears: number[];
}

export class AvailableActionDto {
  @ApiProperty({ example: 'accept' }) action: string;
  @ApiProperty({ enum: ['applicant', 'receiving', 'administering'], example: 'administering', description: 'Who performs it' })
  performer: string;
  @ApiProperty({ example: '440100', description: 'Where' }) city: string;
}

export class CaseMaterialViewDto {
  @ApiProperty({ example: 'id-card' }) materialId: string;
  @ApiProperty({ example: { zh: '居民身份证', en: 'Resident identity card' } }) name: { zh: string; en: string };
  @ApiProperty({ example: true }) required: boolean;
  @ApiProperty({ enum: ['provided', 'missing', 'supplemented'], example: 'provided' }) status: string;
  @ApiProperty({
    type: Object,
    nullable: true,
    example: { kind: 'credential', credentialType: 'ID_CARD', credentialId: 'ID-1', verification: 'pending' },
    description: 'file, stored file or credential; null when missing',
  })
  evidence: Record<string, unknown> | null;
}

export class CaseRequestViewDto {
  @ApiProperty({ example: '9b2e4c1a-7d3f-4e8b-a6c5-0f1e2d3c4b5a' }) id: string;
  @ApiProperty({ enum: ['withdraw'], example: 'withdraw' }) kind: string;
  @ApiProperty({ example: 'pending' }) status: string;
  @ApiProperty({ example: '2026-09-30T03:00:00.000Z' }) createdAt: string;
  @ApiProperty({ type: String, nullable: true, example: null }) resolvedAt: string | null;
}

export class CaseNoteDto {
  @ApiProperty({ example: 'gz-clerk' }) author: string;
  @ApiProperty({ type: String, nullable: true, example: 'GZ-TH-01' }) hall: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 3, description: 'Timeline entry the note belongs to' }) seq: number | null;
  @ApiProperty({ example: '材料已核对' }) text: string;
  @ApiProperty({ example: '2026-09-30T03:00:00.000Z' }) at: string;
}

export class CaseSummaryDto {
  @ApiProperty({ example: '3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c' }) id: string;
  @ApiProperty({ example: 'XK00201000' }) itemCode: string;
  @ApiProperty({ example: { zh: '以经常居住地登记户口（跨市户口迁移）', en: 'Household registration at the habitual residence' } })
  itemName: { zh: string; en: string };
  @ApiProperty({ enum: CASE_MODES, example: 'proxy' }) mode: string;
  @ApiProperty({ example: 'window' }) channel: string;
  @ApiProperty({ enum: CASE_STATES, example: 'forwarded' }) state: string;
  @ApiProperty({ enum: ['approved', 'denied'], nullable: true, example: null }) outcome: string | null;
  @ApiProperty({ example: 2, description: 'Case version = number of timeline entries; also the ETag' }) version: number;
  @ApiProperty({ type: String, example: '440100', nullable: true, description: 'The city that acts next' }) holderCity: string | null;
  @ApiProperty({ example: true }) heldHere: boolean;
  @ApiProperty({ example: '440600' }) applicantCity: string;
  @ApiProperty({ example: '440600', description: '收件地' }) receivingCity: string;
  @ApiProperty({ example: '440100', description: '办理地' }) administeringCity: string;
  @ApiProperty({
    example: { name: '李小红', idNumber: '440***********002X', sub: 'fs-resident' },
    description: 'ID number in full only for its owner',
  })
  applicant: { name: string; idNumber: string; sub?: string | null };
  @ApiProperty({ type: CaseDeadlineDto }) deadline: CaseDeadlineDto;
  @ApiProperty({ type: [AvailableActionDto], example: [{ action: 'accept', performer: 'administering', city: '440100' }] })
  availableActions: AvailableActionDto[];
  @ApiProperty({ nullable: true, example: { clerk: 'gz-clerk', hall: 'GZ-TH-01', expiresAt: '2026-09-30T03:00:00.000Z' } }) claim: unknown;
  @ApiProperty({ type: String, nullable: true, example: 'GZ-TH-01' }) hall: string | null;
  @ApiProperty({ example: '2026-09-30T01:00:00.000Z' }) filedAt: string;
  @ApiProperty({ example: '2026-09-30T02:00:00.000Z' }) updatedAt: string;
}

export class TimelineEntryDto {
  @ApiProperty({ example: 2 }) seq: number;
  @ApiProperty({ example: 'forwarded' }) kind: string;
  @ApiProperty({ example: '2026-09-30T02:00:00.000Z' }) at: string;
  @ApiProperty({ example: { role: 'clerk', id: 'fs-clerk', city: '440600', hall: 'FS-CC-01' } }) actor: unknown;
  @ApiProperty({ type: String, example: 'submitted', nullable: true }) fromState: string | null;
  @ApiProperty({ example: 'forwarded' }) toState: string;
  @ApiProperty({ example: 'INTAKE_PASSED' }) reasonCode: string;
  @ApiProperty({ example: { to: '440100', checks: { identity: 'verified', form: 'complete' } } }) detail: Record<string, unknown>;
  @ApiProperty({ example: '440600' }) authorCity: string;
}

export class CaseDetailDto extends CaseSummaryDto {
  @ApiProperty({ example: '2026.1' }) catalogueVersion: string;
  @ApiProperty({ example: '440600' }) originCity: string;
  @ApiProperty({ example: ['440600', '440100'] }) participants: string[];
  @ApiProperty({ example: true }) requiresIntake: boolean;
  @ApiProperty({ example: { receiving: 'XK00201000440600001', administering: 'XK00201000440100001' } }) implementationCodes: unknown;
  @ApiProperty({ example: { committed: 10, legal: 20 } }) timeLimits: unknown;
  @ApiProperty({ type: [CaseMaterialViewDto] })
  materials: CaseMaterialViewDto[];
  @ApiProperty({ nullable: true, example: null }) supplement: unknown;
  @ApiProperty({ nullable: true, example: null }) decision: unknown;
  @ApiProperty({ nullable: true, example: null }) delivery: unknown;
  @ApiProperty({ type: [TimelineEntryDto] }) timeline: TimelineEntryDto[];
  @ApiProperty({ type: () => EvaluationDto, nullable: true, description: '好差评 rating and its 追评, once given' })
  evaluation: EvaluationDto | null;
  @ApiProperty({ type: [CaseRequestViewDto] }) requests: CaseRequestViewDto[];
  @ApiPropertyOptional({ type: [CaseNoteDto], description: 'Internal notes of this city (clerks and supervisors only)' })
  notes?: CaseNoteDto[];
}

export class CasePageDto {
  @ApiProperty({ type: [CaseSummaryDto] }) items: CaseSummaryDto[];
  @ApiProperty({ type: String, nullable: true, example: null, description: 'Opaque; pass as cursor for the next page' }) nextCursor:
    string | null;
}

export class FollowUpEvaluationDto {
  @ApiProperty({ example: 4 }) rating: number;
  @ApiProperty({ example: 'satisfied' }) level: string;
  @ApiProperty({ type: String, nullable: true, example: '整改后问题已解决' }) comment: string | null;
  @ApiProperty({ example: '2026-10-20T03:00:00.000Z' }) followedUpAt: string;
}

export class EvaluationDto {
  @ApiProperty({ example: 2 }) rating: number;
  @ApiProperty({ example: 'dissatisfied' }) level: string;
  @ApiProperty({ type: String, nullable: true, example: '等待时间较长' }) comment: string | null;
  @ApiProperty({ example: '2026-10-09T03:00:00.000Z' }) evaluatedAt: string;
  @ApiProperty({ type: () => FollowUpEvaluationDto, nullable: true, description: '追评 (once, after the first rating)' })
  followUp: FollowUpEvaluationDto | null;
}

export class RemediationFollowUpDto {
  @ApiProperty({ example: 4 }) rating: number;
  @ApiProperty({ example: true, description: 'Rating 3 (基本满意) or more: the applicant is now satisfied' }) satisfied: boolean;
  @ApiProperty({ example: true, description: 'The follow-up came after the task was closed' }) afterResolution: boolean;
  @ApiProperty({ example: '2026-10-20T03:00:00.000Z' }) at: string;
}

export class RemediationDto {
  @ApiProperty() id: string;
  @ApiProperty() caseId: string;
  @ApiProperty({ example: 'XK00201000' }) itemCode: string;
  @ApiProperty({ example: 2 }) rating: number;
  @ApiProperty({ example: 'dissatisfied' }) level: string;
  @ApiProperty({ type: String, nullable: true, example: '等待时间较长' }) comment: string | null;
  @ApiProperty() openedAt: string;
  @ApiProperty({ type: String, nullable: true, example: '2026-10-21' }) dueDate: string | null;
  @ApiProperty({
    type: Boolean,
    example: false,
    description: 'Counted across a year without a State Council notice; recounted when it is loaded',
  })
  provisional: boolean;
  @ApiProperty({ example: false }) overdue: boolean;
  @ApiProperty({ enum: ['open', 'closed'] }) status: string;
  @ApiProperty({ type: String, nullable: true }) closedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) closedBy: string | null;
  @ApiProperty({ type: String, nullable: true }) resolution: string | null;
  @ApiProperty({
    type: () => RemediationFollowUpDto,
    nullable: true,
    description: '追评 of the applicant on this case, with whether they are now satisfied',
  })
  followUp: RemediationFollowUpDto | null;
}

export class RemediationPageDto {
  @ApiProperty({ type: [RemediationDto] }) items: RemediationDto[];
}

export class CaseCalendarIdentityDto {
  @ApiProperty({ example: '2025+2026+2027' }) version: string;
  @ApiProperty({ description: 'SHA-256 of the canonical JSON of the official years' }) hash: string;
}

export class DeadlineRecomputedDto {
  @ApiProperty({ type: String, format: 'uuid' }) caseId: string;
  @ApiProperty({ type: String, nullable: true, example: '2027-01-13' }) previousDueDate: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2027-01-14' }) dueDate: string | null;
}

export class CalendarRecomputeDto {
  @ApiProperty({ type: [DeadlineRecomputedDto], description: 'Cases held here whose due date moved' }) cases: DeadlineRecomputedDto[];
  @ApiProperty({ example: 0, description: 'Open remediations whose due date moved' }) remediations: number;
}

export class CalendarYearLoadedDto {
  @ApiProperty({ example: 2027 }) year: number;
  @ApiProperty({ enum: ['official', 'provisional'], nullable: true, example: 'provisional' }) previous: string | null;
  @ApiProperty({ type: CaseCalendarIdentityDto }) identity: CaseCalendarIdentityDto;
  @ApiProperty({ type: CalendarRecomputeDto }) recomputed: CalendarRecomputeDto;
}
