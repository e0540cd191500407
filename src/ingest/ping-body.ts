import type { IncomingMessage } from 'node:http';

/** A request body as the ping API stores it. */
export interface PingBody {
  /**
   * The last bytes of the body up to the limit, where a job's errors usually are, decoded as
   * UTF-8 with invalid bytes replaced.
   */
  body: string;
  /** Bytes cut from the start of the body, counted but not stored. */
  bodyBytesCut: number;
}

/**
 * Reads a request body, keeping its last `limitBytes` bytes (buffering one chunk more at most)
 * and counting the bytes before them. Returns null when the client aborted the upload.
 */
export async function readPingBody(
  req: IncomingMessage,
  limitBytes: number,
): Promise<PingBody | null> {
  // Chunks before keptChunks[first] are dropped. They are skipped, not shifted out, and removed
  // in one step now and then, so that a body sent in many tiny chunks costs linear time.
  let keptChunks: Buffer[] = [];
  let first = 0;
  let keptBytes = 0;
  let cutBytes = 0;

  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      keptChunks.push(chunk);
      keptBytes += chunk.length;
      // Drops the oldest chunks while the ones after them still fill the limit.
      let oldest = keptChunks[first];
      while (oldest !== undefined && keptBytes - oldest.length >= limitBytes) {
        first += 1;
        keptBytes -= oldest.length;
        cutBytes += oldest.length;
        oldest = keptChunks[first];
      }
      if (first >= 1024 && first * 2 >= keptChunks.length) {
        keptChunks = keptChunks.slice(first);
        first = 0;
      }
    }
  } catch (error) {
    if (!req.complete) return null;
    throw error;
  }
  if (!req.complete) return null;

  let bytes = Buffer.concat(keptChunks.slice(first), keptBytes);
  const excessBytes = Math.max(bytes.length - limitBytes, 0);
  cutBytes += excessBytes;
  bytes = bytes.subarray(excessBytes);

  // A cut can split a multi-byte character, so its last bytes are cut too (not stored as U+FFFD).
  if (cutBytes > 0) {
    const splitBytes = leadingContinuationBytes(bytes);
    cutBytes += splitBytes;
    bytes = bytes.subarray(splitBytes);
  }
  return { body: bytes.toString('utf8'), bodyBytesCut: cutBytes };
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
