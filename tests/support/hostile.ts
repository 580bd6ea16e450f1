/**
 * Hostile and odd text for property-based tests: arbitrary Unicode mixed with the pieces that break text
 * code in practice — right-to-left text and bidi controls, emoji with joiners, combining marks, control
 * characters, lone surrogates, Markdown and Discord mention syntax, regular-expression metacharacters,
 * HTML, URLs, abbreviations and runs of sentence punctuation, very long single words.
 */
import fc from 'fast-check';

/** Pieces that have broken text code somewhere; each is mixed into otherwise arbitrary text. */
export const HOSTILE_PIECES: readonly string[] = [
  // right-to-left scripts and bidi controls
  'مرحبا بالعالم، كيف حالك؟',
  'שלום עולם.',
  '\u202eevil\u202c',
  '\u200f\u200e\u2066\u2069',
  // emoji, joiners, flags, skin tones, variation selectors
  '👩‍👩‍👧‍👦',
  '🇬🇧🇺🇦',
  '👍🏽',
  '❤️',
  // combining marks, ligatures, compatibility forms
  'Z̷̢̛a̸l̷g̵o̶',
  'ﬁnal ﬀ ﬃ',
  'ｆｕｌｌｗｉｄｔｈ',
  'ﷺ ﷻ',
  'İstanbul ß ǅ',
  // control characters, NUL, BOM, line and paragraph separators, lone surrogates
  '\u0000\u0001\u0007\u001b[31m',
  '\u007f\u0085\u009f',
  '\ufeff',
  '\u2028\u2029',
  '\ud800',
  '\udfff',
  '\r\n\r',
  '\t\v\f',
  // Markdown and Discord syntax
  '**bold** __under__ ~~strike~~ ||spoiler|| `code` ```block```',
  '> quote\n# heading\n- item',
  '@everyone @here',
  '<@123456789012345678> <@!123456789012345678> <@&234567890123456789> <#345678901234567890>',
  '</ask:456789012345678901> <t:1700000000:R> <:emoji:567890123456789012> <a:x:1>',
  '[link](https://evil.example/x) <https://example.org>',
  // regular-expression metacharacters
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal "${" is the hostile input
  '.*+?^${}()|[]\\',
  '(a+)+$ (.*a){20} [^\\s]*? \\b\\1',
  "$& $1 $` $'",
  // HTML and entities
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '&amp; &lt;b&gt; &#8203; &nbsp; &zwsp; u200b \\u200B',
  '<!doctype html><html><body><p>text</p></body></html>',
  // URLs glued to text
  'https://example.org/a?b=c#d',
  'www.example.com.',
  'http://http://http://',
  // sentence punctuation and abbreviations
  'U.S. Mr. Dr. e.g. i.e. a.m. p.m. Inc. Corp. No. 10 Jan. 6',
  '... … ?!?! ‽ ¿¡',
  '1,000,000 3.5 $1.75tn 19th 50%',
  '"“‘«»’”"',
  "don't O'Brien Russia’s rock'n'roll",
  '- – — • * ·',
  'Source: Reuters',
  'Advertisement',
  '© 2025 All rights reserved',
];

/** Words of news text, so that arbitrary questions sometimes match something. */
export const NEWS_WORDS: readonly string[] = [
  'the',
  'what',
  'how',
  'many',
  'people',
  'were',
  'evacuated',
  'interest',
  'rate',
  'bank',
  'raised',
  'flood',
  'river',
  'Millbrook',
  'striker',
  'signed',
  'Harbour',
  'inflation',
  'percent',
  'said',
  'on',
  'Tuesday',
];

/** Arbitrary text, hostile pieces, news words, and separators mixed; at most `maxPieces` pieces. */
export function hostileText(maxPieces = 30): fc.Arbitrary<string> {
  const piece = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_PIECES) },
    { weight: 3, arbitrary: fc.constantFrom(...NEWS_WORDS) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
    { weight: 1, arbitrary: fc.constantFrom(' ', '\n', '\n\n', '. ', '? ', '! ', ', ') },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 400 }).map((n) => 'x'.repeat(n)) },
  );
  return fc
    .array(piece, { maxLength: maxPieces })
    .chain((pieces) => fc.constant(pieces.join(pieces.length % 2 ? ' ' : '')));
}

/** Questions: hostile text, plus the lengths and shapes the issue names (300 and 6,000 characters, …). */
export function hostileQuestion(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: hostileText(20) },
    { weight: 1, arbitrary: hostileText(60).map((t) => padTo(t, 300)) },
    { weight: 1, arbitrary: hostileText(60).map((t) => padTo(t, 6000)) },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.constantFrom('the', 'a', 'of', 'what', 'is', 'was', 'who', 'it', 'and', 'to'), {
          maxLength: 30,
        })
        .map((w) => `${w.join(' ')}?`),
    },
    {
      weight: 1,
      arbitrary: fc.string({ unit: fc.constantFrom(...'?!.,;:…-—()[]{}"\'*_~`|<>@#$%^&'.split('')) }),
    },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 6000 }).map((n) => 'flood'.repeat(Math.ceil(n / 5))) },
  );
}

/** `text` repeated (or cut) to exactly `n` characters; a filler when `text` is empty. */
export function padTo(text: string, n: number): string {
  const base = text.length > 0 ? text : 'Why? ';
  return base.repeat(Math.ceil(n / base.length)).slice(0, n);
}

/** Number of fast-check runs per property: enough to find the usual suspects, small enough for CI. */
export const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

/**
 * A cheap assertion for the inner loops of properties (vitest's `expect` costs ~10 µs a call, which adds
 * up to seconds over thousands of sentences); fast-check reports the failing input with the message.
 */
export function check(condition: boolean, message: () => string): asserts condition {
  if (!condition) throw new Error(message());
}

/**
 * Size of the pathological inputs the cost tests feed each function. Linear code handles it in well under
 * a second; a quadratic path needs minutes (the old URL pattern of the cleaner took 36 s for 160 KB), so
 * the test timeout (`PATHOLOGICAL_TIMEOUT_MS`) catches it without any timing assertion that could flake.
 */
export const PATHOLOGICAL_SIZE = 256 * 1024;
export const PATHOLOGICAL_TIMEOUT_MS = 10_000;

/** `unit` repeated to exactly `PATHOLOGICAL_SIZE` characters. */
export function pathological(unit: string): string {
  return unit.repeat(Math.ceil(PATHOLOGICAL_SIZE / unit.length)).slice(0, PATHOLOGICAL_SIZE);
}
