import { randomBytes, randomUUID } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** A monitor id: 16 characters of lowercase base32, 80 random bits. Safe to log. */
export function newMonitorId(): string {
  const bytes = randomBytes(16);
  let id = '';
  for (const byte of bytes) id += ALPHABET[byte % 32];
  return id;
}

// Ping ids are this process's random tag and a count, which is cheaper than random bits per ping.
// An id only has to differ from the ids of the last pings of its monitor that have the same
// values, so a short tag does: two processes draw the same one about once in 33 million.
const PROCESS_TAG = newMonitorId().slice(0, 5);
let pingCount = 0;

/** Returns an id unique to one ping, such as `k2mz7.1f3`. Not secret. */
export function newPingId(): string {
  pingCount++;
  return `${PROCESS_TAG}.${pingCount.toString(36)}`;
}

/** A ping token: a UUID v4, 122 random bits. Secret: never logged. */
export function newPingToken(): string {
  return randomUUID();
}
