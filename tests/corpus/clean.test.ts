import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cleanText, findSourceLine } from '../../src/corpus/clean.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SCRAPED = path.join(here, '..', 'fixtures', 'scraped');

/** A scraped page of tests/fixtures/scraped and the paragraphs a reader would call the article. */
function fixture(name: string): { raw: string; kept: string[] } {
  const raw = readFileSync(path.join(SCRAPED, `${name}.txt`), 'utf8');
  const kept = readFileSync(path.join(SCRAPED, `${name}.kept.txt`), 'utf8')
    .split('\n')
    .filter(Boolean);
  return { raw, kept };
}

/** The rules documented in the table of src/corpus/clean.ts. */
const RULES = new Set([
  'invisible',
  'url',
  'player',
  'advertisement',
  'share',
  'byline',
  'date',
  'navigation',
  'newsletter',
  'cookie',
  'podcast',
  'copyright',
  'related',
  'credit',
  'caption',
  'source',
  'comments',
  'gallery',
  'repeated',
  'not-prose',
  'short-context',
  'duplicate',
]);

const LONG_A =
  'The regional water authority said on Wednesday that reservoir levels had fallen to their lowest point in thirty years, after the driest spring since records began.';
const LONG_B =
  'Officials urged households to limit garden watering and said a hosepipe ban could follow within weeks if the weather did not change, although farmers would be exempt.';
const LONG_C =
  'The authority has spent more than £40m on leak repairs since 2020, but campaigners say a quarter of the water it treats is still lost before it reaches a tap.';
const MENU = '- Home\n- News\n- Sport\n- Weather\nSign in';
const FOOTER = 'Share this article\n- Facebook\n- Email\n© 2024 Example News Ltd. All rights reserved.';

