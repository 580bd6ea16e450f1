/**
 * tsvector and tsquery values built from our analyzer's terms. PostgreSQL's own parser never sees the
 * text: `to_tsvector('simple', …)` would split the terms again ("e-mail" → e-mail, e, mail; "aren't" →
 * aren, t; "3.5%" → 3.5), so the two stores would no longer share one analyzer. Instead each term is one
 * quoted lexeme of a literal, passed as a query parameter and cast (`$1::tsvector`, `$1::tsquery`).
 */

/** PostgreSQL's limit on one lexeme (bytes) and on a position in a tsvector. */
const MAX_LEXEME_BYTES = 2046;
const MAX_POSITION = 16_383;

/** A lexeme quoted for tsvector/tsquery input: in single quotes, with `'` and `\` escaped. */
export function quoteLexeme(term: string): string {
  return `'${term.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

const usable = (term: string) => term !== '' && Buffer.byteLength(term, 'utf8') <= MAX_LEXEME_BYTES;

/**
 * A tsvector literal: the title's terms at the first positions with weight A (as MiniSearch boosts the
 * title field), then the passage's terms with the default weight D.
 *
 * @example passageVector(['flood'], ['river', 'flood']) // "'flood':1A,3 'river':2"
 */
export function passageVector(titleTerms: readonly string[], textTerms: readonly string[]): string {
  const positions = new Map<string, string[]>();
  let position = 0;
  const add = (terms: readonly string[], weight: string) => {
    for (const term of terms) {
      position = Math.min(position + 1, MAX_POSITION);
      if (!usable(term)) continue;
      const list = positions.get(term);
      if (list) list.push(`${position}${weight}`);
      else positions.set(term, [`${position}${weight}`]);
    }
  };
  add(titleTerms, 'A');
  add(textTerms, '');
  return [...positions].map(([term, list]) => `${quoteLexeme(term)}:${list.join(',')}`).join(' ');
}

/** A tsquery literal matching any of the terms (`'a' | 'b'`); empty when no term is usable. */
export function anyTermQuery(terms: readonly string[]): string {
  return [...new Set(terms.filter(usable))].map(quoteLexeme).join(' | ');
}
