/**
 * Node flags the bot's processes run with (`npm start`, `start:prod`, each shard; the bench starts every
 * engine's process with them too). A young generation of 8 MB a half instead of V8's 16: answering
 * allocates ~1 MB a question, and the collector's pause grows with the young generation's size, so
 * smaller, more frequent pauses keep the slowest answers fast for the same total collection time
 * (10k articles, quiet 2-core machine: p99 14.4–14.9 → 9.4–11.3 ms, p50 2.05–2.13 → 2.0–2.3 ms; at 4 MB the p99 is 8.3 ms but the p50 2.6–2.8 ms).
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=8'] as const;
