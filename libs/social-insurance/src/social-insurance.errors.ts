import { defineErrors, type ErrorCodeOf } from '@guangfo/platform';

/** Stable error codes of social insurance (社保): status and titles, declared once. */
export const SOCIAL_INSURANCE_ERRORS = defineErrors({
  SI_INVALID_REPORT: { status: 422, zh: '缴费申报数据无效', en: 'Invalid contribution report' },
  SI_EMPLOYER_NOT_BOUND: {
    status: 403,
    zh: '接入密钥未绑定该用人单位',
    en: "The API key is not bound to this employer's unified social credit code",
  },
  SI_MONTH_ALREADY_REPORTED: {
    status: 409,
    zh: '该月缴费已由其他单位申报',
    en: 'Another employer already reported this month for this person and scheme',
  },
  SI_IDENTITY_REQUIRED: { status: 403, zh: '需要实名认证的身份', en: 'A real-name-verified identity is required' },
  SI_CONSENT_REQUIRED: { status: 422, zh: '需要本人授权', en: "The resident's consent is required" },
  SI_REQUEST_NOT_FOUND: { status: 404, zh: '查询请求不存在', en: 'No such record request' },
  SI_CLAIM_NOT_FOUND: { status: 404, zh: '待遇申领不存在', en: 'No such pension claim' },
  SI_CLAIM_NOT_HERE: {
    status: 422,
    zh: '该城市不是待遇领取地',
    en: 'This city is not where the pension is drawn (10-year rule) or not the last insured city of the region',
  },
  SI_TRANSFER_NOT_FOUND: { status: 404, zh: '转移接续业务不存在', en: 'No such transfer' },
  SI_TRANSFER_NOT_CROSS_PROVINCE: {
    status: 422,
    zh: '省内无需办理养老保险关系转移，缴费记录在领取待遇时归集',
    en: 'No transfer within one province: records are aggregated at claim time (provincial pooling)',
  },
  SI_TRANSFER_STEP_NOT_ALLOWED: {
    status: 409,
    zh: '转移接续当前环节不允许该操作',
    en: 'This step is not allowed at this point of the transfer',
  },
  SI_TRANSFER_NOT_YOUR_STEP: { status: 403, zh: '该环节由另一城市办理', en: 'The other city takes this step' },
  SI_RETIREE_NOT_FOUND: { status: 404, zh: '退休人员不存在', en: 'No such retiree' },
  SI_RETIREE_EXISTS: { status: 409, zh: '该退休人员已登记', en: 'This retiree is already registered' },
  SI_INVALID_MONTH: { status: 422, zh: '月份无效', en: 'Invalid month' },
  SI_UNKNOWN_CITY: { status: 422, zh: '城市不在城市名录中', en: 'The city is not in the city registry' },
  SI_INVALID_QUERY: { status: 422, zh: '请求数据无效', en: 'Invalid input' },
  SI_INVALID_CURSOR: { status: 400, zh: '分页游标无效', en: 'Invalid cursor' },
  SI_IDEMPOTENCY_KEY_REUSED: { status: 409, zh: '幂等键已用于不同的请求', en: 'Idempotency-Key reused with a different request' },
  SI_IDEMPOTENCY_KEY_INVALID: { status: 400, zh: '幂等键格式无效', en: 'Invalid Idempotency-Key' },
  SI_CROSS_CHECK_NOT_CONFIGURED: {
    status: 503,
    zh: '未配置数据比对共享密钥',
    en: 'Cross-checks are not configured on this node (no shared match key)',
  },
  SI_CROSS_CHECK_NOT_FOUND: { status: 404, zh: '数据比对不存在', en: 'No such cross-check' },
  SI_INVESTIGATION_NOT_FOUND: { status: 404, zh: '核查事项不存在', en: 'No such investigation' },
  SI_INVESTIGATION_CLOSED: { status: 409, zh: '核查事项已办结', en: 'The investigation is already closed' },
  SI_WORK_INJURY_CASE_NOT_FOUND: { status: 404, zh: '工伤认定案件不存在', en: 'No such work-injury case' },
  SI_WORK_INJURY_APPLICATION_LATE: {
    status: 422,
    zh: '已超过工伤认定申请时限',
    en: 'The time limit to apply for a work-injury determination has passed',
  },
  SI_WORK_INJURY_NOT_INSURED_HERE: {
    status: 422,
    zh: '用人单位未在本市为该职工参加工伤保险',
    en: "The employer did not insure the worker against work injury in this city: apply in the employer's city",
  },
  SI_WORK_INJURY_ALREADY_DECIDED: { status: 409, zh: '工伤认定已作出决定', en: 'The work-injury case is already decided' },
  SI_CREDENTIAL_REJECTED: { status: 422, zh: '电子证照核验未通过', en: 'The presented credential did not verify' },
});
export type SocialInsuranceErrorCode = ErrorCodeOf<typeof SOCIAL_INSURANCE_ERRORS>;
/** `socialInsuranceError('SI_TRANSFER_NOT_FOUND', { detail, fieldErrors, extra })`. */
export const socialInsuranceError = SOCIAL_INSURANCE_ERRORS.error;
