import { randomBytes } from 'node:crypto';

const DISCORD_EPOCH = 1_420_070_400_000n;
let increment = 0n;
let lastTimestamp = 0n;

/**
 * Returns a fresh Discord snowflake: a 64-bit id whose top bits are milliseconds since the Discord epoch,
 * so discord.js derives a sensible `createdAt` from it. Strictly increasing within the process, which keeps
 * "newest message first" orderings in the fake stable.
 */
export function nextSnowflake(): string {
  let now = BigInt(Date.now()) - DISCORD_EPOCH;
  if (now <= lastTimestamp && increment >= 4095n) {
    now = lastTimestamp + 1n;
  }
  if (now > lastTimestamp) {
    lastTimestamp = now;
    increment = 0n;
  } else {
    increment += 1n;
  }
  return ((lastTimestamp << 22n) | (1n << 17n) | (1n << 12n) | increment).toString();
}

/**
 * Returns a bot token in Discord's real shape, `base64(user id).base64(timestamp).hmac`, so code that
 * splits or censors tokens (discord.js logs `_censoredToken`) sees what it would see in production.
 */
export function makeBotToken(userId: string): string {
  const head = Buffer.from(userId).toString('base64url');
  return `${head}.${randomBytes(4).toString('base64url')}.${randomBytes(28).toString('base64url')}`;
}

/** Returns an interaction token: opaque, long and URL-safe like Discord's `aW50ZXJhY3Rpb246...` tokens. */
export function makeInteractionToken(interactionId: string): string {
  return `aW50ZXJhY3Rpb246${Buffer.from(interactionId).toString('base64url')}${randomBytes(48).toString('base64url')}`;
}
