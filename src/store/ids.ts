import { randomBytes, randomUUID } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** A monitor id: 16 characters of lowercase base32, 80 random bits. Safe to log. */
export function newMonitorId(): string {
  const bytes = randomBytes(16);
  let id = '';
  for (const byte of bytes) id += ALPHABET[byte % 32];
  return id;
}

/** A ping token: a UUID v4, 122 random bits. Secret: never logged. */
export function newPingToken(): string {
  return randomUUID();
}
