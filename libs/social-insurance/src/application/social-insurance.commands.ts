import type { SocialInsuranceScheme } from '@guangfo/contracts';

/** The command shapes the services take (the DTOs implement them). */
export interface ContributionReportLine {
  idNumber: string;
  name: string;
  scheme: SocialInsuranceScheme;
  month: string;
  employerUscc: string;
  baseFen: number;
  employerFen: number;
  personalFen: number;
  personalAccountFen: number;
}
export interface ContributionReportCommand {
  reports: ContributionReportLine[];
}

export interface RecordRequestCommand {
  consent: boolean;
  /** What the resident agrees to, shown back in the view and carried in the request events. */
  scope?: string;
}

export interface PensionClaimCommand {
  /** Clerks: the claimant's ID number (residents: their token's). */
  idNumber?: string;
  name?: string;
  /** The province code of the claimant's hukou (户籍), from the household register. */
  hukouRegion: string;
}

export interface TransferApplicationCommand {
  idNumber: string;
  name: string;
  fromCity: string;
  certificateNo: string;
  hukouRegion: string;
  /** Optional: link the transfer to the resident's account so they can follow it. */
  residentSub?: string;
}

export interface RetireeRegistrationCommand {
  idNumber: string;
  name: string;
  residenceCity: string;
  monthlyPensionFen: number;
  firstMonth: string;
  lastConfirmedOn: string;
}

export interface EligibilityConfirmationCommand {
  idNumber?: string;
  payingCity: string;
  method: 'face-recognition' | 'in-person' | 'data-comparison';
}

export interface StopNoticeCommand {
  idNumber: string;
  payingCity: string;
  kind: 'death' | 'imprisonment';
  eventDate: string;
}
