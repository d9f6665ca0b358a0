/**
 * The catalogue's item codes, as the platform may ask about them (partner webhook scopes, partner
 * grants). Supplied by the composition root from the catalogue domain, which the platform does
 * not import.
 */
export interface ItemCodes {
  /** The base code (基本编码) of a base or implementation code, or undefined when the catalogue has no such item. */
  baseCodeOf(code: string): string | undefined;
}

export const ITEM_CODES = Symbol('ITEM_CODES');
