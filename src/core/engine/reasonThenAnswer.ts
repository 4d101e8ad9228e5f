import type { ReasoningShape } from '../protocol/modelServerMethods';

/** One free-text step of the thinking: its text, its tokens, and why it stopped. */
export interface ThinkingStep {
  text: string;
  tokens: number;
  /** At the marker it was sent to; out of budget; or the model ended there (end of text). */
  ended: 'marker' | 'budget' | 'end';
}

/** How an engine takes the two kinds of step; `thought` is the text so far, to go on from. */
export interface ReasoningSteps<A> {
  think(thought: string, budget: number, marker: string): Promise<ThinkingStep>;
  /** The answer from the fence on, under the grammar; `closing` is a stop string where there is no grammar to end the block. */
  answer(thought: string, closing: string | null): Promise<A>;
}

export type Reasoned<A> =
  | { kind: 'answered'; thought: string; thinkingTokens: number; fenceForced: boolean; answer: A }
  /** The model ended its text before the fence: there is no answer to constrain. */
  | { kind: 'ended'; thought: string; thinkingTokens: number };

/**
 * Reason, then answer, as both the local and the remote engine run it: free text up to each marker in
 * turn (the end of the thinking, then the opening fence), all within one budget, each marker written
 * for the model when its budget runs out first; then the answer from the fence on, under the grammar.
 * A grammar whose first part is free text would have the engine check every token of the thinking
 * against it; a fence inside the thinking (before `after`) is a draft, not the answer.
 */
export async function reasonThenAnswer<A>(shape: ReasoningShape, hasGrammar: boolean, steps: ReasoningSteps<A>): Promise<Reasoned<A>> {
  let thought = '';
  let thinkingTokens = 0;
  let forced = false;
  for (const marker of [...(shape.after ? [shape.after] : []), shape.open]) {
    const budget = shape.thinkingTokens - thinkingTokens;
    const part = budget > 0 ? await steps.think(thought, budget, marker) : null;
    thought += part?.text ?? '';
    thinkingTokens += part?.tokens ?? 0;
    if (part?.ended === 'end') return { kind: 'ended', thought, thinkingTokens };
    const reached = part?.ended === 'marker';
    forced ||= !reached;
    thought += reached ? marker : `\n${marker}`;
  }
  thought += '\n';
  const answer = await steps.answer(thought, hasGrammar ? null : shape.close);
  return { kind: 'answered', thought, thinkingTokens, fenceForced: forced, answer };
}
