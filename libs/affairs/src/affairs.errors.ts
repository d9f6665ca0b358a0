import { defineErrors, type ErrorCodeOf } from '@guangfo/platform';

/** Stable error codes of 跨城通办 cases: status and titles, declared once. */
export const AFFAIRS_ERRORS = defineErrors({
  CASE_NOT_FOUND: { status: 404, zh: '办件不存在', en: 'No such case' },
  CASE_ILLEGAL_TRANSITION: { status: 409, zh: '办件当前状态不允许该操作', en: "This step is not allowed in the case's current state" },
  CASE_NOT_HELD_HERE: { status: 409, zh: '该步骤由另一城市办理', en: 'The other city holds the case for this step' },
  CASE_NOT_YOUR_DUTY: { status: 403, zh: '该步骤不属于您的职责', en: 'This step is not your duty' },
  CASE_CLAIMED_BY_OTHER: { status: 409, zh: '办件已被其他工作人员认领', en: 'Another clerk has claimed the case' },
  CASE_ITEM_NOT_HANDLED: { status: 422, zh: '该事项不通过跨城通办办件受理', en: 'This item is not handled as a cross-city case' },
  CASE_ROUTE_NOT_ALLOWED: { status: 422, zh: '目录不支持该城市组合或办理模式', en: 'The catalogue allows no such route or mode' },
  CASE_MATERIALS_INVALID: { status: 422, zh: '申请材料不符合目录要求', en: 'Materials do not match the catalogue' },
  CASE_MATERIALS_INCOMPLETE: { status: 422, zh: '申请材料不齐全', en: 'Required materials are missing' },
  CASE_CREDENTIAL_REJECTED: { status: 422, zh: '电子证照核验未通过', en: 'A presented credential did not verify' },
  CASE_APPLICANT_INVALID: { status: 422, zh: '申请人信息无效', en: 'Invalid applicant' },
  CASE_APPLICANT_NOT_SELF: { status: 403, zh: '居民只能以本人身份申请', en: 'Residents file only as themselves' },
  CASE_IDENTITY_NOT_VERIFIED: {
    status: 403,
    zh: '未完成实名认证，不能在线申请',
    en: 'A real-name-verified identity is required to file online',
  },
  CASE_SUPPLEMENT_ALREADY_REQUESTED: {
    status: 409,
    zh: '补正材料应一次性告知',
    en: 'A supplement request was already made (one notice per case)',
  },
  CASE_SUPPLEMENT_INVALID: { status: 422, zh: '补正内容无效', en: 'Invalid supplement' },
  CASE_SUPPLEMENT_WINDOW_CLOSED: {
    status: 409,
    zh: '补正告知期限已过，申请自收到之日起即为受理',
    en: 'The 5-working-day window for a supplement notice has passed: the application counts as accepted',
  },
  CASE_ALREADY_EXTENDED: { status: 409, zh: '办理期限只能延长一次', en: 'The time limit was already extended (once only)' },
  CASE_REASON_REQUIRED: { status: 422, zh: '需要说明理由', en: 'A reason is required' },
  CASE_WITHDRAWAL_PENDING: { status: 409, zh: '撤回申请已提交，等待办理地处理', en: 'A withdrawal request is already pending' },
  CASE_NOT_EVALUABLE: { status: 409, zh: '办件尚未办结，暂不能评价', en: 'The case cannot be rated yet' },
  CASE_ALREADY_EVALUATED: { status: 409, zh: '该办件已评价', en: 'The case was already rated' },
  CASE_NOT_EVALUATED: {
    status: 409,
    zh: '该办件尚未评价，不能追评',
    en: 'The case has not been rated yet: no follow-up rating before the first',
  },
  CASE_ALREADY_FOLLOWED_UP: { status: 409, zh: '该办件已追评', en: 'The case already has its follow-up rating' },
  CASE_INVALID_QUERY: { status: 400, zh: '查询参数无效', en: 'Invalid query' },
  CASE_INVALID_CURSOR: { status: 400, zh: '分页游标无效', en: 'Invalid cursor' },
  CASE_IDEMPOTENCY_KEY_REUSED: { status: 409, zh: '幂等键已用于不同的请求', en: 'Idempotency-Key reused with a different request' },
  CASE_IDEMPOTENCY_KEY_INVALID: { status: 400, zh: '幂等键格式无效', en: 'Invalid Idempotency-Key' },
  REMEDIATION_NOT_FOUND: { status: 404, zh: '整改任务不存在', en: 'No such remediation task' },
  REMEDIATION_ALREADY_CLOSED: { status: 409, zh: '整改任务已办结', en: 'Remediation task already closed' },
});
export type AffairsErrorCode = ErrorCodeOf<typeof AFFAIRS_ERRORS>;
/** `affairsError('CASE_NOT_FOUND', { detail, fieldErrors, extra })`. */
export const affairsError = AFFAIRS_ERRORS.error;
