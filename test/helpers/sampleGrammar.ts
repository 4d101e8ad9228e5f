import assert from 'node:assert/strict';
import type { LanguageModel } from '../../src/core/engine/LanguageModel';
import type { GenerateParams } from '../../src/core/protocol/modelServerMethods';
import { checkSentence, parseGbnf, type ParsedGrammar } from '../../src/core/sql/continueGrammar';

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

/**
 * Has llama.cpp write under a grammar with several seeds and checks every answer against Quarry's
 * own recognizer of it: a whole answer is a sentence, one cut at the token budget a prefix of one.
 */
export async function assertLlamaWritesWithinGrammar(
  engine: Pick<LanguageModel, 'generate'>,
  prompt: Omit<GenerateParams, 'grammar' | 'maxTokens' | 'temperature' | 'seed'>,
  grammar: string,
  seeds: number,
): Promise<void> {
  const parsed = parseGbnf(grammar);
  for (let seed = 0; seed < seeds; seed++) {
    const answer = await engine.generate({ ...prompt, grammar, maxTokens: 80, temperature: 1, seed });
    const check = checkSentence(parsed, answer.text);
    if (answer.stopReason === 'maxTokens') assert.notEqual(check.reason, 'refused', answer.text);
    else assert.equal(check.accepted, true, answer.text);
  }
}
