/**
 * Tokens a text takes, estimated without a tokenizer: about one per 3.5 characters, as BPE
 * vocabularies of 32K–150K pieces (Llama, Qwen) tokenize SQL schemas and English. Used where no
 * model is loaded (`quarry context` without --model); with a model, scaleToModel fits it to the
 * model's own tokenizer.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

const CHARS_PER_TOKEN = 3.5;

/**
 * The estimate scaled to a model's tokenizer by one real count of a sample (the whole schema's
 * text): retrieval then fits in the model's tokens while counting each table in microseconds.
 */
export function scaleToModel(sample: string, realTokens: number): (text: string) => number {
  const ratio = realTokens / Math.max(1, estimateTokens(sample));
  return (text) => Math.ceil(estimateTokens(text) * ratio);
}
