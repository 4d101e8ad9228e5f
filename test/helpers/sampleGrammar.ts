import type { ParsedGrammar } from '../../src/core/sql/continueGrammar';

/** A random sentence of a parsed GBNF grammar: what a model constrained by it could write. */
export function sampleSentence(grammar: ParsedGrammar, random: () => number, rule = 'root', depth = 0): string {
  const alternatives = grammar.rules.get(rule)!;
  // Deep down, the shortest alternative, so optional repetitions end.
  const alternative =
    depth > 12 ? [...alternatives].sort((a, b) => a.length - b.length)[0]! : alternatives[Math.floor(random() * alternatives.length)]!;
  let out = '';
  for (const element of alternative) {
    if (element.kind === 'ref') out += sampleSentence(grammar, random, element.rule, depth + 1);
    else if (!element.negated) {
      const [low, high] = element.ranges[Math.floor(random() * element.ranges.length)]!;
      out += String.fromCodePoint(low + Math.floor(random() * (high - low + 1)));
    } else out += 'x';
  }
  return out;
}
