import { flexSearchPeer } from './flexsearch.js';
import { lunrPeer } from './lunr.js';
import { miniSearchDefault } from './minisearch.js';
import { newsdeskPeer } from './newsdesk.js';
import type { PeerKind } from './peer.js';
import { postgresPeer, postgresUnavailable } from './postgres.js';
import { sqlitePassages, sqliteSentences, sqliteUnavailable } from './sqlite.js';

/** Every engine the bench runs, newsdesk's (embedded, then PostgreSQL) first; the rest are the peers it is compared with. */
export const ENGINES: readonly PeerKind[] = [
  newsdeskPeer,
  postgresPeer,
  sqliteSentences,
  sqlitePassages,
  flexSearchPeer,
  lunrPeer,
  miniSearchDefault,
];

export function engineByName(name: string): PeerKind {
  const kind = ENGINES.find((e) => e.name === name);
  if (!kind) throw new Error(`unknown engine ${name}; known: ${ENGINES.map((e) => e.name).join(', ')}`);
  return kind;
}

/** Why an engine cannot run here, or undefined when it can. */
export async function unavailable(kind: PeerKind): Promise<string | undefined> {
  if (kind === postgresPeer) return postgresUnavailable();
  return kind.name.startsWith('sqlite') ? sqliteUnavailable() : undefined;
}
