/** Case materials: what a city node accepts and stores. */
export const ALLOWED_MEDIA_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'application/ofd'] as const;
export type AllowedMediaType = (typeof ALLOWED_MEDIA_TYPES)[number];

/**
 * Data files a domain may store on request (FileStore.put `accept`), never accepted as case materials: UTF-8 CSV, e.g. a
 * hospital's 3202 detail file (9101) and its result (9102).
 */
export const DATA_MEDIA_TYPES = ['text/csv'] as const;
export type DataMediaType = (typeof DATA_MEDIA_TYPES)[number];
/** Every type the store keeps. */
export type StoredMediaType = AllowedMediaType | DataMediaType;

/** 20 MiB, inclusive. */
export const FILE_MAX_BYTES = 20 * 1024 * 1024;

export const isAllowedMediaType = (t: string): t is AllowedMediaType => (ALLOWED_MEDIA_TYPES as readonly string[]).includes(t);

const startsWith = (b: Uint8Array, sig: readonly number[]): boolean => b.length >= sig.length && sig.every((x, i) => b[i] === x);

const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
const JPEG = [0xff, 0xd8, 0xff];
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const ZIP_LOCAL = [0x50, 0x4b, 0x03, 0x04];

/**
 * OFD (GB/T 33190) is a ZIP package whose entry `OFD.xml` is the document root. Reads the ZIP
 * central directory (end record within the last 64 KiB) and looks for that entry, so a generic
 * ZIP (or a DOCX) is not taken for an OFD.
 */
export const isOfdPackage = (b: Buffer): boolean => {
  if (!startsWith(b, ZIP_LOCAL) || b.length < 22) return false;
  const from = Math.max(0, b.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = b.length - 22; i >= from; i--) {
    if (b.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return false;
  const entries = b.readUInt16LE(eocd + 10);
  let p = b.readUInt32LE(eocd + 16);
  for (let n = 0; n < entries; n++) {
    if (p + 46 > b.length || b.readUInt32LE(p) !== 0x02014b50) return false;
    const nameLen = b.readUInt16LE(p + 28);
    const extraLen = b.readUInt16LE(p + 30);
    const commentLen = b.readUInt16LE(p + 32);
    if (p + 46 + nameLen > b.length) return false;
    const name = b.toString('utf8', p + 46, p + 46 + nameLen).replace(/^\.?\//, '');
    if (name.toLowerCase() === 'ofd.xml') return true;
    p += 46 + nameLen + extraLen + commentLen;
  }
  return false;
};

/** The media type the bytes are, by their magic numbers; undefined if none of the allowed ones. */
export const detectMediaType = (b: Buffer): AllowedMediaType | undefined => {
  if (startsWith(b, PDF)) return 'application/pdf';
  if (startsWith(b, PNG)) return 'image/png';
  if (startsWith(b, JPEG)) return 'image/jpeg';
  if (isOfdPackage(b)) return 'application/ofd';
  return undefined;
};

const ALIASES: Record<string, AllowedMediaType> = {
  'application/pdf': 'application/pdf',
  'application/x-pdf': 'application/pdf',
  'image/jpeg': 'image/jpeg',
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/png': 'image/png',
  'application/ofd': 'application/ofd',
  'application/x-ofd': 'application/ofd',
};
const GENERIC = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'application/zip', 'application/x-zip-compressed']);

export type MediaTypeVerdict = { ok: true; mediaType: AllowedMediaType } | { ok: false; reason: string };

/**
 * The bytes decide; the declared type (from the client) must not contradict them. A generic
 * declared type (none, octet-stream, zip for OFD) takes the detected one.
 */
export const checkMediaType = (bytes: Buffer, declared?: string): MediaTypeVerdict => {
  const detected = detectMediaType(bytes);
  if (!detected) return { ok: false, reason: `the content is not one of ${ALLOWED_MEDIA_TYPES.join(', ')} (checked by its magic bytes)` };
  const d = (declared ?? '').split(';')[0].trim().toLowerCase();
  if (GENERIC.has(d))
    return d.includes('zip') && detected !== 'application/ofd'
      ? { ok: false, reason: `declared ${d} but the content is ${detected}` }
      : { ok: true, mediaType: detected };
  const normalized = ALIASES[d];
  if (!normalized) return { ok: false, reason: `declared type ${d} is not allowed` };
  if (normalized !== detected) return { ok: false, reason: `declared ${d} but the content is ${detected}` };
  return { ok: true, mediaType: detected };
};

const CSV_DECLARED = new Set(['', 'text/csv', 'text/plain', 'application/csv', 'application/octet-stream']);

/**
 * A CSV data file: the declared type (if any) says text or CSV, the bytes are none of the binary types, they decode as UTF-8
 * (a BOM allowed) and hold no control character but tab, CR and LF.
 */
export const checkCsv = (bytes: Buffer, declared?: string): { ok: true; mediaType: 'text/csv' } | { ok: false; reason: string } => {
  const d = (declared ?? '').split(';')[0].trim().toLowerCase();
  if (!CSV_DECLARED.has(d)) return { ok: false, reason: `declared type ${d} is not text/csv` };
  const binary = detectMediaType(bytes);
  if (binary) return { ok: false, reason: `the content is ${binary}, not CSV text` };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, reason: 'the content is not UTF-8 text' };
  }
  const bad = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.exec(text);
  if (bad) return { ok: false, reason: `control character U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')} at offset ${bad.index}` };
  return { ok: true, mediaType: 'text/csv' };
};

/** A file name safe to store and to put in Content-Disposition: no path, no control characters, ≤ 255 chars. */
export const sanitizeFileName = (name: string | undefined, mediaType: StoredMediaType): string => {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const clean = base
    .replace(/[\u0000-\u001f\u007f"]/g, '')
    .trim()
    .slice(0, 255);
  if (clean && clean !== '.' && clean !== '..') return clean;
  const ext = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png', 'application/ofd': 'ofd', 'text/csv': 'csv' }[mediaType];
  return `file.${ext}`;
};
