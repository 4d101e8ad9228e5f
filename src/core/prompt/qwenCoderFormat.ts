import { DIALECT_PROFILES } from '../dialects/dialectProfiles';
import { renderSchemaDdl } from '../schema/renderSchemaDdl';
import { correctionLines } from './buildAskPrompt';
import { fewShotBlock } from './fewShotBlock';
import type { PromptFormat } from './PromptFormat';

/**
 * General instruction-tuned coder models (Qwen2.5-Coder-Instruct and the like), which were never
 * trained on one text-to-SQL prompt: a plain request in one user turn of the model's own chat
 * template, the schema as Quarry's DDL, and the answer begun for the model as a ```sql block, so
 * what it writes is the query (held to the grammar) and the closing fence ends it.
 */
export const qwenCoderFormat: PromptFormat = {
  id: 'qwen-coder',
  label: 'General chat coder models, e.g. Qwen2.5-Coder-Instruct (answer begun as a ```sql block)',
  source: "Quarry's own wording; the model's chat template from its GGUF",
  renderSchema: renderSchemaDdl,
  build: ({ schema, schemaText, question, evidence, correction, examples }) => {
    const dialect = DIALECT_PROFILES[schema.dialect].label;
    const shots = fewShotBlock(examples);
    const user = [
      `${dialect} database schema:`,
      schemaText.trimEnd(),
      '',
      ...(shots ? [shots, ''] : []),
      ...(evidence?.trim() ? [`Evidence: ${evidence.trim()}`] : []),
      `Question: ${question.trim()}`,
      '',
      `Write one ${dialect} query that answers the question. Reply with the query alone in a \`\`\`sql code block.`,
      ...(correction ? ['', ...correctionLines(correction)] : []),
    ].join('\n');
    return { system: '', user, completion: `${user}\n\n`, rawCompletion: false, responsePrefix: '```sql\n' };
  },
  answer: { reasonsFirst: false, maxTokens: 512, stop: ['```'] },
  // A chat model: a follow-up is one more user turn after its own earlier answers.
  conversation: {
    answer: (sql) => `\`\`\`sql\n${sql.trim()}\n\`\`\``,
    followUp: (request, correction) =>
      [`Follow-up: ${request.trim()}`, '', 'Change the last query for this. Reply with the whole new query alone in a ```sql code block.', ...(correction ? ['', ...correctionLines(correction)] : [])].join('\n'),
  },
  // Never trained on one text-to-SQL prompt: examples of the user's own queries help it.
  examples: 'default',
};
