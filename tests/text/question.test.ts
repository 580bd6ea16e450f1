import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/text/analyzer.js';
import { findAnswerCues, readQuestion, stripDateline } from '../../src/text/question.js';

describe('readQuestion', () => {
  it.each([
    ['How long do the diplomats have to leave Russia?', 'duration'],
    ['In what year did Time Warner restate its results?', 'date'],
    ['On what date was the ceasefire signed?', 'date'],
    ['When will the Bank of England raise rates?', 'date'],
    ['Who ordered the expulsions?', 'person'],
    ['Whose government collapsed?', 'person'],
    ['To whom did the minister apologise?', 'person'],
    ['How many subscribers did AOL lose?', 'number'],
    ['How much did the Senate bill cost?', 'number'],
    ['How fast does the Concorde fly?', 'number'],
    ['How deep is the harbour at low tide?', 'number'],
    ['How early will the polls open?', 'date'],
    ['What percentage of voters backed the deal?', 'number'],
    ['What is the population of Gdańsk?', 'number'],
    ['What was the average cost of a 30-second advert?', 'number'],
    ["What was the chief executive's annual salary?", 'number'],
    ['What temperature did the city reach on Tuesday?', 'number'],
    ['What was the Stone Age known for?', 'definition'],
    ['Where did the summit take place?', 'place'],
    ['Which country hosted the talks?', 'place'],
    ['Why were the diplomats expelled?', 'reason'],
    ['What caused the outage at the airport?', 'reason'],
    ['How did Moscow respond to the sanctions?', 'manner'],
    ['What is quantitative easing?', 'definition'],
    ["What's a windfall tax?", 'definition'],
    ['What is a quantitative easing programme?', 'definition'],
    ['What is the name of the band’s new drummer?', 'other'],
    ['What is the Harbour Bank’s main interest rate now?', 'other'],
    ['Which company bought the Chelsea stake?', 'organization'],
    ['Which organisation ran the vaccine trial?', 'organization'],
    ['Which NFL team won the Super Bowl?', 'organization'],
    ['What Russian city hosted the talks?', 'place'],
    ['What is team spirit?', 'definition'],
    ['What did the Kremlin say about the expulsions?', 'other'],
    ['When the strike ended, who replaced the union leader?', 'person'],
    ['When the talks failed, which country left first?', 'place'],
    ['When did the strike end, and who paid for it?', 'date'],
    ['What modern-day country was the painter born in?', 'place'],
    ['Near what present day city did the settlers land?', 'place'],
    ['Tell me about the Time Warner results', 'other'],
    ['Russia expels diplomats', 'other'],
  ])('reads "%s" as asking for a %s', (question, type) => {
    expect(readQuestion(question).answerType).toBe(type);
  });

  it('reads the question word before dropping it, and drops the words that named the type', () => {
    const read = readQuestion('How long do the diplomats have to leave Russia?');
    expect(read.terms.map((t) => t.term)).toEqual(['diplomat', 'leav', 'russia']);
    expect(readQuestion('In what year did AOL lose subscribers?').terms.map((t) => t.term)).toEqual([
      'aol',
      'lose',
      'subscrib',
    ]);
  });

  it('drops the words that say how the answer is asked for ("what type of", "the name of", "what term")', () => {
    const terms = (q: string) => readQuestion(q).terms.map((t) => t.term);
    expect(terms('What type of engine powers the new train?')).toEqual(['engin', 'power', 'new', 'train']);
    expect(terms('What is the name of the band’s new drummer?')).toEqual(['band', 'new', 'drummer']);
    expect(terms('What term describes a fall in prices?')).toEqual(['describ', 'fall', 'price']);
    // Elsewhere they are words like any other.
    expect(terms('Which name did the band choose?')).toContain('name');
    expect(terms('How long is the term of office?')).toContain('term');
  });

  it('gives the same terms as the analyzer gives documents', () => {
    const question = 'Why did Russia expel the U.S. diplomats in a tit-for-tat move?';
    expect(readQuestion(question).terms.map((t) => t.term)).toEqual(analyze(question));
  });

  it('marks capitalised words after the first as names', () => {
    const { terms } = readQuestion('Why did Time Warner restate its results?');
    expect(terms).toEqual([
      { term: 'time', weightHint: 1.5 },
      { term: 'warner', weightHint: 1.5 },
      { term: 'restat' },
      { term: 'result' },
    ]);
  });

  it('keeps the question as asked', () => {
    expect(readQuestion('  Who won?  ').raw).toBe('  Who won?  ');
  });

  it('reads an empty question as other with no terms', () => {
    expect(readQuestion('')).toEqual({ terms: [], answerType: 'other', raw: '' });
    expect(readQuestion('Who?').terms).toEqual([]);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        const read = readQuestion(text);
        expect(read.raw).toBe(text);
      }),
    );
  });
});

