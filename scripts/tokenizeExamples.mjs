import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Every example of a `quarry dataset prompts` file as token ids, the way LlamaCompletion tokenizes
 * what the model server sends: BOS, the text with trimLeadingSpace, the answer as it continues the
 * prompt, EOS. Writes <tokensPrefix>.bin (int32), .json (each example's offset, length, where its
 * shared schema ends and its answer starts) and .vocab.json; and, given casesFile, up to parityCases
 * prompts (each with room for parityTokens in the context) for a torch/llama.cpp parity check.
 * vocabSize is the size a model trained from scratch gets (train:model); train:lora leaves it out,
 * as the base model it adapts has its own. Used by train:model and train:lora.
 */
export async function tokenizeExamples({ vocabModel, vocabSize = null, promptsFile, tokensPrefix, casesFile, parityCases = 20, parityTokens = 48, context = 2048 }) {
  const { getLlama } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: false, logLevel: 'error' });
  const model = await llama.loadModel({ modelPath: vocabModel, vocabOnly: true });
  const bos = model.tokens.bos;
  const eos = model.tokens.eos;
  const text = (value) => model.tokenize(value, false, 'trimLeadingSpace');
  const rows = readFileSync(promptsFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  const ids = [];
  const index = [];
  let unshared = 0;
  const cases = [];
  const schemas = new Map();
  for (const row of rows) {
    const prompt = [bos, ...text(row.prompt)];
    const whole = [bos, ...text(row.prompt + row.completion)];
    // The answer is what follows the prompt's own tokens when the two are read as one text.
    if (!prompt.every((token, i) => whole[i] === token)) throw new Error(`the prompt's tokens are not a prefix of prompt + answer: ${row.db_id}: ${row.question}`);
    const answer = [...whole.slice(prompt.length), eos];
    // The schema's tokens end where its text and the prompt's part ways (a piece such as `\n--` may
    // straddle the boundary); every question of a database must then share those tokens exactly.
    const schemaText = row.prompt.slice(0, row.prompt.lastIndexOf('-- Question:'));
    const alone = [bos, ...text(schemaText)];
    let common = 0;
    while (common < alone.length && alone[common] === prompt[common]) common++;
    const first = schemas.get(schemaText) ?? prompt.slice(0, common);
    schemas.set(schemaText, first);
    const shared = common > 1 && first.length === common && first.every((token, i) => prompt[i] === token);
    if (!shared) unshared++;
    const schemaLength = shared ? common : prompt.length;
    index.push({
      offset: ids.length,
      length: prompt.length + answer.length,
      schemaLength,
      answerStart: prompt.length,
      schemaKey: shared ? schemaText : `${row.db_id}\n${row.question}\n${index.length}`,
    });
    for (const token of prompt) ids.push(token);
    for (const token of answer) ids.push(token);
    // A case's prompt and answer must fit the context: past it, llama.cpp shifts its context and torch slides a window, which differ.
    if (cases.length < parityCases && index.length % 97 === 1 && prompt.length + parityTokens <= context) cases.push({ question: row.question, prompt });
  }
  const buffer = Buffer.alloc(ids.length * 4);
  ids.forEach((token, i) => buffer.writeInt32LE(token, i * 4));
  writeFileSync(`${tokensPrefix}.bin`, buffer);
  writeFileSync(`${tokensPrefix}.json`, JSON.stringify(index));
  writeFileSync(`${tokensPrefix}.vocab.json`, JSON.stringify({ ...(vocabSize ? { size: vocabSize } : {}), bos, eos }));
  if (casesFile) writeFileSync(casesFile, JSON.stringify(cases));
  console.log(`${rows.length} examples, ${ids.length} tokens (${Math.round(ids.length / rows.length)} an example); ${unshared} whose schema tokens are not a prefix of their prompt`);
  await model.dispose();
  await llama.dispose();
}
