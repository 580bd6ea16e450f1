import type { Article } from '../src/corpus/article.js';
import { findAnswerCues } from '../src/text/question.js';
import { pick, seededRandom } from './random.js';

/** A bench question: made from one sentence of the corpus (`gold` is that sentence), or off-topic. */
export interface BenchQuestion {
  text: string;
  kind: 'sentence' | 'off-topic';
  /** The sentence the question was made from (any sentence with the same text counts as a hit). */
  gold?: string | undefined;
  /** The words dropped from it: what a reader expects as the answer. */
  answer?: string | undefined;
}

const OFF_TOPIC_SUBJECTS = [
  'photosynthesis in desert cacti',
  'the mating call of the humpback whale',
  'the boiling point of liquid nitrogen',
  'knitting a cable-stitch sweater',
  'the rings of Neptune',
  'sourdough starter hydration',
  'the migration of monarch butterflies',
  'the syntax of Haskell type classes',
  'Bronze Age pottery glazes',
  'the life cycle of a jellyfish',
  'tuning a ukulele to open G',
  'the geology of basalt columns',
  'caring for a bonsai juniper',
  'the chemistry of caramelisation',
  'origami cranes with wet folding',
  'the tides on a moon of Saturn',
  'medieval falconry hoods',
  'the anatomy of an octopus arm',
  'glacier crevasse formation',
  'the pollination of vanilla orchids',
] as const;

const OFF_TOPIC_TEMPLATES = [
  (s: string) => `What is known about ${s}?`,
  (s: string) => `How does ${s} work?`,
  (s: string) => `Why is ${s} important?`,
  (s: string) => `Who first described ${s}?`,
  (s: string) => `When was ${s} first studied?`,
] as const;

/**
 * `count` questions over a corpus, with a fixed seed: 90% made from its own sentences (a name or number
 * dropped, a question word put in front: "TimeWarner said sales rose 2%" → "Who said sales rose 2%?"),
 * 10% about things no news corpus holds, to check that they are not answered.
 */
export function makeQuestions(articles: readonly Article[], count: number, seed: number): BenchQuestion[] {
  const random = seededRandom(seed);
  const offTopic = Math.round(count / 10);
  const questions: BenchQuestion[] = [];
  let tries = 0;
  while (questions.length < count - offTopic && tries++ < count * 200) {
    const article = pick(random, articles);
    const body = article.sentences.filter((s) => s.paragraph > 1);
    if (body.length === 0) continue;
    const sentence = pick(random, body);
    const q = questionOf(sentence.text, random);
    if (q) questions.push({ ...q, kind: 'sentence', gold: sentence.text });
  }
  for (let i = 0; i < offTopic; i++) {
    questions.push({
      text: pick(random, OFF_TOPIC_TEMPLATES)(pick(random, OFF_TOPIC_SUBJECTS)),
      kind: 'off-topic',
    });
  }
  // Interleave so that latency quantiles do not depend on the order of the kinds.
  return shuffle(questions, random);
}

/** A sentence turned into a question, or undefined when it has no name or number to drop. */
export function questionOf(
  sentence: string,
  random: () => number,
): { text: string; answer: string } | undefined {
  const words = sentence.split(/\s+/).length;
  if (words < 8 || words > 45) return undefined;
  const cues = findAnswerCues(sentence);
  const numbers = sentence.match(/[$£€]?\d[\d,.]*(?:%|bn|m|tn)?/g) ?? [];
  const names = cues.properNames.filter((n) => n.length > 2);
  const useNumber = numbers.length > 0 && (names.length === 0 || random() < 0.35);
  const target = useNumber ? pick(random, numbers) : names.length > 0 ? pick(random, names) : undefined;
  if (!target) return undefined;
  const at = sentence.indexOf(target);
  if (at < 0) return undefined;
  const year = /^(1[89]|20)\d\d$/.test(target);
  const word = useNumber
    ? year
      ? 'In what year'
      : /^[$£€]/.test(target)
        ? 'How much'
        : 'How many'
    : at === 0
      ? 'Who'
      : 'What';
  const rest = `${sentence.slice(0, at)}${sentence.slice(at + target.length)}`
    .replace(/\s+/g, ' ')
    .replace(/\s([,.;:])/g, '$1')
    .replace(/[.!?"'”’]+$/, '')
    .trim();
  if (rest.split(' ').length < 5) return undefined;
  const body = at === 0 ? rest : `${rest.charAt(0).toLowerCase()}${rest.slice(1)}`;
  return { text: `${word} ${body}?`, answer: target };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}
