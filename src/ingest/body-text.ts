// Decodes the kept bytes of a ping body as text. Most jobs send UTF-8, but Windows tools and
// Windows PowerShell 5.1 often write UTF-16, which read as UTF-8 shows a NUL byte between the
// letters.

import { TextDecoder } from 'node:util';

/** A body decoded as text, with the bytes cut from its start. */
export interface BodyText {
  text: string;
  cutBytes: number;
}

type Utf16 = 'utf-16le' | 'utf-16be';

const DECODERS: Record<Utf16, TextDecoder> = {
  'utf-16le': new TextDecoder('utf-16le'),
  'utf-16be': new TextDecoder('utf-16be'),
};

// Without a byte order mark, UTF-16 is recognised by its first code units: at least 2 of them,
// and at least this share of the first SAMPLE_UNITS is ASCII text (tab, line ends, printable).
// Text in UTF-8 has no NUL bytes, or only a few, so it stays far below the share.
const SAMPLE_UNITS = 256;
const MIN_SAMPLE_UNITS = 2;
const ASCII_TEXT_SHARE = 0.75;

/**
 * Decodes `bytes`, the end of a body that lost `cutBytes` bytes at its start, and returns the
 * text with the bytes cut in all. `head` is the first two bytes of the whole body, which hold
 * a UTF-16 byte order mark (FF FE or FE FF) even when the cut dropped it. Without a mark, the
 * body is UTF-16 when its first code units look like UTF-16LE or UTF-16BE ASCII text, and
 * UTF-8 otherwise. Invalid bytes become U+FFFD.
 */
export function decodeBody(bytes: Buffer, cutBytes: number, head: Buffer): BodyText {
  if (bytes.length === 0) return { text: '', cutBytes };
  // Code units start at even offsets of the whole body, so a cut after an odd count of bytes
  // leaves half a unit first.
  const align = cutBytes % 2;
  const encoding = byteOrderMark(head) ?? utf16ByLook(bytes, align);
  if (encoding === null) return decodeUtf8(bytes, cutBytes);

  let skip = align;
  // A cut can split a surrogate pair, so its low half is cut too (not stored as U+FFFD).
  if (cutBytes > 0 && isLowSurrogate(bytes, skip, encoding)) skip += 2;
  const text = DECODERS[encoding].decode(bytes.subarray(skip));
  return { text, cutBytes: cutBytes + skip };
}

function decodeUtf8(bytes: Buffer, cutBytes: number): BodyText {
  // A cut can split a multi-byte character, so its last bytes are cut too (not stored as U+FFFD).
  const splitBytes = cutBytes > 0 ? leadingContinuationBytes(bytes) : 0;
  return { text: bytes.subarray(splitBytes).toString('utf8'), cutBytes: cutBytes + splitBytes };
}

/**
 * Counts the UTF-8 continuation bytes at the start of `bytes`, up to three: what a character
 * split before them can leave. Further ones stay for the decoder to replace.
 */
function leadingContinuationBytes(bytes: Buffer): number {
  let count = 0;
  while (count < 3 && count < bytes.length && ((bytes[count] ?? 0) & 0xc0) === 0x80) count += 1;
  return count;
}

function byteOrderMark(head: Buffer): Utf16 | null {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return null;
}

/** Returns the UTF-16 byte order in which the first code units read as ASCII text, if any. */
function utf16ByLook(bytes: Buffer, start: number): Utf16 | null {
  const units = Math.min(SAMPLE_UNITS, Math.floor((bytes.length - start) / 2));
  if (units < MIN_SAMPLE_UNITS) return null;
  // A byte order is ruled out once more than allowedMisses units are not ASCII text in it.
  const allowedMisses = Math.floor(units * (1 - ASCII_TEXT_SHARE));
  let littleEndianMisses = 0;
  let bigEndianMisses = 0;
  for (let unit = 0; unit < units; unit++) {
    const first = bytes[start + 2 * unit] ?? 0;
    const second = bytes[start + 2 * unit + 1] ?? 0;
    if (second !== 0 || !isAsciiText(first)) littleEndianMisses += 1;
    if (first !== 0 || !isAsciiText(second)) bigEndianMisses += 1;
    if (littleEndianMisses > allowedMisses && bigEndianMisses > allowedMisses) return null;
  }
  if (littleEndianMisses <= allowedMisses) return 'utf-16le';
  return bigEndianMisses <= allowedMisses ? 'utf-16be' : null;
}

function isAsciiText(byte: number): boolean {
  return (byte >= 0x20 && byte <= 0x7e) || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

function isLowSurrogate(bytes: Buffer, at: number, encoding: Utf16): boolean {
  const high = encoding === 'utf-16le' ? bytes[at + 1] : bytes[at];
  return high !== undefined && high >= 0xdc && high <= 0xdf;
}
