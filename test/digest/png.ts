import { crc32 } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Reads the size from a PNG's IHDR chunk and checks the signature and the CRC of every chunk up
 * to IEND, as a decoder would before it trusts the file.
 */
export function readPngHeader(png: Buffer): { valid: boolean; width: number; height: number } {
  const invalid = { valid: false, width: 0, height: 0 };
  if (png.length < 33 || !png.subarray(0, 8).equals(SIGNATURE)) return invalid;
  let offset = 8;
  let sawEnd = false;
  while (offset + 12 <= png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.subarray(offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    const crc = png.readUInt32BE(offset + 8 + length);
    if (crc32(Buffer.concat([type, data])) !== crc) return invalid;
    offset += 12 + length;
    if (type.toString('ascii') === 'IEND') {
      sawEnd = true;
      break;
    }
  }
  if (!sawEnd || png.subarray(12, 16).toString('ascii') !== 'IHDR') return invalid;
  return { valid: true, width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
