/**
 * Cold start, run as its own process by the bench: load an engine from what its build saved, answer one
 * question, and print JSON lines the parent reads. The parent times spawn → the `answer` line.
 *
 *   node --expose-gc --import tsx bench/child.ts <engine> <dir> <question>
 *
 * The bench runs it compiled (`compileChild`: one esbuild bundle, split per engine) so that the figure
 * is a production start-up, not TypeScript being compiled on the fly by tsx (~0.8 s more here).
 */
const started = performance.now();
const [engineName, dir, question] = process.argv.slice(2);
const { loadEngine } = await import('./peers/lazy.js');
const kind = await loadEngine(engineName ?? '');
const imported = performance.now();
const peer = await kind.load(dir ?? '');
const loadedAt = performance.now();
const ids = await peer.query(question ?? '');
const answeredAt = performance.now();
process.stdout.write(`${JSON.stringify({ event: 'answer', ids })}\n`);
globalThis.gc?.();
const memory = process.memoryUsage();
process.stdout.write(
  `${JSON.stringify({
    event: 'figures',
    importMs: imported - started,
    loadMs: loadedAt - imported,
    firstAnswerMs: answeredAt - loadedAt,
    heapMb: memory.heapUsed / 2 ** 20,
    rssMb: memory.rss / 2 ** 20,
    // Kept alive until here so the figures above count the loaded index.
    alive: peer !== undefined,
  })}\n`,
);
await peer.close?.();
process.exit(0);
