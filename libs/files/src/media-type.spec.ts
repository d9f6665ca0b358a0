import { describe, expect, it } from '@jest/globals';
import { checkCsv, checkMediaType, detectMediaType, isOfdPackage, sanitizeFileName } from './media-type.js';

/** A minimal ZIP (stored entries, empty contents) with the given entry names. */
const zipWith = (names: string[]): Buffer => {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const name of names) {
    const n = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n);
    centrals.push(central, n);
    offset += 30 + n.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(names.length, 8);
  eocd.writeUInt16LE(names.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
};

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(100, 1)]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100)]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(100)]);
const OFD = zipWith(['Doc_0/Document.xml', 'OFD.xml']);

describe('media type by magic bytes', () => {
  it('detects PDF, PNG, JPEG and OFD from the bytes', () => {
    expect(detectMediaType(PDF)).toBe('application/pdf');
    expect(detectMediaType(PNG)).toBe('image/png');
    expect(detectMediaType(JPEG)).toBe('image/jpeg');
    expect(detectMediaType(OFD)).toBe('application/ofd');
  });

  it('rejects other content whatever its name or declared type', () => {
    expect(detectMediaType(Buffer.from('<html><script>alert(1)</script>'))).toBeUndefined();
    expect(detectMediaType(Buffer.from('MZ\x90\x00'))).toBeUndefined();
    expect(detectMediaType(Buffer.from('GIF89a'))).toBeUndefined();
    expect(detectMediaType(Buffer.alloc(0))).toBeUndefined();
    expect(detectMediaType(Buffer.from('%PD'))).toBeUndefined();
    expect(checkMediaType(Buffer.from('hello'), 'application/pdf')).toMatchObject({ ok: false });
  });

  it('tells an OFD package from a generic ZIP or a DOCX', () => {
    expect(isOfdPackage(zipWith(['word/document.xml', '[Content_Types].xml']))).toBe(false);
    expect(isOfdPackage(zipWith(['a.txt']))).toBe(false);
    expect(isOfdPackage(zipWith(['./OFD.xml']))).toBe(true);
    expect(isOfdPackage(OFD.subarray(0, OFD.length - 10))).toBe(false);
  });

  it('lets the bytes decide, and refuses a declared type that contradicts them', () => {
    expect(checkMediaType(PDF, 'application/pdf')).toEqual({ ok: true, mediaType: 'application/pdf' });
    expect(checkMediaType(PDF, 'application/octet-stream')).toEqual({ ok: true, mediaType: 'application/pdf' });
    expect(checkMediaType(PDF, undefined)).toEqual({ ok: true, mediaType: 'application/pdf' });
    expect(checkMediaType(JPEG, 'image/jpg')).toEqual({ ok: true, mediaType: 'image/jpeg' });
    expect(checkMediaType(OFD, 'application/zip')).toEqual({ ok: true, mediaType: 'application/ofd' });
    expect(checkMediaType(PNG, 'image/jpeg')).toMatchObject({ ok: false, reason: expect.stringContaining('image/png') });
    expect(checkMediaType(PDF, 'text/html')).toMatchObject({ ok: false });
    expect(checkMediaType(PDF, 'application/zip')).toMatchObject({ ok: false });
  });

  it('sanitizes file names', () => {
    expect(sanitizeFileName('C:\\Users\\x\\户口簿.pdf', 'application/pdf')).toBe('户口簿.pdf');
    expect(sanitizeFileName('../../etc/passwd', 'application/pdf')).toBe('passwd');
    expect(sanitizeFileName('a\u0000b"c.png', 'image/png')).toBe('abc.png');
    expect(sanitizeFileName('', 'image/jpeg')).toBe('file.jpg');
    expect(sanitizeFileName('..', 'application/ofd')).toBe('file.ofd');
    expect(sanitizeFileName('x'.repeat(300), 'application/pdf')).toHaveLength(255);
  });
});

describe('checkCsv (data files stored on request)', () => {
  const csv = Buffer.from('\ufeffsetl_id,kind\r\n9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a,settlement\n');
  it('takes UTF-8 text with tabs, CR and LF, a BOM, declared as CSV, plain text or nothing', () => {
    for (const declared of [undefined, 'text/csv', 'text/csv; charset=utf-8', 'text/plain', 'application/octet-stream'])
      expect(checkCsv(csv, declared)).toEqual({ ok: true, mediaType: 'text/csv' });
    expect(checkCsv(Buffer.from('名称\t金额\n阿莫西林,15.00\n'))).toEqual({ ok: true, mediaType: 'text/csv' });
  });
  it('refuses another declared type, binary content, invalid UTF-8 and control characters', () => {
    expect(checkCsv(csv, 'application/pdf')).toMatchObject({ ok: false, reason: expect.stringContaining('not text/csv') });
    expect(checkCsv(Buffer.from('%PDF-1.7\n'))).toMatchObject({ ok: false, reason: expect.stringContaining('application/pdf') });
    expect(checkCsv(Buffer.from([0x61, 0x2c, 0xff, 0xfe, 0x0a]))).toMatchObject({ ok: false, reason: expect.stringContaining('UTF-8') });
    expect(checkCsv(Buffer.from('a,b\u0000\n'))).toMatchObject({ ok: false, reason: expect.stringContaining('U+0000') });
    expect(checkCsv(Buffer.from('a,b\u001b[31m\n'))).toMatchObject({ ok: false, reason: expect.stringContaining('U+001b') });
  });
  it('is never what checkMediaType (case materials) accepts', () => {
    expect(checkMediaType(csv, 'text/csv').ok).toBe(false);
  });
});
