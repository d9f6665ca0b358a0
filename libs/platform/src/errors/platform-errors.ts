import { DomainError, type ErrorDescriptor } from './domain-error.js';
import type { FieldError } from './problem.js';

export type PlatformErrorCode =
  | 'VALIDATION_FAILED'
  | 'MALFORMED_JSON'
  | 'PAYLOAD_TOO_LARGE'
  | 'BODY_TOO_DEEP'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN_ROLE'
  | 'FORBIDDEN_CITY'
  | 'FORBIDDEN_SCOPE'
  | 'ROUTE_NOT_FOUND'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'PRECONDITION_REQUIRED'
  | 'TOO_MANY_REQUESTS'
  | 'TOKEN_ISSUING_DISABLED'
  | 'UNKNOWN_DEMO_USER'
  | 'DEAD_LETTER_NOT_FOUND'
  | 'DEAD_LETTER_STILL_FAILING'
  | 'DEAD_LETTER_ALREADY_REPLAYED'
  | 'WEBHOOK_URL_NOT_ALLOWED'
  | 'WEBHOOK_UNKNOWN_EVENT_TYPE'
  | 'WEBHOOK_SUBSCRIPTION_NOT_FOUND'
  | 'WEBHOOK_DELIVERY_NOT_FOUND'
  | 'WEBHOOK_DELIVERY_IN_PROGRESS'
  | 'FILE_MISSING'
  | 'FILE_TYPE_NOT_ALLOWED'
  | 'FILE_NOT_FOUND'
  | 'FILE_ACCESS_DENIED'
  | 'FILE_NOT_GRANTED'
  | 'FILE_NOT_GRANTABLE'
  | 'FILE_INTEGRITY_MISMATCH'
  | 'PEER_UNAVAILABLE'
  | 'INTERCHANGE_UNSIGNED'
  | 'INTERCHANGE_SIGNATURE_INVALID'
  | 'INTERCHANGE_STALE_REQUEST'
  | 'INTERCHANGE_REPLAYED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL';

