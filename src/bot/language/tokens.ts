// Splits a phrase into lowercase words, keeping where each came from so that an error can quote
// the part of the user's text that could not be read.

export interface Token {
  /** The word lowercased and normalised: `a.m.` is `am`, `@` is `at`, a comma is `and`. */
  text: string;
  start: number;
  end: number;
}

const CLOCK = /^\d{1,2}(?::\d{2})?(?:am|pm)?$/;

function normalise(word: string): string {
  return word
    .toLowerCase()
    .replace(/[–—]/g, '-')
    .replace(/\b([ap])\.m\.?/g, '$1m')
    .replace(/[.;!?]+$/, '');
}

function pushWord(tokens: Token[], word: string, start: number): void {
  let text = normalise(word);
  const end = start + word.length;
  // `@every 5m` is the interval of Go's cron packages, and reads as `every 5m`.
  if (text === '@every') text = 'every';
  // `@2am` and `@ 2am` are `at 2am`; `@daily` stays a cron macro.
  if (text.startsWith('@') && !/^@[a-z]+$/.test(text)) {
    tokens.push({ text: 'at', start, end: start + 1 });
    if (text.length > 1) tokens.push({ text: text.slice(1), start: start + 1, end });
    return;
  }
  // `9am-5pm` is a window from one time to another.
  const window = /^([^-]+)-([^-]+)$/.exec(text);
  if (window && CLOCK.test(window[1]!) && CLOCK.test(window[2]!) && /[:ap]/.test(text)) {
    const dash = start + window[1]!.length;
    tokens.push({ text: window[1]!, start, end: dash });
    tokens.push({ text: 'to', start: dash, end: dash + 1 });
    tokens.push({ text: window[2]!, start: dash + 1, end });
    return;
  }
  if (text !== '') tokens.push({ text, start, end });
}

/** Replaces typographic quotes, which chat clients insert, with ASCII ones of the same length. */
export function straightenQuotes(text: string): string {
  return text.replace(/[“”„]/g, '"').replace(/[‘’]/g, "'");
}

const TOKEN = /"[^"]*"|'[^']*'|`[^`]*`|[,&]|[^\s,&]+/g;

function isClosedQuote(word: string): boolean {
  return /^["'`]/.test(word) && word.length > 1 && word.at(-1) === word[0];
}

/**
 * Returns the position of a quote mark that opens a word and is never closed, or -1. An
 * apostrophe counts only before a digit, `*` or `@`, so that `'til 5pm` is not a quote.
 */
export function unclosedQuoteAt(source: string): number {
  for (const match of source.matchAll(TOKEN)) {
    const word = match[0];
    if (isClosedQuote(word)) continue;
    if (/^["`]/.test(word) || /^'[\d*@]/.test(word)) return match.index;
  }
  return -1;
}

/** Splits `source` into tokens. Commas and `&` become `and`. Quoted text stays one token. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  for (const match of source.matchAll(TOKEN)) {
    const word = match[0];
    const start = match.index;
    if (word === ',' || word === '&') tokens.push({ text: 'and', start, end: start + 1 });
    else if (isClosedQuote(word)) {
      tokens.push({ text: word, start, end: start + word.length });
    } else pushWord(tokens, word, start);
  }
  return tokens;
}

/** A position in a token list that clause parsers move forward, or put back when they fail. */
export class Cursor {
  index = 0;

  constructor(
    readonly tokens: readonly Token[],
    readonly source: string,
  ) {}

  get done(): boolean {
    return this.index >= this.tokens.length;
  }

  peek(offset = 0): string | undefined {
    return this.tokens[this.index + offset]?.text;
  }

  next(): string | undefined {
    const token = this.tokens[this.index];
    if (token !== undefined) this.index++;
    return token?.text;
  }

  /** Moves past the current word when it is one of `words`. */
  accept(...words: string[]): boolean {
    const word = this.peek();
    if (word === undefined || !words.includes(word)) return false;
    this.index++;
    return true;
  }

  /** Moves to the first token that starts at or after `position` in the source. */
  skipTo(position: number): void {
    while (!this.done && this.tokens[this.index]!.start < position) this.index++;
  }

  /** Moves past a sequence of words when all of them come next. */
  acceptAll(...words: string[]): boolean {
    for (let i = 0; i < words.length; i++) if (this.peek(i) !== words[i]) return false;
    this.index += words.length;
    return true;
  }

  /** The user's own text from token `from` up to the current token, or to the end. */
  quote(from: number, to = this.index): string {
    const first = this.tokens[from];
    const last = this.tokens[Math.max(from, Math.min(to, this.tokens.length) - 1)];
    if (first === undefined || last === undefined) return '';
    return this.source.slice(first.start, last.end);
  }

  /** The user's text from token `from` to the end of the phrase. */
  rest(from = this.index): string {
    return this.quote(from, this.tokens.length);
  }
}
