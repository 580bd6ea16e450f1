import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURE_ARTICLES = path.join(here, '..', 'fixtures', 'articles');
export const DEFAULT_ARTICLES = path.join(here, '..', '..', 'index-data', 'articles');

/** A throwaway folder holding a copy of a corpus and a snapshot folder; `cleanup()` removes it. */
export async function tempCorpus(from: string = FIXTURE_ARTICLES) {
  const root = await mkdtemp(path.join(tmpdir(), 'newsdesk-'));
  const corpusDir = path.join(root, 'articles');
  const snapshotDir = path.join(root, 'snapshot');
  await cp(from, corpusDir, { recursive: true });
  return { root, corpusDir, snapshotDir, cleanup: () => rm(root, { recursive: true, force: true }) };
}
