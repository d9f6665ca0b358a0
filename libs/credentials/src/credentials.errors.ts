import { defineErrors, type ErrorCodeOf } from '@guangfo/platform';

/** Stable error codes of the credentials domain: status and titles, declared once. */
export const CREDENTIALS_ERRORS = defineErrors({
  CREDENTIAL_NOT_FOUND: { status: 404, zh: '电子证照不存在', en: 'No such credential' },
  CREDENTIAL_TYPE_UNKNOWN: { status: 422, zh: '证照类型不在目录中', en: 'Credential type is not in the catalogue' },
  CREDENTIAL_INVALID: { status: 400, zh: '证照信息校验未通过', en: 'Credential data is invalid' },
  CREDENTIAL_NO_KEY_FOR_TYPE: {
    status: 422,
    zh: '没有可签发该类型证照的签名密钥',
    en: 'No active issuer key may sign this credential type',
  },
  CREDENTIAL_TRANSITION_NOT_ALLOWED: { status: 409, zh: '证照当前状态不允许该操作', en: "Not allowed in the credential's current status" },
  CREDENTIAL_NOT_ISSUED_BY_CALLER: {
    status: 403,
    zh: '接入系统只能管理自己签发的证照',
    en: 'A partner may only manage credentials it issued',
  },
  CREDENTIAL_IDEMPOTENCY_CONFLICT: {
    status: 409,
    zh: '幂等键已用于不同的请求',
    en: 'Idempotency-Key already used for a different request',
  },
  CREDENTIAL_IDEMPOTENCY_KEY_INVALID: { status: 400, zh: '幂等键格式无效', en: 'Invalid Idempotency-Key' },
  CREDENTIAL_NOT_PRESENTABLE: { status: 409, zh: '证照已失效，不能出示', en: 'The credential cannot be presented in its current status' },
  CREDENTIAL_ISSUER_UNBOUND: { status: 403, zh: '调用方未绑定发证机关，不能签发证照', en: 'The caller acts for no issuing body' },
  CREDENTIAL_ISSUER_MISMATCH: {
    status: 403,
    zh: '颁发机构与调用方所属发证机关不符',
    en: 'The issuer named is not the body the caller acts for',
  },
  CREDENTIAL_ISSUER_NOT_AUTHORISED: {
    status: 403,
    zh: '该发证机关无权签发此类证照',
    en: "The caller's issuing body may not issue this credential type",
  },
  CREDENTIAL_PURPOSE_NOT_PERMITTED: {
    status: 403,
    zh: '该角色不能以此事由查看完整证件号码',
    en: 'This role may not read the full ID number for this purpose',
  },
  VERIFICATION_INPUT_INVALID: {
    status: 400,
    zh: '请提供且仅提供一份证照或一个出示令牌',
    en: 'Send exactly one of credential or presentationToken',
  },
  PRESENTATION_TTL_TOO_LONG: { status: 400, zh: '出示有效期过长', en: 'Presentation lifetime too long' },
  PRESENTATION_VERIFIER_UNKNOWN: { status: 422, zh: '核验方所在城市不在城市名录中', en: "The verifier's city is not in the city registry" },
  ISSUER_KEY_NOT_FOUND: { status: 404, zh: '签发密钥不存在', en: 'No such issuer key' },
  ISSUER_KEY_TRANSITION_NOT_ALLOWED: {
    status: 409,
    zh: '签发密钥当前状态不允许该操作',
    en: "Not allowed in the issuer key's current status",
  },
});
export type CredentialsErrorCode = ErrorCodeOf<typeof CREDENTIALS_ERRORS>;
/** `credentialsError('CREDENTIAL_NOT_FOUND', { detail, fieldErrors, extra })`. */
export const credentialsError = CREDENTIALS_ERRORS.error;
