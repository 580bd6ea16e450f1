import type { Migration } from './pg-migrate.js';

/**
 * The search tables. Never edit a migration that has shipped: add the next version instead.
 *
 * - `corpus_state`: one row; `version` grows by one per committed refresh (the NOTIFY payload), plus the
 *   sentence statistics the ranker needs synchronously and the index-options hash the rows were built with.
 * - `articles` → `sentences` (with the analyzer's terms, for the ranker) and `passages` (the retrieval
 *   unit, with a tsvector built from the same terms and a GIN index). Deleting an article cascades.
 * - `term_df`: sentences holding each term, kept in step with `sentences` by every refresh transaction.
 */
export const SEARCH_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'articles, sentences, passages, term_df, corpus_state',
    sql: `
      CREATE TABLE corpus_state (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        version bigint NOT NULL DEFAULT 0,
        options_hash text NOT NULL DEFAULT '',
        article_count integer NOT NULL DEFAULT 0,
        passage_count integer NOT NULL DEFAULT 0,
        sentence_count integer NOT NULL DEFAULT 0,
        sentence_term_total bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      INSERT INTO corpus_state DEFAULT VALUES;

      CREATE TABLE articles (
        id text PRIMARY KEY,
        path text NOT NULL,
        hash text NOT NULL,
        title text NOT NULL,
        source text NOT NULL,
        url text,
        published text,
        author text,
        paragraphs text[] NOT NULL,
        body text NOT NULL,
        indexed_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE sentences (
        article_id text NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        position integer NOT NULL,
        paragraph integer NOT NULL,
        start_offset integer NOT NULL,
        end_offset integer NOT NULL,
        text text NOT NULL,
        terms text[] NOT NULL,
        PRIMARY KEY (article_id, position)
      );

      CREATE TABLE passages (
        id text PRIMARY KEY,
        article_id text NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        first_sentence integer NOT NULL,
        last_sentence integer NOT NULL,
        text text NOT NULL,
        tsv tsvector NOT NULL
      );
      CREATE INDEX passages_tsv_idx ON passages USING gin (tsv);
      CREATE INDEX passages_article_idx ON passages (article_id);

      CREATE TABLE term_df (
        term text PRIMARY KEY,
        df integer NOT NULL CHECK (df >= 0)
      );
    `,
  },
];
