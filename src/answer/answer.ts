import type { Article, Sentence } from '../corpus/article.js';
import type { CorpusStats, QueryTerm, SearchStore } from '../search/store.js';
import { analyzeWithOffsets } from '../text/analyzer.js';
import { mergeNearDuplicates } from './merge.js';
import { idf, type ParsedQuestion, parseQuestion } from './question.js';
import { cuesOf, DEFAULT_WEIGHTS, rankSentences, type ScoredSentence, type Weights } from './rank.js';
import type { Answer, AnswerResult, ResultSource } from './types.js';

/** Confidence under which the answer says it found nothing confident: the best F1 of `npm run eval -- squad-abstain`. */
export const DEFAULT_CONFIDENCE_THRESHOLD = 0.48;
/**
 * Passages retrieved per question: enough for recall, few enough to rank in a millisecond or two. With
 * four-sentence passages, 16 hold about as many sentences as 20 three-sentence ones did; SQuAD part 1
 * hit@3 is 0.8919 / 0.8926 / 0.8927 / 0.8929 at 15 / 16 / 18 / 20.
 */
export const CANDIDATE_PASSAGES = 16;

export interface AnswerOptions {
  /** Results wanted (the bot pages through more). */
  topK?: number | undefined;
  threshold?: number | undefined;
  /** Restrict to these articles. */
  articleIds?: ReadonlySet<string> | undefined;
  weights?: Weights | undefined;
}

/**
 * Answers a question from a store: retrieve candidate passages, rank their sentences, merge
 * near-duplicates (one result per fact, with every source), and decide whether the best is confident.
 * Never throws on odd input: empty, stop-word-only or off-topic questions come back with
 * `answered: false`, a reason and no results (the closest articles are still named).
 */
export async function answerQuestion(
  store: SearchStore,
  question: string,
  options: AnswerOptions = {},
): Promise<Answer> {
  const topK = options.topK ?? 3;
  const threshold = options.threshold ?? DEFAULT_CONFIDENCE_THRESHOLD;
  const stats = store.stats();
  const parsed = parseQuestion(question, stats);
  const base = { question, answerType: parsed.answerType, results: [], closest: [] };
  if (question.trim() === '') return { ...base, answered: false, confidence: 0, reason: 'empty' };
  if (stats.sentenceCount === 0) return { ...base, answered: false, confidence: 0, reason: 'empty-corpus' };
  if (parsed.terms.length === 0) return { ...base, answered: false, confidence: 0, reason: 'no-terms' };

  const candidates = await store.searchPassages(searchTermsOf(parsed, stats), {
    limit: CANDIDATE_PASSAGES,
    articleIds: options.articleIds,
  });
  const closest = closestArticles(
    store,
    candidates.map((c) => c.articleId),
  );
  if (candidates.length === 0)
    return { ...base, closest, answered: false, confidence: 0, reason: 'no-match' };

  const ranked = rankSentences(parsed, candidates, store, options.weights ?? DEFAULT_WEIGHTS);
  const groups = mergeNearDuplicates(
    ranked,
    (s) => {
      // Found only if the merge asks: most sentences are told apart by their terms alone.
      let values: readonly string[] | undefined;
      return {
        terms: termsOf(store, s.sentence),
        get values() {
          values ??= newValues(cuesOf(s.sentence).values, parsed);
          return values;
        },
        get publisher() {
          return store.getArticle(s.sentence.articleId)?.meta.source ?? '';
        },
      };
    },
    topK,
  );
  const results = groups.map((g) => toResult(g.best, g.members, store, parsed));
  const first = groups[0]?.best;
  const confidence = first ? confidenceOf(first) : 0;
  const answered = confidence >= threshold;
  return {
    ...base,
    closest,
    answered,
    confidence,
    reason: answered ? undefined : 'low-confidence',
    results: answered ? results : [],
  };
}

/**
 * The terms passages are searched by: the question's, and the spelling of a misspelt word the corpus
 * holds ("tackels" is searched as "tackles" too), each weighed by its own IDF.
 */
export function searchTermsOf(parsed: ParsedQuestion, stats: CorpusStats): QueryTerm[] {
  if (parsed.corrections.size === 0) return parsed.terms;
  const extra = [...parsed.corrections.keys()].map((term) => ({ term, weight: idf(term, stats) }));
  return [...parsed.terms, ...extra];
}

