// The contract types the affairs domain works with, re-exported in one place.
export type {
  CaseActor,
  CaseChannel,
  CaseEntry,
  CaseEntryKind,
  CaseFiling,
  CaseMaterial,
  CaseMode,
  CaseState,
  CaseStatus,
  DecisionOutcome,
  DeliveryMethod,
  MaterialEvidence,
  SpecialProcedure,
  SupplementItem,
  SupplementResponse,
} from '@guangfo/contracts';

export interface LocalizedText {
  zh: string;
  en: string;
}
