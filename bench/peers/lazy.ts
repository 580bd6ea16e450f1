import type { PeerKind } from './peer.js';

/**
 * Each engine's module, imported only when that engine is asked for: a cold start in a child process
 * then pays for its own engine's code and dependencies, not for every peer's.
 */
const MODULES: Record<string, () => Promise<PeerKind>> = {
  newsdesk: async () => (await import('./newsdesk.js')).newsdeskPeer,
  'newsdesk postgres': async () => (await import('./postgres.js')).postgresPeer,
  'sqlite-fts5': async () => (await import('./sqlite.js')).sqliteSentences,
  'sqlite-fts5 passages': async () => (await import('./sqlite.js')).sqlitePassages,
  flexsearch: async () => (await import('./flexsearch.js')).flexSearchPeer,
  lunr: async () => (await import('./lunr.js')).lunrPeer,
  'minisearch default': async () => (await import('./minisearch.js')).miniSearchDefault,
};

/** The engine called `name`, importing its module alone. */
export async function loadEngine(name: string): Promise<PeerKind> {
  const load = MODULES[name];
  if (!load) throw new Error(`unknown engine ${name}; known: ${Object.keys(MODULES).join(', ')}`);
  const kind = await load();
  if (kind.name !== name) throw new Error(`engine ${name} is called ${kind.name} in its module`);
  return kind;
}
