import { DIALECT_PROFILES } from '../dialects/dialectProfiles';
import { correctionLines } from './buildAskPrompt';
import { evidenceThenQuestion, omnisqlFormat } from './omnisqlFormat';
import { fewShotBlock } from './fewShotBlock';
import type { PromptFormat } from './PromptFormat';

/**
 * Arctic-Text2SQL-R1's prompt (snowflakedb/ArcticTraining, projects/arctic_text2sql_r1/bird_eval/infer.py):
 * a system turn, OmniSQL's schema and question (its data_preprocessing/process_dataset.py is
 * OmniSQL's), `<think>`/`<answer>` output instructions, and the model's turn begun for it with
 * "Let me solve this step by step. \n<think>". Its SQL is the last ```sql block, after `</think>`.
 */
const SYSTEM =
  'You are a data science expert. Below, you are provided with a database schema and a natural language question. Your task is to understand the schema and generate a valid SQL query to answer the question.';

const OUTPUT_FORMAT = `Please provide a detailed chain-of-thought reasoning process and include your thought process within \`<think>\` tags. Your final answer should be enclosed within \`<answer>\` tags.

Ensure that your SQL query follows the correct syntax and is formatted as follows:

\`\`\`sql
-- Your SQL query here
\`\`\`

Example format:
<think> Step-by-step reasoning, including self-reflection and corrections if necessary. [Limited by 4K tokens] </think>
<answer> Summary of the thought process leading to the final SQL query. [Limited by 1K tokens]

\`\`\`sql
Correct SQL query here
\`\`\`
</answer>`;

export const arcticFormat: PromptFormat = {
  id: 'arctic',
  label: 'Arctic-Text2SQL-R1 (thinks in <think>, answers in <answer> with a ```sql block)',
  source: 'snowflakedb/ArcticTraining: projects/arctic_text2sql_r1/bird_eval/infer.py',
  renderSchema: omnisqlFormat.renderSchema,
  build: ({ schema, schemaText, question, evidence, correction, examples }) => {
    const shots = fewShotBlock(examples);
    const user = `Database Engine:
${DIALECT_PROFILES[schema.dialect].label}

Database Schema:
${schemaText}
This schema describes the database's structure, including tables, columns, primary keys, foreign keys, and any relevant relationships or constraints.
${shots ? `\n${shots}\n` : ''}
Question:
${evidenceThenQuestion(question, evidence)}

Instructions:
- Make sure you only output the information that is asked in the question. If the question asks for a specific column, make sure to only include that column in the SELECT clause, nothing more.
- The generated query should return all of the information asked in the question without any missing or extra information.
- Before generating the final SQL query, please think through the steps of how to write the query.

Output Format:
${OUTPUT_FORMAT}`.trim();
    // A correction is Quarry's own turn, after the prompt Arctic was trained on.
    const asking = correction ? `${user}\n\n${correctionLines(correction).join('\n')}` : user;
    return {
      system: SYSTEM,
      user: asking,
      completion: `${SYSTEM}\n\n${asking}\n\n`,
      rawCompletion: false,
      responsePrefix: 'Let me solve this step by step. \n<think>',
    };
  },
  // The instructions allow 4K tokens of thinking and 1K of answer.
  answer: { reasonsFirst: true, thinkingEnds: '</think>', thinkingTokens: 4096, maxTokens: 1024, stop: [] },
  examples: 'opt-in',
};
