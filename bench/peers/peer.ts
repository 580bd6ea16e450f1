import type { Article } from '../../src/corpus/article.js';
import type { Units } from '../units.js';

/**
 * One engine doing the bench's job: index the sentences (and passages, where it uses them), then answer
 * a question with the ids of its top-3 sentences (global ids of `Units.sentences`).
 */
export interface Peer {
  build(units: Units): void | Promise<void>;
  /** Writes what `load` reads back into `dir` (an empty folder). */
  save(dir: string): Promise<void>;
  query(question: string): number[] | Promise<number[]>;
  /** Bytes its saved index takes when they are not the files `save` wrote (a database's size). */
  diskBytes?(): Promise<number>;
  /** Releases connections and handles (the PostgreSQL pool). */
  close?(): Promise<void>;
  /**
   * Settles once the work a loaded engine leaves to the background at start-up is done (newsdesk:
   * checking its snapshot, reading a small one into memory), as in a bot past its first second. The
   * warm figures are timed after it; the cold start is not.
   */
  settled?(): Promise<void>;
  /**
   * Replaces `changed` articles (same ids) as the running bot's refresh does, while the event loop keeps
   * turning, and saves the result into `dir` (an empty folder).
   */
  refresh?(changed: Article[], dir: string): Promise<void>;
  /** Engine-specific figures worth printing (e.g. that it refused an off-topic question). */
  refused?(question: string): Promise<boolean>;
}

/** How the bench makes a peer: fresh, or from what `save` wrote. */
export interface PeerKind {
  name: string;
  /** One line on how it is set up, printed under the table. */
  setup: string;
  create(): Peer;
  load(dir: string): Promise<Peer>;
  /** Largest corpus (in sentences) it is run on; beyond, it is skipped with this reason. */
  limit?: { sentences: number; reason: string } | undefined;
}

/**
 * English stop words (Lucene's classic list) that the SQLite peers leave out of their OR queries: a
 * plain FTS5 OR over "the", "of"… ranks every sentence of the corpus.
 */
export const LUCENE_STOP_WORDS = new Set(
  'a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with'.split(
    ' ',
  ),
);

/** Lower-cased words of a question, letters and digits only, each once. */
export function questionWords(question: string): string[] {
  return [...new Set(question.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])];
}
