import { defineErrors, type ErrorCodeOf } from './define-errors.js';

/** The platform's stable error codes: status and titles, declared once. */
export const PLATFORM_ERRORS = defineErrors({
  VALIDATION_FAILED: { status: 400, zh: '请求参数校验未通过', en: 'Request validation failed' },
  MALFORMED_JSON: { status: 400, zh: '请求体不是合法的 JSON', en: 'Request body is not valid JSON' },
  PAYLOAD_TOO_LARGE: { status: 413, zh: '请求体过大', en: 'Request body too large' },
  BODY_TOO_DEEP: { status: 400, zh: '请求体嵌套层级过深', en: 'Request body nested too deeply' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, zh: '不支持的内容类型', en: 'Unsupported media type' },
  UNAUTHENTICATED: { status: 401, zh: '未提供有效身份凭证', en: 'Authentication required' },
  FORBIDDEN_ROLE: { status: 403, zh: '当前角色无权执行此操作', en: 'Your role may not do this' },
  FORBIDDEN_CITY: { status: 403, zh: '无权访问其他城市的数据', en: 'This resource belongs to another city' },
  FORBIDDEN_SCOPE: { status: 403, zh: '接入系统未获得该权限范围', en: 'API key lacks the required scope' },
  ROUTE_NOT_FOUND: { status: 404, zh: '接口不存在', en: 'No such endpoint' },
  NOT_FOUND: { status: 404, zh: '资源不存在', en: 'Resource not found' },
  METHOD_NOT_ALLOWED: { status: 405, zh: '不支持该请求方法', en: 'Method not allowed' },
  CONFLICT: { status: 409, zh: '请求与当前状态冲突', en: 'Conflict with the current state' },
  PRECONDITION_FAILED: { status: 412, zh: '资源已被他人修改', en: 'The resource changed since you read it' },
  PRECONDITION_REQUIRED: { status: 428, zh: '缺少 If-Match 条件头', en: 'If-Match header required' },
  TOO_MANY_REQUESTS: { status: 429, zh: '请求过于频繁', en: 'Too many requests' },
  TOKEN_ISSUING_DISABLED: { status: 403, zh: '仅演示沙箱可签发演示令牌', en: 'Demo tokens are issued by the sandbox only' },
  UNKNOWN_DEMO_USER: { status: 404, zh: '演示用户不存在', en: 'No such demo user' },
  DEAD_LETTER_NOT_FOUND: { status: 404, zh: '死信不存在', en: 'Dead letter not found' },
  DEAD_LETTER_STILL_FAILING: { status: 422, zh: '重放失败，事件仍无法处理', en: 'Replay failed: the event is still rejected' },
  DEAD_LETTER_ALREADY_REPLAYED: { status: 409, zh: '该死信已重放成功', en: 'Dead letter already replayed' },
  WEBHOOK_URL_NOT_ALLOWED: { status: 400, zh: '回调地址不被允许', en: 'Webhook URL not allowed' },
  WEBHOOK_UNKNOWN_EVENT_TYPE: { status: 400, zh: '未知的回调事件类型', en: 'Unknown webhook event type' },
  WEBHOOK_SUBSCRIPTION_NOT_FOUND: { status: 404, zh: '回调订阅不存在', en: 'Webhook subscription not found' },
  WEBHOOK_DELIVERY_NOT_FOUND: { status: 404, zh: '回调投递记录不存在', en: 'Webhook delivery not found' },
  WEBHOOK_DELIVERY_IN_PROGRESS: { status: 409, zh: '该回调仍在投递中', en: 'Webhook delivery still pending' },
  FILE_MISSING: { status: 400, zh: '缺少上传文件（字段 file）', en: 'No file uploaded (field file)' },
  FILE_TYPE_NOT_ALLOWED: { status: 415, zh: '不支持的文件类型', en: 'File type not allowed' },
  FILE_NOT_FOUND: { status: 404, zh: '文件不存在', en: 'File not found' },
  FILE_ACCESS_DENIED: { status: 403, zh: '无权读取该文件', en: 'You may not read this file' },
  FILE_NOT_GRANTED: { status: 403, zh: '该文件未授权给请求城市', en: 'File not granted to the requesting city' },
  FILE_NOT_GRANTABLE: { status: 409, zh: '只能授权本市产生的文件', en: 'Only files that originated here can be granted' },
  FILE_INTEGRITY_MISMATCH: { status: 502, zh: '文件完整性校验失败', en: 'File integrity check failed' },
  PEER_UNAVAILABLE: { status: 502, zh: '对方城市节点暂不可用', en: 'Peer city node unavailable' },
  INTERCHANGE_UNSIGNED: { status: 401, zh: '缺少城市请求签名', en: 'City request signature missing' },
  INTERCHANGE_SIGNATURE_INVALID: { status: 401, zh: '城市请求签名无效', en: 'City request signature invalid' },
  INTERCHANGE_STALE_REQUEST: { status: 401, zh: '请求时间超出允许偏差', en: 'Request date outside the allowed skew' },
  INTERCHANGE_REPLAYED: { status: 401, zh: '重放的城市请求', en: 'Replayed city request' },
  SERVICE_UNAVAILABLE: { status: 503, zh: '服务暂不可用', en: 'Service unavailable' },
  INTERNAL: { status: 500, zh: '系统内部错误', en: 'Internal error' },
});
export type PlatformErrorCode = ErrorCodeOf<typeof PLATFORM_ERRORS>;
/** `platformError('NOT_FOUND', { detail, fieldErrors, extra })`. */
export const platformError = PLATFORM_ERRORS.error;

/** The platform code of an HTTP status raised without one (Nest's HttpExceptions); 404 is NOT_FOUND or ROUTE_NOT_FOUND, by the filter. */
export const PLATFORM_CODE_FOR_STATUS: Readonly<Partial<Record<number, PlatformErrorCode>>> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN_ROLE',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  428: 'PRECONDITION_REQUIRED',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};
