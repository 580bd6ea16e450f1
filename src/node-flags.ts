/**
 * Node flags the bot's processes run with (`npm start`, `start:prod`, each shard; the bench starts every
 * engine's process with them too). A young generation of 4 MB a half instead of V8's 16: answering
 * allocates ~1 MB a question, and the collector's pause grows with the young generation's size, so
 * smaller, more frequent pauses keep the slowest answers fast for the same total collection time
 * (10k articles: p99 27–34 → 17–25 ms on a busy 2-core machine, p50 unchanged).
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=4'] as const;
