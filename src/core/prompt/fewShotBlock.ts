import type { FewShotExample } from './PromptFormat';

/**
 * Few-shot examples as every format shows them (Quarry's wording: none of the published models was
 * trained on examples, so none has a form of its own to keep), one question and its SQL each;
 * '' for none, so a prompt without examples is byte for byte the one the model was trained on.
 */
export function fewShotBlock(examples: readonly FewShotExample[] | undefined): string {
  if (!examples?.length) return '';
  const pairs = examples.map((example) => `Question: ${oneLine(example.question)}\nSQL: ${oneLine(example.sql)}`);
  return `Examples of questions about this database and the SQL that answers them:\n\n${pairs.join('\n\n')}`;
}

/** An example must not break the prompt's lines: a comment line in a completion prompt would end mid-query. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
