import { createPublicKey, type KeyObject, verify } from 'node:crypto';

/** Discord signs requests within seconds of sending them; older ones are replays or clock trouble. */
export const MAX_SIGNATURE_AGE_SECONDS = 300;

const HEX = /^[0-9a-fA-F]+$/;

/**
 * The application's Ed25519 public key (the 64 hex characters of the Developer Portal's "Public Key") as
 * a KeyObject for `crypto.verify`. Throws on anything that is not 32 bytes of hex.
 *
 * @example importPublicKey('a1b2…') // 64 hex characters
 */
export function importPublicKey(hex: string): KeyObject {
  if (hex.length !== 64 || !HEX.test(hex)) throw new Error('an Ed25519 public key is 64 hex characters');
  const x = Buffer.from(hex, 'hex').toString('base64url');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
}

export interface SignedRequest {
  /** `X-Signature-Ed25519`: 128 hex characters. */
  signature: string | undefined;
  /** `X-Signature-Timestamp`: Unix seconds, as Discord sends it. */
  timestamp: string | undefined;
  /** The body exactly as received, before any parsing. */
  body: Buffer;
}

export type SignatureCheck =
  | { ok: true }
  | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

/**
 * Checks Discord's signature of an interaction request: Ed25519 over `timestamp + raw body`, made with
 * the application's key, and a timestamp no more than `maxAgeSeconds` from `nowMs` (either way). Call it
 * before parsing the body; anything but `ok` must be answered with 401.
 *
 * @example
 * checkSignature(key, { signature: req.headers['x-signature-ed25519'], timestamp: …, body })
 * // → { ok: false, reason: 'mismatch' } for a tampered body
 */
export function checkSignature(
  publicKey: KeyObject,
  request: SignedRequest,
  nowMs: number = Date.now(),
  maxAgeSeconds: number = MAX_SIGNATURE_AGE_SECONDS,
): SignatureCheck {
  const { signature, timestamp, body } = request;
  if (!signature || !timestamp) return { ok: false, reason: 'missing' };
  if (signature.length !== 128 || !HEX.test(signature) || !/^\d{1,12}$/.test(timestamp)) {
    return { ok: false, reason: 'malformed' };
  }
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > maxAgeSeconds) return { ok: false, reason: 'stale' };
  const message = Buffer.concat([Buffer.from(timestamp, 'utf8'), body]);
  let valid = false;
  try {
    valid = verify(null, message, publicKey, Buffer.from(signature, 'hex'));
  } catch {
    valid = false;
  }
  return valid ? { ok: true } : { ok: false, reason: 'mismatch' };
}
