import type { Article } from '../src/corpus/article.js';
import { buildPassages } from '../src/search/chunk.js';
import { CHUNK_OPTIONS } from '../src/search/options.js';

/** A passage as every engine gets it: its text and the global ids of its first and last sentence. */
export interface PassageUnit {
  text: string;
  first: number;
  last: number;
}

/**
 * What every engine indexes: the same articles, their sentences numbered globally in article order
 * (the id a peer returns), and the same passages newsdesk's chunker makes.
 */
export interface Units {
  articles: readonly Article[];
  sentences: string[];
  passages: PassageUnit[];
  /** Global id of each article's first sentence. */
  base: Map<string, number>;
  textBytes: number;
}

export function toUnits(articles: readonly Article[]): Units {
  const sentences: string[] = [];
  const passages: PassageUnit[] = [];
  const base = new Map<string, number>();
  let textBytes = 0;
  for (const article of articles) {
    const offset = sentences.length;
    base.set(article.id, offset);
    textBytes += Buffer.byteLength(article.text);
    for (const s of article.sentences) sentences.push(s.text);
    for (const p of buildPassages(article, CHUNK_OPTIONS)) {
      passages.push({ text: p.text, first: offset + p.first, last: offset + p.last });
    }
  }
  return { articles, sentences, passages, base, textBytes };
}
