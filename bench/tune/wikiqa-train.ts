import { articleOfSentences, readWikiQa, type SelectionItem } from '../../src/cli/eval/datasets.js';
import { articleIdFromPath } from '../../src/corpus/load.js';

/**
 * Undoes the Penn-style tokenization of the reconstructed WikiQA train ("do n't", "Bopp 's", "cave ."),
 * so the training text reads like the dev text the ranker is checked on.
 */
export function detokenize(text: string): string {
  return text
    .replace(/-LRB-/g, '(')
    .replace(/-RRB-/g, ')')
    .replace(/``\s*/g, '"')
    .replace(/\s*''/g, '"')
    .replace(/\(\s+/g, '(')
    .replace(/\s+\)/g, ')')
    .replace(/\s+(n't|'s|'re|'ve|'ll|'d|'m)\b/gi, '$1')
    .replace(/\s+([.,;:!?%])/g, '$1')
    .replace(/\$\s+(?=\d)/g, '$')
    .trim();
}

/**
 * WikiQA train as the training scripts should see it: text detokenized, and no title. The reconstructed
 * file has no DocumentTitle, and `readWikiQa` then titles each article with its question, which makes the
 * `title` feature read "the question terms the sentence lacks" in train but the Wikipedia title in dev.
 */
export async function readWikiQaTrain(file: string): Promise<SelectionItem[]> {
  const items = await readWikiQa(file);
  return items.map((item) => ({
    ...item,
    question: detokenize(item.question),
    article: articleOfSentences(
      articleIdFromPath(`wikiqa-${item.questionId}`),
      '',
      item.article.sentences.map((s) => detokenize(s.text)),
    ),
  }));
}
