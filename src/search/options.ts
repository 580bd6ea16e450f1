import { createHash } from 'node:crypto';
import { PARSER_VERSION } from '../corpus/version.js';
import { ANALYZER_VERSION } from '../text/analyzer.js';
import { DEFAULT_CHUNK_OPTIONS } from './chunk.js';

/**
 * Everything that decides what the index holds, in one place for build and load alike: a snapshot built
 * with other settings is rebuilt, never loaded.
 */
export const SNAPSHOT_FORMAT = 5;

export const INDEX_FIELDS = ['title', 'text'] as const;
export const FIELD_BOOST = { title: 1.5, text: 1 } as const;
export const PASSAGE_BM25 = { k: 1.2, b: 0.5, d: 0.5 } as const;
export const CHUNK_OPTIONS = DEFAULT_CHUNK_OPTIONS;

/** A hash of the parser and analyzer versions and every index option, stored in the snapshot. */
export function indexOptionsHash(): string {
  const settings = {
    format: SNAPSHOT_FORMAT,
    analyzer: ANALYZER_VERSION,
    parser: PARSER_VERSION,
    fields: INDEX_FIELDS,
    chunk: CHUNK_OPTIONS,
  };
  return createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 16);
}
