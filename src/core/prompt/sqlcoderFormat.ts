import { renderSchemaDdl } from '../schema/renderSchemaDdl';
import { correctionLines } from './buildAskPrompt';
import { fewShotBlock } from './fewShotBlock';
import type { PromptFormat } from './PromptFormat';

/**
 * SQLCoder-7b-2's prompt (defog/sqlcoder-7b-2's model card; defog-ai/sqlcoder prompt.md for the
 * family): raw completion, never a chat template, ending at `[SQL]`, after which the model writes
 * the query and closes it with `[/SQL]`. Evidence goes in an `### Instructions` section, the place
 * the family's prompts give to extra rules.
 */
export const sqlcoderFormat: PromptFormat = {
  id: 'sqlcoder',
  label: 'SQLCoder (raw completion ending at [SQL])',
  source: 'defog/sqlcoder-7b-2 model card; defog-ai/sqlcoder prompt.md',
  renderSchema: renderSchemaDdl,
  build: ({ schemaText, question, evidence, correction, examples }) => {
    const shots = fewShotBlock(examples);
    const asked = question.trim();
    const instructions = [
      ...(evidence?.trim() ? [`- ${evidence.trim()}`] : []),
      // A correction is Quarry's own addition; the first attempt is asked exactly as SQLCoder was trained.
      ...(correction ? correctionLines(correction).map((line) => `- ${line}`) : []),
    ];
    const completion = [
      '### Task',
      `Generate a SQL query to answer [QUESTION]${asked}[/QUESTION]`,
      '',
      ...(instructions.length ? ['### Instructions', ...instructions, ''] : []),
      '### Database Schema',
      'The query will run on a database with the following schema:',
      schemaText.trimEnd(),
      '',
      ...(shots ? ['### Examples', shots, ''] : []),
      '### Answer',
      `Given the database schema, here is the SQL query that [QUESTION]${asked}[/QUESTION]`,
      '[SQL]',
    ].join('\n');
    return { system: '', user: completion, completion, rawCompletion: true };
  },
  answer: { reasonsFirst: false, maxTokens: 400, stop: ['[/SQL]'] },
  examples: 'opt-in',
};
