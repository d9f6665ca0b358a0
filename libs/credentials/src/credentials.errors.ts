import { DomainError, type ErrorDescriptor, type FieldError } from '@guangfo/platform';

/** Stable error codes of the credentials domain, mapped to HTTP in one exhaustive switch. */
export const CREDENTIALS_ERROR_CODES = [
  'CREDENTIAL_NOT_FOUND',
  'CREDENTIAL_TYPE_UNKNOWN',
  'CREDENTIAL_INVALID',
  'CREDENTIAL_NO_KEY_FOR_TYPE',
  'CREDENTIAL_TRANSITION_NOT_ALLOWED',
  'CREDENTIAL_NOT_ISSUED_BY_CALLER',
  'CREDENTIAL_IDEMPOTENCY_CONFLICT',
  'CREDENTIAL_IDEMPOTENCY_KEY_INVALID',
  'CREDENTIAL_NOT_PRESENTABLE',
  'CREDENTIAL_ISSUER_UNBOUND',
  'CREDENTIAL_ISSUER_MISMATCH',
  'CREDENTIAL_ISSUER_NOT_AUTHORISED',
  'CREDENTIAL_PURPOSE_NOT_PERMITTED',
  'VERIFICATION_INPUT_INVALID',
  'PRESENTATION_TTL_TOO_LONG',
  'PRESENTATION_VERIFIER_UNKNOWN',
  'ISSUER_KEY_NOT_FOUND',
  'ISSUER_KEY_TRANSITION_NOT_ALLOWED',
] as const;
export type CredentialsErrorCode = (typeof CREDENTIALS_ERROR_CODES)[number];

export const describeCredentialsError = (code: CredentialsErrorCode): ErrorDescriptor => {
  switch (code) {
    case 'CREDENTIAL_NOT_FOUND': return { status: 404, titleZh: '电子证照不存在', titleEn: 'No such credential' };
    case 'CREDENTIAL_TYPE_UNKNOWN': return { status: 422, titleZh: '证照类型不在目录中', titleEn: 'Credential type is not in the catalogue' };
    case 'CREDENTIAL_INVALID': return { status: 400, titleZh: '证照信息校验未通过', titleEn: 'Credential data is invalid' };
    case 'CREDENTIAL_NO_KEY_FOR_TYPE': return { status: 422, titleZh: '没有可签发该类型证照的签名密钥', titleEn: 'No active issuer key may sign this credential type' };
    case 'CREDENTIAL_TRANSITION_NOT_ALLOWED': return { status: 409, titleZh: '证照当前状态不允许该操作', titleEn: 'Not allowed in the credential\'s current status' };
    case 'CREDENTIAL_NOT_ISSUED_BY_CALLER': return { status: 403, titleZh: '接入系统只能管理自己签发的证照', titleEn: 'A partner may only manage credentials it issued' };
    case 'CREDENTIAL_IDEMPOTENCY_CONFLICT': return { status: 409, titleZh: '幂等键已用于不同的请求', titleEn: 'Idempotency-Key already used for a different request' };
    case 'CREDENTIAL_IDEMPOTENCY_KEY_INVALID': return { status: 400, titleZh: '幂等键格式无效', titleEn: 'Invalid Idempotency-Key' };
    case 'CREDENTIAL_NOT_PRESENTABLE': return { status: 409, titleZh: '证照已失效，不能出示', titleEn: 'The credential cannot be presented in its current status' };
    case 'CREDENTIAL_ISSUER_UNBOUND': return { status: 403, titleZh: '调用方未绑定发证机关，不能签发证照', titleEn: 'The caller acts for no issuing body' };
    case 'CREDENTIAL_ISSUER_MISMATCH': return { status: 403, titleZh: '颁发机构与调用方所属发证机关不符', titleEn: 'The issuer named is not the body the caller acts for' };
    case 'CREDENTIAL_ISSUER_NOT_AUTHORISED': return { status: 403, titleZh: '该发证机关无权签发此类证照', titleEn: 'The caller\'s issuing body may not issue this credential type' };
    case 'CREDENTIAL_PURPOSE_NOT_PERMITTED': return { status: 403, titleZh: '该角色不能以此事由查看完整证件号码', titleEn: 'This role may not read the full ID number for this purpose' };
    case 'VERIFICATION_INPUT_INVALID': return { status: 400, titleZh: '请提供且仅提供一份证照或一个出示令牌', titleEn: 'Send exactly one of credential or presentationToken' };
    case 'PRESENTATION_TTL_TOO_LONG': return { status: 400, titleZh: '出示有效期过长', titleEn: 'Presentation lifetime too long' };
    case 'PRESENTATION_VERIFIER_UNKNOWN': return { status: 422, titleZh: '核验方所在城市不在城市名录中', titleEn: 'The verifier\'s city is not in the city registry' };
    case 'ISSUER_KEY_NOT_FOUND': return { status: 404, titleZh: '签发密钥不存在', titleEn: 'No such issuer key' };
    case 'ISSUER_KEY_TRANSITION_NOT_ALLOWED': return { status: 409, titleZh: '签发密钥当前状态不允许该操作', titleEn: 'Not allowed in the issuer key\'s current status' };
  }
};

/** A credentials-domain error, rendered by the platform as problem+json with its code. */
export class CredentialsError extends DomainError {
  constructor(code: CredentialsErrorCode, detail?: string, fieldErrors?: FieldError[], extra?: Record<string, unknown>) {
    super(code, describeCredentialsError(code), detail, fieldErrors, extra);
    this.name = 'CredentialsError';
  }
}

export const credentialsError = (code: CredentialsErrorCode, detail?: string, fieldErrors?: FieldError[], extra?: Record<string, unknown>): CredentialsError =>
  new CredentialsError(code, detail, fieldErrors, extra);
