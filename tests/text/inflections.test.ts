import { describe, expect, it } from 'vitest';
import { stem } from '../../src/text/analyzer.js';
import { otherForms } from '../../src/text/inflections.js';

describe('otherForms', () => {
  it('joins the forms of irregular verbs and plurals the stemmer leaves apart', () => {
    expect(otherForms(stem('won'))).toContain(stem('win'));
    expect(otherForms(stem('win'))).toContain(stem('won'));
    expect(otherForms(stem('wrote'))).toEqual(expect.arrayContaining([stem('write'), stem('written')]));
    expect(otherForms(stem('taught'))).toContain(stem('teach'));
    expect(otherForms(stem('children'))).toContain(stem('child'));
    expect(otherForms(stem('criteria'))).toContain(stem('criterion'));
  });

  it('knows nothing of regular words, names, or forms that are as often another word', () => {
    expect(otherForms(stem('played'))).toEqual([]);
    expect(otherForms('kyiv')).toEqual([]);
    expect(otherForms(stem('found'))).toEqual([]);
    expect(otherForms(stem('left'))).toEqual([]);
    expect(otherForms('')).toEqual([]);
  });
});
