import { DomainError, type ErrorDescriptor } from './domain-error.js';
import type { FieldError } from './problem.js';

export type PlatformErrorCode =
  | 'VALIDATION_FAILED'
  | 'MALFORMED_JSON'
  | 'PAYLOAD_TOO_LARGE'
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
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL';

/** The one place platform error codes meet HTTP. Exhaustive: a new code fails to compile here. */
export const describePlatformError = (code: PlatformErrorCode): ErrorDescriptor => {
  switch (code) {
    case 'VALIDATION_FAILED': return { status: 400, titleZh: '请求参数校验未通过', titleEn: 'Request validation failed' };
    case 'MALFORMED_JSON': return { status: 400, titleZh: '请求体不是合法的 JSON', titleEn: 'Request body is not valid JSON' };
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
    case 'SERVICE_UNAVAILABLE': return { status: 503, titleZh: '服务暂不可用', titleEn: 'Service unavailable' };
    case 'INTERNAL': return { status: 500, titleZh: '系统内部错误', titleEn: 'Internal error' };
  }
};

export const platformError = (code: PlatformErrorCode, detail?: string, fieldErrors?: FieldError[], extra?: Record<string, unknown>): DomainError =>
  new DomainError(code, describePlatformError(code), detail, fieldErrors, extra);
