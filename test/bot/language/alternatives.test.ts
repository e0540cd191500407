import { describe, expect, it } from 'vitest';
import { applyChange, keepParsing, replaceWords } from '../../../src/bot/language/alternatives.js';

describe('replaceWords', () => {
  it.each([
    ['every day at 9 IST', 'IST', 'Europe/Dublin', 'every day at 9 Europe/Dublin'],
    ['every day at 9 ist', 'IST', 'Europe/Dublin', 'every day at 9 Europe/Dublin'],
    ['cron "* 9 * * *" tz UTC', '* 9 * * *', '0 9 * * *', 'cron "0 9 * * *" tz UTC'],
    ['at 9, on weekdays', '9', '9pm', 'at 9pm, on weekdays'],
  ])('replaces the words in %j', (source, words, replacement, expected) => {
    expect(replaceWords(source, words, replacement)).toBe(expected);
  });

  it.each([
    ['at 9 and 9', '9'],
    ['on the 19th at 9am', '9'],
    ['every day', 'IST'],
    ['every day', ''],
  ])('finds no single run of words in %j', (source, words) => {
    expect(replaceWords(source, words, 'x')).toBeNull();
  });
});

describe('applyChange', () => {
  it('adds words at the end', () => {
    const change = { meaning: '09:00', words: null, replacement: 'at 9am' };
    expect(applyChange('every monday', change)).toEqual({
      meaning: '09:00',
      text: 'every monday at 9am',
    });
  });

  it('gives nothing for words that are not there', () => {
    const change = { meaning: 'Irish time', words: 'IST', replacement: 'Europe/Dublin' };
    expect(applyChange('every monday', change)).toBeNull();
  });
});

describe('keepParsing', () => {
  it('keeps the texts that parse, each once', () => {
    const alternatives = [
      { meaning: 'a', text: 'good' },
      { meaning: 'b', text: 'bad' },
      { meaning: 'c', text: 'good' },
    ];
    expect(keepParsing(alternatives, (text) => text === 'good')).toEqual([
      { meaning: 'a', text: 'good' },
    ]);
  });
});
