/**
 * Per-token cost of a grammar in llama.cpp, measured on the two paths node-llama-cpp takes when it
 * samples a token under a grammar:
 * - allowed: the model's own pick is allowed, so the grammar checks that one token and advances;
 *   this is what a model that writes SQL the grammar allows pays on almost every token;
 * - refused: the pick is refused, so llama.cpp checks every token of the vocabulary against every
 *   live parse stack before sampling again; this is what a model pays where it would invent a name.
 * The tiny random model is driven through real gold SQL (a per-step logit bias on the gold's next
 * token), so both paths are measured at the parse states of queries people write, and the text
 * generated is checked to be the gold itself. The refused path is forced by biasing the NUL byte
 * token above everything: llama.cpp refuses a NUL piece under any grammar.
 */
import type { Llama, LlamaCompletion, LlamaGrammar, LlamaModel, Token } from 'node-llama-cpp';

export type DecodingPath = 'allowed' | 'refused';

export interface ForcedDecoder {
  readonly llama: Llama;
  readonly model: LlamaModel;
  /**
   * Mean ms per generated token (the prompt excluded) over `sqls`, each driven token by token under
   * `grammar`; unless `anyText`, the text written must be the SQL itself (or what was measured is not it).
   */
  msPerToken(grammar: string | null, sqls: string[], path: DecodingPath, anyText?: boolean): Promise<number>;
  dispose(): Promise<void>;
}

const PROMPT = '-- SQL\n';
const FORCE_LOGIT = 50;
const REFUSED_LOGIT = 100;

export async function openForcedDecoder(modelPath: string, threads = 1): Promise<ForcedDecoder> {
  const { getLlama, LlamaCompletion, TokenBias } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: false });
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ contextSize: 2048, threads });
  const completion: LlamaCompletion = new LlamaCompletion({ contextSequence: context.getSequence() });
  const refusedToken = nulToken(model);
  const grammars = new Map<string, LlamaGrammar>();

  async function generateForced(grammar: LlamaGrammar | undefined, sql: string, path: DecodingPath): Promise<{ ms: number; steps: number; text: string }> {
    const forced = model.tokenize(sql, false, 'trimLeadingSpace');
    let step = 0;
    let last = 0;
    let ms = 0;
    const response = await completion.generateCompletionWithMeta(PROMPT, {
      grammar,
      maxTokens: forced.length,
      temperature: 1,
      seed: 1,
      // Called once per sampled token, so the time between two calls is one step (decode + sample + accept).
      tokenBias: () => {
        const now = performance.now();
        if (last) ms += now - last;
        last = now;
        const bias = new TokenBias(model.tokenizer);
        if (step < forced.length) bias.set(forced[step]!, { logit: FORCE_LOGIT });
        if (path === 'refused') bias.set(refusedToken, { logit: REFUSED_LOGIT });
        step++;
        return bias;
      },
    });
    return { ms, steps: step - 1, text: response.response };
  }

  return {
    llama,
    model,
    async msPerToken(grammarText, sqls, path, anyText = false) {
      let grammar: LlamaGrammar | undefined;
      if (grammarText) {
        grammar = grammars.get(grammarText) ?? (await llama.createGrammar({ grammar: grammarText }));
        grammars.set(grammarText, grammar);
      }
      let ms = 0;
      let steps = 0;
      for (const sql of sqls) {
        const run = await generateForced(grammar, sql, path);
        if (!anyText && run.text !== sql) throw new Error(`forced decoding wrote ${JSON.stringify(run.text)}, not ${JSON.stringify(sql)}`);
        ms += run.ms;
        steps += run.steps;
      }
      return ms / steps;
    },
    async dispose() {
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
}

/** A grammar of one fixed string: llama.cpp's own cost of a refused pick (decoding the whole vocabulary), with one parse stack. */
export function oneStackGrammar(): string {
  return 'root ::= ("SELECT 1 "){200}\n';
}

function nulToken(model: LlamaModel): Token {
  for (let id = 0; id < 1024; id++) {
    const token = id as Token;
    if (!model.isSpecialToken(token) && model.detokenize([token], true) === '\u0000') return token;
  }
  throw new Error('the model has no NUL byte token to force the refused path with');
}
