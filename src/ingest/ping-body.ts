import type { IncomingMessage } from 'node:http';

/** A request body as the ping API stores it. */
export interface PingBody {
  /** The first bytes of the body up to the limit, decoded as UTF-8 with invalid bytes replaced. */
  body: string;
  /** Bytes received past the kept part, which were counted and dropped without buffering. */
  bodyBytesCut: number;
}

/**
 * Reads a request body, keeping at most `limitBytes` and counting the rest as it streams past.
 * Returns null when the client aborted the upload before the body was complete.
 */
export async function readPingBody(
  req: IncomingMessage,
  limitBytes: number,
): Promise<PingBody | null> {
  const keptChunks: Buffer[] = [];
  let keptBytes = 0;
  let cutBytes = 0;

  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      const room = limitBytes - keptBytes;
      if (chunk.length <= room) {
        keptChunks.push(chunk);
        keptBytes += chunk.length;
      } else {
        if (room > 0) keptChunks.push(chunk.subarray(0, room));
        keptBytes += Math.max(room, 0);
        cutBytes += chunk.length - Math.max(room, 0);
      }
    }
  } catch (error) {
    if (!req.complete) return null;
    throw error;
  }
  if (!req.complete) return null;

  // A cut can split a multi-byte character, so its first bytes are cut too (not stored as U+FFFD).
  let bytes = Buffer.concat(keptChunks, keptBytes);
  if (cutBytes > 0) {
    const whole = wholeCharacterLength(bytes);
    cutBytes += bytes.length - whole;
    bytes = bytes.subarray(0, whole);
  }
  return { body: bytes.toString('utf8'), bodyBytesCut: cutBytes };
}

/**
 * Returns the length of `bytes` without a trailing UTF-8 sequence that is valid so far but
 * incomplete. Invalid bytes stay, so the decoder replaces them as it does everywhere else.
 */
function wholeCharacterLength(bytes: Buffer): number {
  let leadAt = bytes.length - 1;
  while (leadAt >= 0 && bytes.length - leadAt < 4 && ((bytes[leadAt] ?? 0) & 0xc0) === 0x80) {
    leadAt -= 1;
  }
  if (leadAt < 0) return bytes.length;

  const sequenceLength = utf8SequenceLength(bytes[leadAt] ?? 0);
  return bytes.length - leadAt < sequenceLength ? leadAt : bytes.length;
}

/** Returns the length of the UTF-8 sequence that a lead byte starts, or 1 for any other byte. */
function utf8SequenceLength(lead: number): number {
  if (lead >= 0xf8) return 1;
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc0) return 2;
  return 1;
}
