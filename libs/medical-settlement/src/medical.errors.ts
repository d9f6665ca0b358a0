import { defineErrors, type ErrorCodeOf } from '@guangfo/platform';

/** Stable error codes of 异地就医直接结算: status and titles, declared once. */
export const MEDICAL_ERRORS = defineErrors({
  MEDICAL_INVALID_REQUEST: { status: 400, zh: '请求参数无效', en: 'Invalid request' },
  MEDICAL_POLICY_MISSING: { status: 503, zh: '未取得参保地有效待遇政策', en: 'No policy of the insured city in force on that date' },
  MEDICAL_CATALOGUE_MISSING: { status: 503, zh: '未取得就医地有效医保目录', en: 'No catalogue of the treating city in force on that date' },
  MEDICAL_CITY_UNKNOWN: { status: 422, zh: '城市不在互认范围', en: 'Unknown city' },
  MEDICAL_TREATING_CITY_INVALID: { status: 422, zh: '就医地不能是参保地本身', en: 'The treating city must be another city' },
  MEDICAL_PERSON_INVALID: { status: 422, zh: '参保人身份信息无效', en: 'Invalid insured person' },
  MEDICAL_FILING_INVALID: { status: 422, zh: '备案信息不符合规定', en: 'The 备案 breaks a rule' },
  MEDICAL_FILING_NOT_FOUND: { status: 404, zh: '备案不存在', en: 'No such 备案' },
  MEDICAL_FILING_ALREADY_CANCELLED: { status: 409, zh: '备案已取消', en: 'The 备案 is already cancelled' },
  MEDICAL_NOT_REGISTERED: { status: 422, zh: '未查询到有效的异地就医备案', en: 'No valid 备案 in this city covers that date' },
  MEDICAL_NOT_A_HOSPITAL: { status: 403, zh: '接入方未绑定定点医疗机构', en: 'The API key is not bound to a designated hospital here' },
  MEDICAL_VISIT_NOT_FOUND: { status: 404, zh: '就诊记录不存在', en: 'No such visit' },
  MEDICAL_VISIT_NOT_OPEN: { status: 409, zh: '就诊已结算或已撤销', en: 'The visit is settled or cancelled' },
  MEDICAL_NO_FEE_LINES: { status: 422, zh: '未上传费用明细', en: 'No fee lines uploaded' },
  MEDICAL_FEE_LINES_INVALID: { status: 422, zh: '费用明细无效', en: 'Invalid fee lines' },
  MEDICAL_SETTLEMENT_NOT_FOUND: { status: 404, zh: '结算记录不存在', en: 'No such settlement' },
  MEDICAL_ALREADY_REVERSED: { status: 409, zh: '结算已撤销', en: 'The settlement is already reversed' },
  MEDICAL_MSGID_INVALID: {
    status: 400,
    zh: '报文ID格式无效',
    en: 'msgid must be 30 characters: institution code, yyyyMMddHHmmss, sequence',
  },
  MEDICAL_MSGID_REUSED: { status: 409, zh: '报文ID已用于不同的请求', en: 'msgid reused with a different request' },
  MEDICAL_INFNO_UNSUPPORTED: { status: 400, zh: '不支持的交易编号', en: 'Unsupported infno' },
  MEDICAL_AREA_MISMATCH: { status: 422, zh: '就医地/参保地区划与记录不符', en: 'mdtrtarea_admvs / insuplc_admdvs do not match' },
  MEDICAL_STATEMENT_NOT_FOUND: { status: 404, zh: '清算单不存在', en: 'No such clearing statement' },
  MEDICAL_STATEMENT_CONFIRMED: { status: 409, zh: '清算单已确认，不可更改', en: 'The statement is confirmed and immutable' },
  MEDICAL_STATEMENT_OPEN_CONTESTS: { status: 409, zh: '尚有未答复的异议', en: 'Contested items are not all answered' },
  MEDICAL_STATEMENT_EXISTS: { status: 409, zh: '该期清算单已生成', en: 'A statement for that period exists' },
  MEDICAL_STATEMENT_ITEM_NOT_FOUND: { status: 404, zh: '清算明细不存在', en: 'No such statement item' },
  MEDICAL_INVALID_CURSOR: { status: 400, zh: '分页游标无效', en: 'The cursor is not one this API returned' },
  MEDICAL_NOT_YOUR_HOSPITAL: { status: 403, zh: '只能查询本医疗机构的记录', en: 'A hospital sees only its own records' },
  MEDICAL_CONSENT_INVALID: { status: 422, zh: '授权信息无效', en: 'Invalid consent' },
  MEDICAL_CONSENT_NOT_FOUND: { status: 404, zh: '授权不存在', en: 'No such consent' },
  MEDICAL_HEALTH_REQUEST_NOT_FOUND: { status: 404, zh: '健康档案调阅申请不存在', en: 'No such health-summary request' },
  MEDICAL_BOOKING_NOT_FOUND: { status: 404, zh: '预约不存在', en: 'No such booking' },
  MEDICAL_NOT_YOUR_PART: { status: 403, zh: '该操作不属于本市职责', en: "This step is the other city's" },
});
export type MedicalErrorCode = ErrorCodeOf<typeof MEDICAL_ERRORS>;
/** `medicalError('MEDICAL_NOT_REGISTERED', { detail, fieldErrors, extra })`. */
export const medicalError = MEDICAL_ERRORS.error;
