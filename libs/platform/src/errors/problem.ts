/** RFC 9457 problem details, with the project's stable `code` and bilingual titles. */
export interface FieldError {
  /** Dotted path of the offending field, e.g. `materials.0.hash`. */
  field: string;
  /** Machine-readable constraint name, e.g. `isNotEmpty`. */
  rule: string;
  message: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: string;
  titleZh: string;
  titleEn: string;
  errors?: FieldError[];
  correlationId?: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const problemTypeUri = (code: string): string => `https://guangfo.gov.cn/problems/${code.toLowerCase().replace(/_/g, '-')}`;
