/**
 * The grammar of what may follow a prefix: from a GBNF grammar G and text p, a grammar for
 * { s | p + s is a sentence of G }. llama.cpp constrains only the tokens it generates, so to complete
 * a statement the user has begun, the schema grammar must be started from where the statement is.
 *
 * The recognizer follows llama.cpp's own: a parse state is a stack of positions inside rule
 * alternatives, each the next element to match. After the prefix, every live stack reads as a
 * sequence ("the rest of this alternative, then the rest of the one below…"), so the continuation
 * grammar is the union of those sequences over the original rules.
 */
export type CharElement = { kind: 'char'; ranges: [number, number][]; negated: boolean };
export type Element = CharElement | { kind: 'ref'; rule: string };
export type Alternative = Element[];

export interface ParsedGrammar {
  rules: Map<string, Alternative[]>;
}

interface Position {
  rule: string;
  alt: number;
  index: number;
}

type Stack = Position[];

/** Beyond this many parse states the prefix is too ambiguous to be worth a grammar. */
const MAX_STACKS = 2000;
const MAX_DEPTH = 400;

export class GrammarParseError extends Error {
  readonly code = 'grammar-parse-error';
}

export function parseGbnf(text: string): ParsedGrammar {
  const rules = new Map<string, Alternative[]>();
  const definitions = text.split(/\n(?=[a-zA-Z0-9-]+\s*::=)/);
  // Names for groups and repetitions that no rule of the text has.
  const names = { next: 0, taken: new Set(definitions.map((d) => /^\s*([a-zA-Z0-9-]+)\s*::=/.exec(d)?.[1])) };
  for (const definition of definitions) {
    const trimmed = definition.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const match = /^([a-zA-Z0-9-]+)\s*::=([\s\S]*)$/.exec(trimmed);
    if (!match) throw new GrammarParseError(`not a GBNF rule: ${trimmed.slice(0, 60)}`);
    const parser = new BodyParser(match[2]!, rules, names);
    rules.set(match[1]!, parser.parseAlternatives(true));
  }
  if (!rules.has('root')) throw new GrammarParseError('the grammar has no root rule');
  return { rules };
}

class BodyParser {
  private at = 0;

  constructor(
    private readonly text: string,
    private readonly rules: Map<string, Alternative[]>,
    private readonly names: { next: number; taken: Set<string | undefined> },
  ) {}

  /** A rule for a group or repetition; `build` gets its name, so a rule can refer to itself. */
  private addRule(build: Alternative[] | ((self: Element) => Alternative[])): string {
    let name = `aux-${this.names.next++}`;
    while (this.names.taken.has(name)) name = `aux-${this.names.next++}`;
    this.rules.set(name, typeof build === 'function' ? build({ kind: 'ref', rule: name }) : build);
    return name;
  }

  parseAlternatives(top: boolean): Alternative[] {
    const alternatives: Alternative[] = [this.parseSequence()];
    while (this.peek() === '|') {
      this.at++;
      alternatives.push(this.parseSequence());
    }
    if (top && this.skipSpace() < this.text.length) throw new GrammarParseError(`unexpected "${this.text.slice(this.at, this.at + 20)}"`);
    return alternatives;
  }

