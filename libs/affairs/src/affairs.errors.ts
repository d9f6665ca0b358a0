import { DomainError, type ErrorDescriptor, type FieldError } from '@guangfo/platform';

/** Stable error codes of 跨城通办 cases, mapped to HTTP in one exhaustive switch. */
export const AFFAIRS_ERROR_CODES = [
  'CASE_NOT_FOUND',
  'CASE_ILLEGAL_TRANSITION',
  'CASE_NOT_HELD_HERE',
  'CASE_NOT_YOUR_DUTY',
  'CASE_CLAIMED_BY_OTHER',
  'CASE_ITEM_NOT_HANDLED',
  'CASE_ROUTE_NOT_ALLOWED',
  'CASE_MATERIALS_INVALID',
  'CASE_MATERIALS_INCOMPLETE',
  'CASE_CREDENTIAL_REJECTED',
  'CASE_APPLICANT_INVALID',
  'CASE_APPLICANT_NOT_SELF',
  'CASE_IDENTITY_NOT_VERIFIED',
  'CASE_SUPPLEMENT_ALREADY_REQUESTED',
  'CASE_SUPPLEMENT_INVALID',
  'CASE_SUPPLEMENT_WINDOW_CLOSED',
  'CASE_ALREADY_EXTENDED',
  'CASE_REASON_REQUIRED',
  'CASE_WITHDRAWAL_PENDING',
  'CASE_NOT_EVALUABLE',
  'CASE_ALREADY_EVALUATED',
  'CASE_NOT_EVALUATED',
  'CASE_ALREADY_FOLLOWED_UP',
  'CASE_INVALID_QUERY',
  'CASE_INVALID_CURSOR',
  'CASE_IDEMPOTENCY_KEY_REUSED',
  'CASE_IDEMPOTENCY_KEY_INVALID',
  'REMEDIATION_NOT_FOUND',
  'REMEDIATION_ALREADY_CLOSED',
] as const;
export type AffairsErrorCode = (typeof AFFAIRS_ERROR_CODES)[number];

export const describeAffairsError = (code: AffairsErrorCode): ErrorDescriptor => {
  switch (code) {
    case 'CASE_NOT_FOUND': return { status: 404, titleZh: '办件不存在', titleEn: 'No such case' };
    case 'CASE_ILLEGAL_TRANSITION': return { status: 409, titleZh: '办件当前状态不允许该操作', titleEn: 'This step is not allowed in the case\'s current state' };
    case 'CASE_NOT_HELD_HERE': return { status: 409, titleZh: '该步骤由另一城市办理', titleEn: 'The other city holds the case for this step' };
    case 'CASE_NOT_YOUR_DUTY': return { status: 403, titleZh: '该步骤不属于您的职责', titleEn: 'This step is not your duty' };
    case 'CASE_CLAIMED_BY_OTHER': return { status: 409, titleZh: '办件已被其他工作人员认领', titleEn: 'Another clerk has claimed the case' };
    case 'CASE_ITEM_NOT_HANDLED': return { status: 422, titleZh: '该事项不通过跨城通办办件受理', titleEn: 'This item is not handled as a cross-city case' };
    case 'CASE_ROUTE_NOT_ALLOWED': return { status: 422, titleZh: '目录不支持该城市组合或办理模式', titleEn: 'The catalogue allows no such route or mode' };
    case 'CASE_MATERIALS_INVALID': return { status: 422, titleZh: '申请材料不符合目录要求', titleEn: 'Materials do not match the catalogue' };
    case 'CASE_MATERIALS_INCOMPLETE': return { status: 422, titleZh: '申请材料不齐全', titleEn: 'Required materials are missing' };
    case 'CASE_CREDENTIAL_REJECTED': return { status: 422, titleZh: '电子证照核验未通过', titleEn: 'A presented credential did not verify' };
    case 'CASE_APPLICANT_INVALID': return { status: 422, titleZh: '申请人信息无效', titleEn: 'Invalid applicant' };
    case 'CASE_APPLICANT_NOT_SELF': return { status: 403, titleZh: '居民只能以本人身份申请', titleEn: 'Residents file only as themselves' };
    case 'CASE_IDENTITY_NOT_VERIFIED': return { status: 403, titleZh: '未完成实名认证，不能在线申请', titleEn: 'A real-name-verified identity is required to file online' };
    case 'CASE_SUPPLEMENT_ALREADY_REQUESTED': return { status: 409, titleZh: '补正材料应一次性告知', titleEn: 'A supplement request was already made (one notice per case)' };
    case 'CASE_SUPPLEMENT_INVALID': return { status: 422, titleZh: '补正内容无效', titleEn: 'Invalid supplement' };
    case 'CASE_ALREADY_EXTENDED': return { status: 409, titleZh: '办理期限只能延长一次', titleEn: 'The time limit was already extended (once only)' };
    case 'CASE_SUPPLEMENT_WINDOW_CLOSED': return { status: 409, titleZh: '补正告知期限已过，申请自收到之日起即为受理', titleEn: 'The 5-working-day window for a supplement notice has passed: the application counts as accepted' };
    case 'CASE_REASON_REQUIRED': return { status: 422, titleZh: '需要说明理由', titleEn: 'A reason is required' };
    case 'CASE_WITHDRAWAL_PENDING': return { status: 409, titleZh: '撤回申请已提交，等待办理地处理', titleEn: 'A withdrawal request is already pending' };
    case 'CASE_NOT_EVALUABLE': return { status: 409, titleZh: '办件尚未办结，暂不能评价', titleEn: 'The case cannot be rated yet' };
    case 'CASE_ALREADY_EVALUATED': return { status: 409, titleZh: '该办件已评价', titleEn: 'The case was already rated' };
    case 'CASE_NOT_EVALUATED': return { status: 409, titleZh: '该办件尚未评价，不能追评', titleEn: 'The case has not been rated yet: no follow-up rating before the first' };
    case 'CASE_ALREADY_FOLLOWED_UP': return { status: 409, titleZh: '该办件已追评', titleEn: 'The case already has its follow-up rating' };
    case 'CASE_INVALID_QUERY': return { status: 400, titleZh: '查询参数无效', titleEn: 'Invalid query' };
    case 'CASE_INVALID_CURSOR': return { status: 400, titleZh: '分页游标无效', titleEn: 'Invalid cursor' };
    case 'CASE_IDEMPOTENCY_KEY_REUSED': return { status: 409, titleZh: '幂等键已用于不同的请求', titleEn: 'Idempotency-Key reused with a different request' };
    case 'CASE_IDEMPOTENCY_KEY_INVALID': return { status: 400, titleZh: '幂等键格式无效', titleEn: 'Invalid Idempotency-Key' };
    case 'REMEDIATION_NOT_FOUND': return { status: 404, titleZh: '整改任务不存在', titleEn: 'No such remediation task' };
    case 'REMEDIATION_ALREADY_CLOSED': return { status: 409, titleZh: '整改任务已办结', titleEn: 'Remediation task already closed' };
  }
};

export const affairsError = (code: AffairsErrorCode, detail?: string, extra?: Record<string, unknown>, fieldErrors?: FieldError[]): DomainError =>
  new DomainError(code, describeAffairsError(code), detail, fieldErrors, extra);
