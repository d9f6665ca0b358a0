/**
 * Minimal, strict DER (ITU-T X.690) helpers for the two structures the SM2 code
 * builds and reads itself: the SM2 signature (SEQUENCE of two INTEGERs) and the
 * SM2 ciphertext (SEQUENCE of two INTEGERs and two OCTET STRINGs). Keys (SPKI,
 * PKCS#8, SEC 1) are Node's KeyObject's job.
 *
 * Internal to the crypto folder: this is not a general ASN.1 library. The
 * reader only understands single-byte tags and rejects every non-canonical
 * encoding (indefinite or non-minimal lengths, non-minimal INTEGERs), because
 * accepting several encodings of one signature invites malleability bugs.
 */

export const DER_TAG = {
  INTEGER: 0x02,
  OCTET_STRING: 0x04,
  SEQUENCE: 0x30,
} as const;

export interface DerElement {
  readonly tag: number;
  readonly value: Buffer;
  /** Offset of the first byte after this element in the buffer it was read from. */
  readonly end: number;
}

/** Thrown for any malformed or non-canonical DER input. */
export class DerError extends Error {
  constructor(message: string) {
    super(`invalid DER: ${message}`);
    this.name = 'DerError';
  }
}

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function derTlv(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

export function derSequence(...items: Uint8Array[]): Buffer {
  return derTlv(DER_TAG.SEQUENCE, Buffer.concat(items));
}

/** Minimal two's-complement encoding of a non-negative integer. */
export function derInteger(value: bigint): Buffer {
  if (value < 0n) throw new RangeError('derInteger: negative values are not supported');
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return derTlv(DER_TAG.INTEGER, bytes);
}

/** Reads one TLV at `offset`, enforcing definite, minimally encoded lengths. */
export function readDer(buffer: Uint8Array, offset = 0): DerElement {
  const buf = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (offset + 2 > buf.length) throw new DerError('truncated header');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not supported');
  const first = buf[offset + 1]!;
  let length: number;
  let headerLength: number;
  if (first < 0x80) {
    length = first;
    headerLength = 2;
  } else {
    const count = first & 0x7f;
    if (count === 0) throw new DerError('indefinite length');
    if (count > 4) throw new DerError('length too large');
    if (offset + 2 + count > buf.length) throw new DerError('truncated length');
    if (buf[offset + 2] === 0) throw new DerError('length has a leading zero byte');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[offset + 2 + i]!;
    if (length < 0x80) throw new DerError('long-form length for a short value');
    headerLength = 2 + count;
  }
  const start = offset + headerLength;
  const end = start + length;
  if (end > buf.length) throw new DerError('value runs past the end of the input');
  return { tag, value: buf.subarray(start, end), end };
}

/** Reads a TLV that must span the whole of `buffer` and carry `tag`. */
export function readDerExact(buffer: Uint8Array, tag: number): DerElement {
  const element = readDer(buffer, 0);
  if (element.tag !== tag) throw new DerError(`expected tag 0x${tag.toString(16)}, got 0x${element.tag.toString(16)}`);
  if (element.end !== buffer.length) throw new DerError('trailing bytes');
  return element;
}

/** Splits the content of a constructed element into its children. */
export function readDerChildren(content: Uint8Array): DerElement[] {
  const children: DerElement[] = [];
  for (let offset = 0; offset < content.length;) {
    const child = readDer(content, offset);
    children.push(child);
    offset = child.end;
  }
  return children;
}

/** Decodes the content of a DER INTEGER that must be non-negative and minimally encoded. */
export function decodeDerUnsignedInteger(value: Uint8Array): bigint {
  if (value.length === 0) throw new DerError('empty INTEGER');
  if (value[0]! & 0x80) throw new DerError('negative INTEGER');
  if (value.length > 1 && value[0] === 0 && !(value[1]! & 0x80)) throw new DerError('non-minimal INTEGER');
  return BigInt(`0x${Buffer.from(value).toString('hex')}`);
}
