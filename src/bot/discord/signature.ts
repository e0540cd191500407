// Checks that an interaction request comes from Discord: an Ed25519 signature by the
// application's key over the timestamp header followed by the raw body, and a timestamp
// close to now.

import { createPublicKey, type KeyObject, verify } from 'node:crypto';

/** How far `X-Signature-Timestamp` may be from now, in seconds, in the past or the future. */
export const MAX_TIMESTAMP_SKEW_SECONDS = 300;

export type SignatureCheck =
  | { ok: true }
  | {
      ok: false;
      reason: 'missing_headers' | 'malformed_headers' | 'bad_signature' | 'stale_timestamp';
    };

export interface SignedRequest {
  signatureHex: string | undefined;
  timestamp: string | undefined;
  rawBody: Buffer;
}

const SIGNATURE_PATTERN = /^[0-9a-f]{128}$/i;
const TIMESTAMP_PATTERN = /^\d{1,12}$/;

/** Turns the 32-byte public key, as hex from the Developer Portal, into a key object. */
export function publicKeyFromHex(publicKeyHex: string): KeyObject {
  const raw = Buffer.from(publicKeyHex, 'hex');
  if (raw.length !== 32) throw new Error('An Ed25519 public key is 32 bytes (64 hex characters).');
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
}

/** Creates a checker for requests signed with the application whose key is `publicKeyHex`. */
export function createSignatureChecker(publicKeyHex: string) {
  const key = publicKeyFromHex(publicKeyHex);
  return (request: SignedRequest, nowMs: number): SignatureCheck => {
    const { signatureHex, timestamp, rawBody } = request;
    if (signatureHex === undefined || timestamp === undefined)
      return { ok: false, reason: 'missing_headers' };
    if (!SIGNATURE_PATTERN.test(signatureHex) || !TIMESTAMP_PATTERN.test(timestamp)) {
      return { ok: false, reason: 'malformed_headers' };
    }

    const message = Buffer.concat([Buffer.from(timestamp, 'utf8'), rawBody]);
    if (!verify(null, message, key, Buffer.from(signatureHex, 'hex'))) {
      return { ok: false, reason: 'bad_signature' };
    }

    // A replayed request keeps its valid signature, so the timestamp must be recent too.
    const requestTimestampSec = Number(timestamp);
    const skewSec = Math.abs(Math.floor(nowMs / 1000) - requestTimestampSec);
    if (skewSec > MAX_TIMESTAMP_SKEW_SECONDS) return { ok: false, reason: 'stale_timestamp' };
    return { ok: true };
  };
}

export type SignatureChecker = ReturnType<typeof createSignatureChecker>;