  private parseSequence(): Alternative {
    const sequence: Alternative = [];
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === '|' || c === ')') return sequence;
      const term = this.parseTerm();
      sequence.push(...this.parseRepetition(term));
    }
  }

  private parseTerm(): Element[] {
    const c = this.text[this.at]!;
    if (c === '"') return [...this.parseString()].map((ch) => char(ch));
    if (c === '[') return [this.parseClass()];
    if (c === '.') {
      this.at++;
      return [{ kind: 'char', ranges: [[10, 10]], negated: true }];
    }
    if (c === '(') {
      this.at++;
      const alternatives = this.parseAlternatives(false);
      if (this.peek() !== ')') throw new GrammarParseError('a group is not closed');
      this.at++;
      return [{ kind: 'ref', rule: this.addRule(alternatives) }];
    }
    const name = /^[a-zA-Z0-9-]+/.exec(this.text.slice(this.at))?.[0];
    if (!name) throw new GrammarParseError(`unexpected "${this.text.slice(this.at, this.at + 20)}"`);
    this.at += name.length;
    return [{ kind: 'ref', rule: name }];
  }

  /** `*`, `+`, `?` and `{m,n}` become rules, as llama.cpp rewrites them. */
  private parseRepetition(term: Element[]): Element[] {
    const c = this.text[this.at];
    let min: number;
    let max: number | null;
    if (c === '*' || c === '+' || c === '?') {
      this.at++;
      [min, max] = c === '*' ? [0, null] : c === '+' ? [1, null] : [0, 1];
    } else if (c === '{') {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.text.slice(this.at));
      if (!match) throw new GrammarParseError('a malformed {m,n}');
      this.at += match[0].length;
      min = Number(match[1]);
      max = match[2] === undefined ? min : match[3] ? Number(match[3]) : null;
    } else {
      return term;
    }
    const out: Element[] = [];
    for (let i = 0; i < min; i++) out.push(...term);
    if (max === null) {
      out.push({ kind: 'ref', rule: this.addRule((self) => [[...term, self], []]) });
    } else {
      // Optional copies nest: (x (x (x)?)?)? — each one may stop the repetition.
      let tail: Element[] = [];
      for (let i = min; i < max; i++) tail = [{ kind: 'ref', rule: this.addRule([[...term, ...tail], []]) }];
      out.push(...tail);
    }
    return out;
  }

  private parseString(): string {
    this.at++;
    let out = '';
    while (this.at < this.text.length && this.text[this.at] !== '"') out += this.readChar();
    if (this.text[this.at] !== '"') throw new GrammarParseError('a string is not closed');
    this.at++;
    return out;
  }

  private parseClass(): CharElement {
    this.at++;
    const negated = this.text[this.at] === '^';
    if (negated) this.at++;
    const ranges: [number, number][] = [];
    while (this.at < this.text.length && this.text[this.at] !== ']') {
      const low = this.readChar().codePointAt(0)!;
      if (this.text[this.at] === '-' && this.text[this.at + 1] !== ']') {
        this.at++;
        ranges.push([low, this.readChar().codePointAt(0)!]);
      } else {
        ranges.push([low, low]);
      }
    }
    if (this.text[this.at] !== ']') throw new GrammarParseError('a character class is not closed');
    this.at++;
    return { kind: 'char', ranges, negated };
  }

  private readChar(): string {
    const c = this.text[this.at]!;
    if (c !== '\\') {
      const code = this.text.codePointAt(this.at)!;
      this.at += code > 0xffff ? 2 : 1;
      return String.fromCodePoint(code);
    }
    const e = this.text[this.at + 1];
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', ']': ']', '[': '[', '-': '-', '/': '/', b: '\b', f: '\f' };
    if (e !== undefined && e in simple) {
      this.at += 2;
      return simple[e]!;
    }
    const hex = /^\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))/.exec(this.text.slice(this.at));
    if (!hex) throw new GrammarParseError(`an unknown escape \\${e}`);
    this.at += hex[0].length;
    return String.fromCodePoint(parseInt(hex[1] ?? hex[2] ?? hex[3]!, 16));
  }

  private peek(): string | undefined {
    this.skipSpace();
    return this.text[this.at];
  }

  private skipSpace(): number {
    for (;;) {
      while (this.at < this.text.length && /\s/.test(this.text[this.at]!)) this.at++;
      if (this.text[this.at] !== '#') return this.at;
      while (this.at < this.text.length && this.text[this.at] !== '\n') this.at++;
    }
  }
}

function char(ch: string): CharElement {
  const code = ch.codePointAt(0)!;
  return { kind: 'char', ranges: [[code, code]], negated: false };
}

function matches(element: CharElement, code: number): boolean {
  const inside = element.ranges.some(([low, high]) => code >= low && code <= high);
  return inside !== element.negated;
}

/** Stacks whose top is a character to match, or empty (the sentence may end here). */
function expand(grammar: ParsedGrammar, stack: Stack, out: Map<string, Stack>, depth = 0): void {
  if (out.size > MAX_STACKS) return;
  if (depth > MAX_DEPTH) throw new GrammarParseError('the grammar recurses without consuming text (left recursion)');
  const top = stack[stack.length - 1];
  if (!top) {
    out.set('', stack);
    return;
  }
  const alternative = grammar.rules.get(top.rule)![top.alt]!;
  if (top.index === alternative.length) {
    expand(grammar, stack.slice(0, -1), out, depth + 1);
    return;
  }
  const element = alternative[top.index]!;
  if (element.kind === 'char') {
    out.set(keyOf(stack), stack);
    return;
  }
  const alternatives = grammar.rules.get(element.rule);
  if (!alternatives) throw new GrammarParseError(`the rule ${element.rule} is not defined`);
  const parent = { ...top, index: top.index + 1 };
  // A parent with nothing left after the reference is dropped, as llama.cpp does: right recursion stays flat.
  const below = parent.index === alternative.length ? stack.slice(0, -1) : [...stack.slice(0, -1), parent];
  alternatives.forEach((_, alt) => expand(grammar, [...below, { rule: element.rule, alt, index: 0 }], out, depth + 1));
}

function keyOf(stack: Stack): string {
  return stack.map((p) => `${p.rule}:${p.alt}:${p.index}`).join('/');
}

/** The parse states after reading `text` from `root`; an empty list means the grammar does not allow it. */
export function statesAfter(grammar: ParsedGrammar, text: string): Stack[] {
  return [...step(grammar, initialStates(grammar), text, () => undefined).values()];
}

function initialStates(grammar: ParsedGrammar): Map<string, Stack> {
  const states = new Map<string, Stack>();
  grammar.rules.get('root')!.forEach((_, alt) => expand(grammar, [{ rule: 'root', alt, index: 0 }], states));
  return states;
}