describe('findAnswerCues', () => {
  it('finds a duration, a number, a date and names', () => {
    expect(
      findAnswerCues('Russia gave the diplomats two weeks to leave, the Kremlin said on Monday.'),
    ).toEqual({
      hasYear: false,
      hasDate: true,
      hasNumber: true,
      hasDuration: true,
      properNames: ['Russia', 'Kremlin'],
      hasPlaceCue: false,
      values: ['russia', 'kremlin', '2 week'],
    });
  });

  it('gives an amount of time the same value however it is written', () => {
    const value = (t: string) => findAnswerCues(t).values.filter((v) => v.includes(' '));
    expect(value('They have two weeks to leave.')).toEqual(['2 week']);
    expect(value('They have 2 weeks to leave.')).toEqual(['2 week']);
    expect(value('A 2-week deadline, then a decade of talks.')).toEqual(['2 week', '1 decade']);
  });

  it('gives figures and names as values that match across wordings of the same fact', () => {
    const a = findAnswerCues('Time Warner said profits rose to $1.13bn, with 1,000 jobs cut at AOL.');
    const b = findAnswerCues('Profits at AOL’s owner rose to 1.13bn dollars; 1000 jobs went.');
    expect(a.values).toEqual(['1.13bn', '1000', 'time warner', 'aol']);
    expect(b.values).toEqual(expect.arrayContaining(['1.13bn', '1000', 'aol']));
  });

  it('finds years but not amounts that look like years', () => {
    expect(findAnswerCues('TimeWarner restated its 2000 and 2003 results.').hasYear).toBe(true);
    expect(findAnswerCues('Sales grew in the 1990s.').hasYear).toBe(true);
    expect(findAnswerCues('Profits rose by $2000, or 2000%, on 1,000 units.').hasYear).toBe(false);
  });

  it('finds durations written with figures, words and hyphens', () => {
    for (const s of [
      'He was jailed for 19 years.',
      'They have 48 hours to leave.',
      'a 10-year deal',
      'It took a decade.',
    ]) {
      expect(findAnswerCues(s).hasDuration).toBe(true);
    }
    expect(findAnswerCues('Shares rose 19% in the year to March.').hasDuration).toBe(false);
  });

  it('finds number words as numbers', () => {
    expect(findAnswerCues('Dozens of protesters were arrested.').hasNumber).toBe(true);
    expect(findAnswerCues('Protesters were arrested.').hasNumber).toBe(false);
  });

  it('reads capitalised months and weekdays as dates, not the verb "march"', () => {
    expect(findAnswerCues('The vote is in March.').hasDate).toBe(true);
    expect(findAnswerCues('Thousands will march on Parliament.').hasDate).toBe(false);
    expect(findAnswerCues('The rally was held yesterday.').hasDate).toBe(true);
  });

  it('reads May as a month only beside a number or after "in"', () => {
    expect(findAnswerCues('The election is on 5 May.').hasDate).toBe(true);
    expect(findAnswerCues('The election was called in May.').hasDate).toBe(true);
    expect(findAnswerCues('Theresa May resigned.').hasDate).toBe(false);
  });

  it('gives runs of capitalised words as names, without leading stop words, months or possessives', () => {
    expect(
      findAnswerCues('The Kremlin said Mr Putin’s envoy met Theresa May in January.').properNames,
    ).toEqual(['Kremlin', 'Putin', 'Theresa May']);
  });

  it('sees a place preposition before a name, but not before a month', () => {
    expect(findAnswerCues('The talks were held in Geneva.').hasPlaceCue).toBe(true);
    expect(findAnswerCues('The talks were held in January.').hasPlaceCue).toBe(false);
    expect(findAnswerCues('Fighting continued near the border.').hasPlaceCue).toBe(true);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        expect(Array.isArray(findAnswerCues(text).properNames)).toBe(true);
      }),
    );
  });
});

describe('stripDateline', () => {
  it('drops the place, date and agency a wire story was filed with', () => {
    expect(stripDateline('LONDON, Feb 6 (Reuters) - The bank raised rates.')).toBe('The bank raised rates.');
    expect(stripDateline('NANJING , December <num> -LRB- Xinhua -RRB- -- Scientists shot pictures.')).toBe(
      'Scientists shot pictures.',
    );
    expect(stripDateline('WASHINGTON (AP) — The Senate voted.')).toBe('The Senate voted.');
  });

  it('keeps a sentence that opens with no dateline', () => {
    const text = 'The comet was first spotted on July 23, 1995, by two astronomers.';
    expect(stripDateline(text)).toBe(text);
    expect(stripDateline('Hale-Bopp - the comet of the decade - came back.')).toBe(
      'Hale-Bopp - the comet of the decade - came back.',
    );
  });

  it('does not let the filing date count as a date the sentence gives', () => {
    expect(findAnswerCues('LONDON, Feb 6 (Reuters) - The bank raised rates again.').hasDate).toBe(false);
    expect(findAnswerCues('The bank raised rates on Feb 6.').hasDate).toBe(true);
  });
});