/** The one place platform error codes meet HTTP. Exhaustive: a new code fails to compile here. */
export const describePlatformError = (code: PlatformErrorCode): ErrorDescriptor => {
  switch (code) {
    case 'VALIDATION_FAILED': return { status: 400, titleZh: '请求参数校验未通过', titleEn: 'Request validation failed' };
    case 'MALFORMED_JSON': return { status: 400, titleZh: '请求体不是合法的 JSON', titleEn: 'Request body is not valid JSON' };
    case 'BODY_TOO_DEEP': return { status: 400, titleZh: '请求体嵌套层级过深', titleEn: 'Request body nested too deeply' };
    case 'PAYLOAD_TOO_LARGE': return { status: 413, titleZh: '请求体过大', titleEn: 'Request body too large' };
    case 'UNSUPPORTED_MEDIA_TYPE': return { status: 415, titleZh: '不支持的内容类型', titleEn: 'Unsupported media type' };
    case 'UNAUTHENTICATED': return { status: 401, titleZh: '未提供有效身份凭证', titleEn: 'Authentication required' };
    case 'FORBIDDEN_ROLE': return { status: 403, titleZh: '当前角色无权执行此操作', titleEn: 'Your role may not do this' };
    case 'FORBIDDEN_CITY': return { status: 403, titleZh: '无权访问其他城市的数据', titleEn: 'This resource belongs to another city' };
    case 'FORBIDDEN_SCOPE': return { status: 403, titleZh: '接入系统未获得该权限范围', titleEn: 'API key lacks the required scope' };
    case 'ROUTE_NOT_FOUND': return { status: 404, titleZh: '接口不存在', titleEn: 'No such endpoint' };
    case 'NOT_FOUND': return { status: 404, titleZh: '资源不存在', titleEn: 'Resource not found' };
    case 'METHOD_NOT_ALLOWED': return { status: 405, titleZh: '不支持该请求方法', titleEn: 'Method not allowed' };
    case 'CONFLICT': return { status: 409, titleZh: '请求与当前状态冲突', titleEn: 'Conflict with the current state' };
    case 'PRECONDITION_FAILED': return { status: 412, titleZh: '资源已被他人修改', titleEn: 'The resource changed since you read it' };
    case 'PRECONDITION_REQUIRED': return { status: 428, titleZh: '缺少 If-Match 条件头', titleEn: 'If-Match header required' };
    case 'TOO_MANY_REQUESTS': return { status: 429, titleZh: '请求过于频繁', titleEn: 'Too many requests' };
    case 'TOKEN_ISSUING_DISABLED': return { status: 403, titleZh: '仅演示沙箱可签发演示令牌', titleEn: 'Demo tokens are issued by the sandbox only' };
    case 'UNKNOWN_DEMO_USER': return { status: 404, titleZh: '演示用户不存在', titleEn: 'No such demo user' };
    case 'DEAD_LETTER_NOT_FOUND': return { status: 404, titleZh: '死信不存在', titleEn: 'Dead letter not found' };
    case 'DEAD_LETTER_STILL_FAILING': return { status: 422, titleZh: '重放失败，事件仍无法处理', titleEn: 'Replay failed: the event is still rejected' };
    case 'DEAD_LETTER_ALREADY_REPLAYED': return { status: 409, titleZh: '该死信已重放成功', titleEn: 'Dead letter already replayed' };
    case 'WEBHOOK_URL_NOT_ALLOWED': return { status: 400, titleZh: '回调地址不被允许', titleEn: 'Webhook URL not allowed' };
    case 'WEBHOOK_UNKNOWN_EVENT_TYPE': return { status: 400, titleZh: '未知的回调事件类型', titleEn: 'Unknown webhook event type' };
    case 'WEBHOOK_SUBSCRIPTION_NOT_FOUND': return { status: 404, titleZh: '回调订阅不存在', titleEn: 'Webhook subscription not found' };
    case 'WEBHOOK_DELIVERY_NOT_FOUND': return { status: 404, titleZh: '回调投递记录不存在', titleEn: 'Webhook delivery not found' };
    case 'WEBHOOK_DELIVERY_IN_PROGRESS': return { status: 409, titleZh: '该回调仍在投递中', titleEn: 'Webhook delivery still pending' };
    case 'FILE_MISSING': return { status: 400, titleZh: '缺少上传文件（字段 file）', titleEn: 'No file uploaded (field file)' };
    case 'FILE_TYPE_NOT_ALLOWED': return { status: 415, titleZh: '不支持的文件类型', titleEn: 'File type not allowed' };
    case 'FILE_NOT_FOUND': return { status: 404, titleZh: '文件不存在', titleEn: 'File not found' };
    case 'FILE_ACCESS_DENIED': return { status: 403, titleZh: '无权读取该文件', titleEn: 'You may not read this file' };
    case 'FILE_NOT_GRANTED': return { status: 403, titleZh: '该文件未授权给请求城市', titleEn: 'File not granted to the requesting city' };
    case 'FILE_NOT_GRANTABLE': return { status: 409, titleZh: '只能授权本市产生的文件', titleEn: 'Only files that originated here can be granted' };
    case 'FILE_INTEGRITY_MISMATCH': return { status: 502, titleZh: '文件完整性校验失败', titleEn: 'File integrity check failed' };
    case 'PEER_UNAVAILABLE': return { status: 502, titleZh: '对方城市节点暂不可用', titleEn: 'Peer city node unavailable' };
    case 'INTERCHANGE_UNSIGNED': return { status: 401, titleZh: '缺少城市请求签名', titleEn: 'City request signature missing' };
    case 'INTERCHANGE_SIGNATURE_INVALID': return { status: 401, titleZh: '城市请求签名无效', titleEn: 'City request signature invalid' };
    case 'INTERCHANGE_STALE_REQUEST': return { status: 401, titleZh: '请求时间超出允许偏差', titleEn: 'Request date outside the allowed skew' };
    case 'INTERCHANGE_REPLAYED': return { status: 401, titleZh: '重放的城市请求', titleEn: 'Replayed city request' };
    case 'SERVICE_UNAVAILABLE': return { status: 503, titleZh: '服务暂不可用', titleEn: 'Service unavailable' };
    case 'INTERNAL': return { status: 500, titleZh: '系统内部错误', titleEn: 'Internal error' };
  }
};

export const platformError = (code: PlatformErrorCode, detail?: string, fieldErrors?: FieldError[], extra?: Record<string, unknown>): DomainError =>
  new DomainError(code, describePlatformError(code), detail, fieldErrors, extra);