/** Reads `text` character by character; `onChar` hears, after each one, whether a sentence could end there. */
function step(grammar: ParsedGrammar, start: Map<string, Stack>, text: string, onChar: (index: number, canEnd: boolean) => void): Map<string, Stack> {
  let states = start;
  let index = 0;
  for (const ch of text) {
    const next = advance(grammar, states, ch);
    if (next.size === 0 || next.size > MAX_STACKS) return new Map();
    states = next;
    index += ch.length;
    onChar(index, states.has(''));
  }
  return states;
}

/** The parse states after one more character. */
function advance(grammar: ParsedGrammar, states: Map<string, Stack>, ch: string): Map<string, Stack> {
  const code = ch.codePointAt(0)!;
  const next = new Map<string, Stack>();
  for (const stack of states.values()) {
    const top = stack[stack.length - 1];
    if (!top) continue;
    const element = grammar.rules.get(top.rule)![top.alt]![top.index] as CharElement;
    if (matches(element, code)) expand(grammar, [...stack.slice(0, -1), { ...top, index: top.index + 1 }], next);
  }
  return next;
}

/**
 * Where the longest complete sentence ends in `text`, read after `prefix`: a generation cut off by
 * its token limit is cut back to there. Null when no sentence ends inside it.
 */
export function lastSentenceEnd(grammar: ParsedGrammar, prefix: string, text: string): number | null {
  const afterPrefix = step(grammar, initialStates(grammar), prefix, () => undefined);
  let last: number | null = null;
  step(grammar, afterPrefix, text, (index, canEnd) => {
    if (canEnd) last = index;
  });
  return last;
}

export interface GrammarCheck {
  accepted: boolean;
  /** The offset of the first character the grammar refuses (the text's length when it stops short of a whole sentence); null when accepted. */
  at: number | null;
  /** `refused`: no reading allows the character at `at`; `incomplete`: the text ends mid-sentence; `ambiguous`: too many readings to follow. */
  reason?: 'refused' | 'incomplete' | 'ambiguous';
}

/** Whether `text` is a whole sentence, and if not, where and why the grammar stops it. */
export function checkSentence(grammar: ParsedGrammar, text: string): GrammarCheck {
  let states = initialStates(grammar);
  let index = 0;
  for (const ch of text) {
    const next = advance(grammar, states, ch);
    if (next.size === 0) return { accepted: false, at: index, reason: 'refused' };
    if (next.size > MAX_STACKS) return { accepted: false, at: index, reason: 'ambiguous' };
    states = next;
    index += ch.length;
  }
  return states.has('') ? { accepted: true, at: null } : { accepted: false, at: text.length, reason: 'incomplete' };
}

/** Whether `text` is a whole sentence of the grammar. */
export function acceptsSentence(grammar: ParsedGrammar, text: string): boolean {
  return statesAfter(grammar, text).some((stack) => stack.length === 0);
}

/**
 * The GBNF of what may follow `prefix`, or null when the grammar does not allow the prefix (the
 * user wrote SQL the grammar cannot express) or allows too many readings of it.
 */
export function continueGrammar(grammarText: string | ParsedGrammar, prefix: string): string | null {
  const grammar = typeof grammarText === 'string' ? parseGbnf(grammarText) : grammarText;
  const states = statesAfter(grammar, prefix);
  if (states.length === 0) return null;
  const restRules = new Map<string, string>();
  const restOf = (position: Position): string => {
    const name = `rest-${position.rule}-${position.alt}-${position.index}`;
    if (!restRules.has(name)) {
      const elements = grammar.rules.get(position.rule)![position.alt]!.slice(position.index);
      restRules.set(name, `${name} ::= ${renderSequence(elements)}`);
    }
    return name;
  };
  const ways = states.map((stack) => (stack.length === 0 ? '""' : [...stack].reverse().map(restOf).join(' ')));
  const lines = [`root ::= ${[...new Set(ways)].join(' | ')}`, ...restRules.values()];
  for (const [name, alternatives] of grammar.rules) {
    if (name !== 'root') lines.push(`${name} ::= ${alternatives.map(renderSequence).join(' | ')}`);
  }
  return `${lines.join('\n')}\n`;
}

function renderSequence(elements: Element[]): string {
  if (elements.length === 0) return '""';
  const parts: string[] = [];
  let literal = '';
  const flush = () => {
    if (literal) parts.push(JSON.stringify(literal));
    literal = '';
  };
  for (const element of elements) {
    if (element.kind === 'char' && !element.negated && element.ranges.length === 1 && element.ranges[0]![0] === element.ranges[0]![1]) {
      literal += String.fromCodePoint(element.ranges[0]![0]);
    } else {
      flush();
      parts.push(element.kind === 'ref' ? element.rule : renderClass(element));
    }
  }
  flush();
  return parts.join(' ');
}

function renderClass(element: CharElement): string {
  const one = (code: number) => {
    const ch = String.fromCodePoint(code);
    if (ch === ']' || ch === '\\' || ch === '-' || ch === '^' || ch === '[') return `\\${ch}`;
    if (code < 32 || code === 127) return `\\x${code.toString(16).padStart(2, '0')}`;
    return ch;
  };
  const body = element.ranges.map(([low, high]) => (low === high ? one(low) : `${one(low)}-${one(high)}`)).join('');
  return `[${element.negated ? '^' : ''}${body}]`;
}