describe('cleanText', () => {
  it.each([
    ['a wire story with a dateline, share buttons, an advert slot and a related list', 'wire-story'],
    ['a blog post with headings, a list, comments and a footer', 'blog-comments'],
    ['a page with a player, a newsletter box, a cookie notice and its body printed twice', 'repeated-block'],
    ['a tabloid story with photo captions, credits and escaped invisible characters', 'captions'],
  ])('keeps exactly the article paragraphs of %s', (_label, name) => {
    const { raw, kept } = fixture(name);
    expect(cleanText(raw).paragraphs).toEqual(kept);
  });

  it('keeps a one-sentence quote paragraph between long paragraphs', () => {
    const quote = '“We have never seen anything like it,” she said.';
    const raw = [MENU, LONG_A, quote, LONG_B, FOOTER].join('\n');
    expect(cleanText(raw).paragraphs).toEqual([LONG_A, quote, LONG_B]);
  });

  it('keeps a short closing paragraph after the last long one', () => {
    const raw = [MENU, LONG_A, LONG_B, 'The authority denied this.', FOOTER].join('\n');
    expect(cleanText(raw).paragraphs).toEqual([LONG_A, LONG_B, 'The authority denied this.']);
  });

  it('keeps a subheading between two paragraphs but drops the menu above the article', () => {
    const raw = [MENU, LONG_A, 'Leaks and repairs', LONG_C, FOOTER].join('\n');
    const { paragraphs, dropped } = cleanText(raw);
    expect(paragraphs).toEqual([LONG_A, 'Leaks and repairs', LONG_C]);
    expect(dropped.map((d) => d.line)).toEqual(expect.arrayContaining(['- Home', '- Weather', 'Sign in']));
  });

  it('keeps datelines and quotation marks exactly as written', () => {
    const dateline =
      'LONDON (Reuters) - Britain’s biggest lender said on Friday it would close 40 branches, citing a “sharp and lasting” fall in visits.';
    const quoted = '"It\'s a sad day," said one customer, who asked not to be named, "but I saw it coming."';
    const raw = [MENU, dateline, quoted, LONG_B, FOOTER].join('\n');
    expect(cleanText(raw).paragraphs).toEqual([dateline, quoted, LONG_B]);
  });

  it('keeps the first copy of a block of paragraphs the page repeats', () => {
    const short = 'Farmers were not consulted.';
    const raw = [MENU, LONG_A, LONG_B, short, FOOTER, LONG_B, short, LONG_C].join('\n');
    const { paragraphs, dropped } = cleanText(raw);
    expect(paragraphs).toEqual([LONG_A, LONG_B, short, LONG_C]);
    expect(dropped.filter((d) => d.rule === 'duplicate').map((d) => d.line)).toEqual([LONG_B, short]);
  });

  it('keeps short lines that repeat on their own, as in a code sample', () => {
    const raw = [
      MENU,
      LONG_A,
      'if (ready) {',
      '  start();',
      '}',
      'if (done) {',
      '  stop();',
      '}',
      LONG_B,
      FOOTER,
    ];
    expect(cleanText(raw.join('\n')).paragraphs).toEqual([
      LONG_A,
      'if (ready) {',
      'start();',
      '}',
      'if (done) {',
      'stop();',
      '}',
      LONG_B,
    ]);
  });

  it('strips zero-width characters and a literal u200b from a line instead of dropping the line', () => {
    const raw = [MENU, `\u200b${LONG_A}\u200d`, `u200b ${LONG_B}`, '\u200b\u200c', FOOTER].join('\n');
    const { paragraphs, dropped } = cleanText(raw);
    expect(paragraphs).toEqual([LONG_A, LONG_B]);
    expect(dropped).toContainEqual({ line: '\u200b\u200c', rule: 'invisible' });
  });

  it('normalises whitespace inside a paragraph and nothing else', () => {
    const raw = [MENU, `  ${LONG_A.replaceAll(' ', '\u00a0 ')}\t`, LONG_B, FOOTER].join('\n');
    expect(cleanText(raw).paragraphs[0]).toBe(LONG_A);
  });

  it('removes a URL glued to text and drops a line that is only a URL', () => {
    const raw = [
      MENU,
      LONG_A,
      'https://cdn.example.com/embed/player.html#id=77Play Video',
      LONG_B,
      FOOTER,
    ].join('\n');
    const { paragraphs, dropped } = cleanText(`${raw}\nhttps://example.com/story/123`);
    expect(paragraphs).toEqual([LONG_A, LONG_B]);
    expect(dropped).toContainEqual({
      line: 'https://cdn.example.com/embed/player.html#id=77Play Video',
      rule: 'player',
    });
    expect(dropped).toContainEqual({ line: 'https://example.com/story/123', rule: 'url' });
  });

  it('drops player controls, bare timestamps and the headlines of the playlist between paragraphs', () => {
    const player = ['Play Video', '01:55', '- Now Playing01:55', 'Storm floods coastal towns', '- Next02:37'];
    const raw = [MENU, LONG_A, ...player, LONG_B, FOOTER].join('\n');
    const { paragraphs, dropped } = cleanText(raw);
    expect(paragraphs).toEqual([LONG_A, LONG_B]);
    expect(dropped.filter((d) => d.rule === 'player').map((d) => d.line)).toEqual([
      'Play Video',
      '01:55',
      '- Now Playing01:55',
      '- Next02:37',
    ]);
  });

  it('drops a caption the page printed twice with a credit glued to it, and a bare credit line', () => {
    const raw = [
      MENU,
      LONG_A,
      'Jane MorrisJane MorrisReuters',
      LONG_B,
      'Flood water in the high street',
      'PA',
    ];
    const { paragraphs, dropped } = cleanText([...raw, LONG_C, FOOTER].join('\n'));
    expect(paragraphs).toEqual([LONG_A, LONG_B, LONG_C]);
    expect(dropped).toEqual(
      expect.arrayContaining([
        { line: 'Jane MorrisJane MorrisReuters', rule: 'caption' },
        { line: 'Flood water in the high street', rule: 'caption' },
        { line: 'PA', rule: 'credit' },
      ]),
    );
  });

  it('keeps a sentence that mentions a newsletter, cookies or an agency', () => {
    const lines = [
      'The company’s newsletter, which has 40,000 subscribers, first reported the closure on Monday.',
      'Sales of cookies and biscuits rose 3% in the quarter, the bakery chain said in a statement.',
      'Police told Reuters that two men had been arrested in connection with the attack on the depot.',
    ];
    const raw = [MENU, LONG_A, ...lines, LONG_B, FOOTER].join('\n');
    expect(cleanText(raw).paragraphs).toEqual([LONG_A, ...lines, LONG_B]);
  });

  it('drops readers’ comments after a comments heading once the article has begun', () => {
    const comment = 'I completely disagree with the council on this, they have had years to fix the leaks.';
    const raw = [MENU, LONG_A, LONG_B, LONG_C, '12 Comments', '- Dave', comment, 'Reply', FOOTER].join('\n');
    const { paragraphs, dropped } = cleanText(raw);
    expect(paragraphs).toEqual([LONG_A, LONG_B, LONG_C]);
    expect(dropped).toContainEqual({ line: comment, rule: 'comments' });
  });

  it('keeps a clean article whole, its lists of names and results included', () => {
    const raw = [
      'Cup final: United 2-1 City',
      LONG_A,
      'United: Smith, Jones, Patel, Okafor, Brown, Lee, Novak, Diaz, Kane, Ruiz, Moreau.',
      'Subs not used: Hall, Young.',
      'Goals: Kane 12, Diaz 77.',
      'Attendance: 41,212',
    ];
    expect(cleanText(raw.join('\n')).paragraphs).toEqual(raw);
  });

  it('reports every dropped line with a documented rule name, and loses no line', () => {
    for (const name of ['wire-story', 'blog-comments', 'repeated-block', 'captions']) {
      const { raw } = fixture(name);
      const { paragraphs, dropped } = cleanText(raw);
      for (const d of dropped) expect(RULES).toContain(d.rule);
      const lines = raw.split('\n').filter((l) => l.trim() !== '');
      expect(paragraphs.length + dropped.length).toBe(lines.length);
    }
  });

  it('gives no paragraphs for empty or blank input', () => {
    expect(cleanText('')).toEqual({ paragraphs: [], dropped: [] });
    expect(cleanText('\n \r\n\t\n')).toEqual({ paragraphs: [], dropped: [] });
  });

  it('keeps a brief item of short sentences when a credit line is all the page furniture', () => {
    const raw =
      'Floods closed the main road into town on Tuesday, police said.\nResidents were told to avoid the area.\nSource: Valley Courier\n';
    expect(cleanText(raw).paragraphs).toEqual([
      'Floods closed the main road into town on Tuesday, police said.',
      'Residents were told to avoid the area.',
    ]);
  });
});