/**
 * The answer values of a sentence that could answer the question: of the kind it asks for (figures and
 * amounts of time for "when", "how many", "how long"; names for "who", "where", "which company") and not
 * stated by the question itself. Two sentences that both name "Super Bowl 50" because the question asks
 * about it, or both name Britain when the question asks how long, do not give the same answer.
 */
function newValues(values: readonly string[], q: ParsedQuestion): string[] {
  const wanted = FIGURE_TYPES.has(q.answerType)
    ? (v: string) => /^\p{Nd}/u.test(v)
    : NAME_TYPES.has(q.answerType)
      ? (v: string) => !/^\p{Nd}/u.test(v)
      : () => true;
  return values.filter((v) => wanted(v) && !v.split(/\s+/).every((w) => q.surface.has(w)));
}
const FIGURE_TYPES = new Set(['date', 'number', 'duration']);
const NAME_TYPES = new Set(['person', 'organization', 'place']);

/**
 * How sure the engine is that a sentence answers: mostly the IDF-weighted share of the question it
 * covers, raised a little by an answer-type cue and by term proximity. In [0, 1]. A question term the
 * sentence holds only as a WordNet relative or another form ("invasion" for "invade", "ran" for "run")
 * counts half, one spelt right for the question's misspelling in full: such a term is often the rarest
 * of the question, so that without it a right answer fell under the threshold. On SQuAD part 1
 * (`eval -- squad-abstain`) this finds more right answers at every rate of false ones (recall 0.856 →
 * 0.862 at ≤ 8% answered wrongly, 0.694 → 0.718 at ≤ 3%); at the threshold, 0.48, F1 0.801 → 0.805.
 */
export function confidenceOf(s: ScoredSentence): number {
  const f = s.features;
  const covered = Math.min(1, f.overlap + 0.5 * (f.related + f.inflection) + f.spelling);
  const value = 0.8 * covered + 0.1 * f.cue + 0.1 * Math.max(f.proximity, f.bigram);
  return Math.round(Math.min(1, Math.max(0, value)) * 1000) / 1000;
}

function toResult(
  best: ScoredSentence,
  members: ScoredSentence[],
  store: SearchStore,
  q: ParsedQuestion,
): AnswerResult {
  const seen = new Set<string>();
  const sources: ResultSource[] = [];
  for (const m of members) {
    if (seen.has(m.sentence.articleId)) continue;
    seen.add(m.sentence.articleId);
    const article = store.getArticle(m.sentence.articleId);
    if (article) sources.push(sourceOf(article, m));
  }
  const highlights: [number, number][] = [];
  const matched: string[] = [];
  for (const token of analyzeWithOffsets(best.sentence.text, termsOf(store, best.sentence))) {
    if (!q.weights.has(token.term)) continue;
    highlights.push([token.start, token.end]);
    const word = best.sentence.text.slice(token.start, token.end);
    if (!matched.includes(word)) matched.push(word);
  }
  return {
    text: best.sentence.text,
    context: { before: best.before ?? null, after: best.after ?? null },
    score: Math.round(best.score * 1000) / 1000,
    matched,
    highlights,
    sources,
  };
}

/** A sentence's analyzed terms, as the store keeps them (only this sentence's are made). */
function termsOf(store: SearchStore, sentence: Sentence): readonly string[] {
  return store.sentenceTerms(sentence.articleId, sentence.index, sentence.index + 1)[sentence.index] ?? [];
}

function sourceOf(article: Article, s: ScoredSentence): ResultSource {
  return {
    articleId: article.id,
    title: article.meta.title,
    source: article.meta.source,
    url: article.meta.url ?? null,
    published: article.meta.published ?? null,
    paragraph: s.sentence.paragraph,
    sentence: s.sentence.index,
  };
}

function closestArticles(store: SearchStore, ids: string[]): Answer['closest'] {
  const out: Answer['closest'] = [];
  for (const id of ids) {
    if (out.length >= 3) break;
    if (out.some((a) => a.articleId === id)) continue;
    const article = store.getArticle(id);
    if (article) out.push({ articleId: id, title: article.meta.title, source: article.meta.source });
  }
  return out;
}
