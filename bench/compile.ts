import { cpSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FOLDERS = ['src', 'commands', 'bench'];

/**
 * Compiles the project's TypeScript (src/, commands/, bench/) to JavaScript under `outdir`, one file per
 * module and the same layout (what `npm run build` gives for src/ and commands/), so that cold starts
 * are measured on what production runs rather than on tsx compiling every module at start-up.
 * Returns the compiled cold-start child.
 */
export async function compileChild(outdir = path.join(ROOT, 'bench', 'cache', 'compiled')): Promise<string> {
  rmSync(outdir, { recursive: true, force: true });
  const entryPoints = FOLDERS.flatMap((folder) =>
    readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.startsWith(`cache${path.sep}`))
      .map((f) => path.join(ROOT, folder, f)),
  );
  await build({
    entryPoints,
    outdir,
    outbase: ROOT,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
  });
  // Data files read beside their module at run time.
  for (const f of readdirSync(path.join(ROOT, 'src', 'text')).filter((f) => f.endsWith('.json'))) {
    cpSync(path.join(ROOT, 'src', 'text', f), path.join(outdir, 'src', 'text', f));
  }
  return path.join(outdir, 'bench', 'child.js');
}