/**
 * The page text of a default corpus article (the project ships them): the front-matter block the
 * corpus file starts with is the loader's business, not the cleaner's, and is cut off here.
 */
function defaultArticle(file: string): string {
  const text = readFileSync(path.join(here, '..', '..', 'index-data', 'articles', file), 'utf8');
  return text.replace(/^---\r?\n[\s\S]*?\r?\n---\r?\n/, '');
}

const PAGE_WITH_PLAYER = defaultArticle('000_55944bb53692d394.txt');
const PAGE_WITH_CAPTIONS = defaultArticle('002_2415d7d0c8b47aa8.txt');

describe('cleanText on the default article with a player', () => {
  const { paragraphs, dropped } = cleanText(PAGE_WITH_PLAYER ?? '');

  it('keeps the 15 article paragraphs, each once, and nothing else', () => {
    expect(paragraphs).toHaveLength(15);
    expect(new Set(paragraphs).size).toBe(15);
    expect(paragraphs[0]).toMatch(/^Russia has accused two British diplomats of spying/);
    expect(paragraphs.at(-1)).toBe('Russia has denied any involvement.');
    for (const p of paragraphs) expect(p).toMatch(/[.”]$/);
  });

  it('drops the player, the newsletter box, the related lists and the cookie notice', () => {
    const rules = new Set(dropped.map((d) => d.rule));
    for (const rule of ['player', 'newsletter', 'related', 'cookie', 'duplicate', 'source']) {
      expect(rules).toContain(rule);
    }
    expect(paragraphs.join('\n')).not.toMatch(/Play Video|Newsletter|Most popular|cookies|Source:/);
  });
});

describe('cleanText on the default article with captions', () => {
  const { paragraphs, dropped } = cleanText(PAGE_WITH_CAPTIONS ?? '');

  it('drops captions and credits and keeps the 17 article paragraphs', () => {
    expect(paragraphs).toHaveLength(17);
    expect(dropped.map((d) => d.rule).sort()).toEqual(['caption', 'caption', 'caption', 'credit']);
    const text = paragraphs.join('\n');
    expect(text).not.toMatch(/GETTY|u200b|police officer patrols|Vladimir PutinVladimir/);
  });
});

describe('findSourceLine', () => {
  it('returns the publisher of a trailing "Source:" line', () => {
    expect(findSourceLine(fixture('captions').raw)).toBe('Coastal Gazette');
  });

  it('returns the first name when the line credits agencies as well', () => {
    expect(findSourceLine(`${LONG_A}\nSource: Example Times and news agencies\n`)).toBe('Example Times');
  });

  it('returns the last "Source:" line when a page repeats it', () => {
    expect(findSourceLine(fixture('repeated-block').raw)).toBe('News agencies');
  });

  it('returns undefined when the page names no source at its end', () => {
    expect(findSourceLine(fixture('wire-story').raw)).toBeUndefined();
    expect(findSourceLine(`Source: Example Times\n${`${LONG_A}\n`.repeat(50)}`)).toBeUndefined();
    expect(findSourceLine('')).toBeUndefined();
  });
});
