import { isValidResidentId, isValidSocialCreditCode, maskDocumentNumber, maskIdNumber } from '@guangfo/kernel';

/**
 * 持证主体代码类型 (holder code types), after the 证件类型代码 used by GB/T 36903-style metadata:
 * 111 居民身份证 and 001 统一社会信用代码 are checked with their standard check characters; the
 * travel-permit and passport types only by shape (they have no public check digit).
 */
export const HOLDER_CODE_TYPES = {
  '111': { zh: '居民身份证', en: 'Resident identity card number', person: true },
  '001': { zh: '统一社会信用代码', en: 'Unified social credit code', person: false },
  '414': { zh: '普通护照', en: 'Passport', person: true },
  '511': { zh: '台湾居民来往大陆通行证', en: 'Mainland travel permit for Taiwan residents', person: true },
  '516': { zh: '港澳居民来往内地通行证', en: 'Mainland travel permit for Hong Kong and Macao residents', person: true },
} as const;
export type HolderCodeType = keyof typeof HOLDER_CODE_TYPES;
export const HOLDER_CODE_TYPE_VALUES = Object.keys(HOLDER_CODE_TYPES) as HolderCodeType[];

export const isHolderCodeType = (v: string): v is HolderCodeType => Object.hasOwn(HOLDER_CODE_TYPES, v);

/** True when `code` is a valid code of `type` (checksums for 111 and 001, shape for the others). */
export const isValidHolderCode = (type: HolderCodeType, code: string): boolean => {
  switch (type) {
    case '111':
      return isValidResidentId(code);
    case '001':
      return isValidSocialCreditCode(code);
    case '414':
      return /^[A-Z0-9]{5,17}$/.test(code);
    case '511':
      return /^\d{8}$/.test(code);
    case '516':
      return /^[HM]\d{8,10}$/.test(code);
  }
};

/** Natural persons' names and codes are masked in any response not addressed to them; organisations' are public register data. */
export const isNaturalPerson = (type: HolderCodeType): boolean => HOLDER_CODE_TYPES[type].person;

export const maskHolderCode = (type: HolderCodeType, code: string): string => {
  if (!isNaturalPerson(type)) return code;
  return type === '111' ? maskIdNumber(code) : maskDocumentNumber(code);
};
