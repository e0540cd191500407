import type { IncomingMessage } from 'node:http';
import { decodeBody } from './body-text.js';

/** A request body as the ping API stores it. */
export interface PingBody {
  /**
   * The last bytes of the body up to the limit, where a job's errors usually are, decoded as
   * UTF-16 when the body is UTF-16 (see decodeBody) and as UTF-8 otherwise, with invalid bytes
   * replaced.
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
  // The first two bytes, which a cut may drop, hold a UTF-16 byte order mark if there is one.
  let head = Buffer.alloc(0);

  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      if (head.length < 2) head = Buffer.concat([head, chunk.subarray(0, 2 - head.length)]);
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

  const decoded = decodeBody(bytes, cutBytes, head);
  return { body: decoded.text, bodyBytesCut: decoded.cutBytes };
}
