import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkSignature, importPublicKey, MAX_SIGNATURE_AGE_SECONDS } from '../../../src/bot/http/verify.js';

const pair = generateKeyPairSync('ed25519');
const hex = Buffer.from(String(pair.publicKey.export({ format: 'jwk' }).x), 'base64url').toString('hex');
const NOW = 1_760_000_000_000;
const TS = String(NOW / 1000);
const BODY = Buffer.from('{"type":1,"id":"123"}');

function signed(body: Buffer = BODY, timestamp = TS, key: KeyObject = pair.privateKey) {
  const signature = sign(null, Buffer.concat([Buffer.from(timestamp), body]), key).toString('hex');
  return { signature, timestamp, body };
}

describe('importPublicKey', () => {
  it('takes the 64 hex characters the Developer Portal shows', () => {
    const key = importPublicKey(hex);
    expect(key.asymmetricKeyType).toBe('ed25519');
    expect(key.export({ format: 'jwk' })).toEqual(pair.publicKey.export({ format: 'jwk' }));
  });

  it('refuses a key of the wrong length or with non-hex characters', () => {
    expect(() => importPublicKey(hex.slice(2))).toThrow(/64 hex/);
    expect(() => importPublicKey(`${hex.slice(2)}zz`)).toThrow(/64 hex/);
    expect(() => importPublicKey('')).toThrow(/64 hex/);
  });
});

describe('checkSignature', () => {
  const key = importPublicKey(hex);

  it('accepts Discord’s signature of timestamp + body', () => {
    expect(checkSignature(key, signed(), NOW)).toEqual({ ok: true });
  });

  it('refuses a changed body, a changed timestamp, and another key’s signature', () => {
    const good = signed();
    expect(checkSignature(key, { ...good, body: Buffer.from('{"type":2,"id":"123"}') }, NOW)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(checkSignature(key, { ...good, timestamp: String(Number(TS) + 1) }, NOW).ok).toBe(false);
    const other = generateKeyPairSync('ed25519').privateKey;
    expect(checkSignature(key, signed(BODY, TS, other), NOW)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses missing headers and malformed signatures or timestamps', () => {
    const good = signed();
    expect(checkSignature(key, { ...good, signature: undefined }, NOW)).toEqual({
      ok: false,
      reason: 'missing',
    });
    expect(checkSignature(key, { ...good, timestamp: undefined }, NOW)).toEqual({
      ok: false,
      reason: 'missing',
    });
    const malformed = { ok: false, reason: 'malformed' };
    expect(checkSignature(key, { ...good, signature: 'g'.repeat(128) }, NOW)).toEqual(malformed);
    expect(checkSignature(key, { ...good, signature: good.signature.slice(0, 120) }, NOW)).toEqual(malformed);
    expect(checkSignature(key, { ...good, signature: `${good.signature}00` }, NOW)).toEqual(malformed);
    expect(checkSignature(key, { ...good, timestamp: '17e8' }, NOW)).toEqual(malformed);
    expect(checkSignature(key, { ...good, timestamp: '-5' }, NOW)).toEqual(malformed);
  });

  it('refuses a timestamp more than five minutes away, either way, even when signed', () => {
    const old = String(Number(TS) - MAX_SIGNATURE_AGE_SECONDS - 1);
    const ahead = String(Number(TS) + MAX_SIGNATURE_AGE_SECONDS + 1);
    expect(checkSignature(key, signed(BODY, old), NOW)).toEqual({ ok: false, reason: 'stale' });
    expect(checkSignature(key, signed(BODY, ahead), NOW)).toEqual({ ok: false, reason: 'stale' });
    const edge = String(Number(TS) - MAX_SIGNATURE_AGE_SECONDS + 1);
    expect(checkSignature(key, signed(BODY, edge), NOW)).toEqual({ ok: true });
  });

  it('accepts an empty body when it is what was signed', () => {
    expect(checkSignature(key, signed(Buffer.alloc(0)), NOW)).toEqual({ ok: true });
  });
});
