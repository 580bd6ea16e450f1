import type { AnswerType } from '../text/question.js';

/** Where a result sentence comes from. */
export interface ResultSource {
  articleId: string;
  title: string;
  /** The publisher, `unknown` when the article names none. */
  source: string;
  url: string | null;
  published: string | null;
  /** Paragraph number in the cleaned article, from 1. */
  paragraph: number;
  /** Position of the sentence in its article, from 0 (for links and context). */
  sentence: number;
}

/** One answer sentence: the text as the article has it, its context and its sources. */
export interface AnswerResult {
  text: string;
  context: { before: string | null; after: string | null };
  score: number;
  /** The words of `text` that matched the question, as they stand in the text. */
  matched: string[];
  /** Character ranges of `text` that matched, for highlighting. */
  highlights: [number, number][];
  sources: ResultSource[];
}

/** Why a question has no confident answer. */
export type NoAnswerReason = 'empty' | 'no-terms' | 'no-match' | 'low-confidence' | 'empty-corpus';

/** The answer to one question; "nothing confident" is a normal answer with `answered: false`. */
export interface Answer {
  question: string;
  answered: boolean;
  /** In [0, 1]: how sure the engine is that the first result answers the question. */
  confidence: number;
  answerType: AnswerType;
  reason?: NoAnswerReason | undefined;
  /** Results, best first (with `answered: false`, the best guesses, to show only on request). */
  results: AnswerResult[];
  /** Articles closest to the question, for "nothing confident" replies. */
  closest: { articleId: string; title: string; source: string }[];
}
