import { z } from 'zod';

/**
 * Front-matter of an article file. Every key is optional in the file; the loader fills `title` from the
 * text and `source` with `unknown` when they are missing.
 */
export const frontMatterSchema = z
  .object({
    title: z.string().trim().min(1).optional(),
    source: z.string().trim().min(1).optional(),
    url: z.url({ protocol: /^https?$/ }).optional(),
    published: z
      .union([z.string(), z.date()])
      .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v.trim()))
      .optional(),
    author: z.string().trim().min(1).optional(),
  })
  .strict();

export type FrontMatter = z.infer<typeof frontMatterSchema>;

/** What is known about an article besides its text. `source` is the publisher, `unknown` when unnamed. */
export interface ArticleMeta {
  title: string;
  source: string;
  url?: string | undefined;
  published?: string | undefined;
  author?: string | undefined;
}

/** One sentence of a cleaned article; `start`/`end` are offsets into `Article.text`. */
export interface Sentence {
  articleId: string;
  /** Position of the sentence in the article, from 0. */
  index: number;
  /** Paragraph number in the cleaned article, from 1 (as a person counts). */
  paragraph: number;
  start: number;
  end: number;
  text: string;
}

/** A dropped line of the raw text and the cleaning rule that dropped it. */
export interface DroppedLine {
  line: string;
  rule: string;
}

/** A cleaned, split article, ready to index. */
export interface Article {
  /** Stable slug of the file name, e.g. `000-55944bb53692d394`. */
  id: string;
  /** Path of the file it was read from. */
  path: string;
  meta: ArticleMeta;
  /** The kept paragraphs, in order, each once. */
  paragraphs: string[];
  /** The paragraphs joined by a blank line; sentence offsets point into it. */
  text: string;
  sentences: Sentence[];
  /** SHA-256 of the file's bytes: a changed file re-indexes, an unchanged one does not. */
  hash: string;
}
