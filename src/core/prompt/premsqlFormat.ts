import { renderTable } from '../schema/renderSchemaDdl';
import type { DatabaseSchema } from '../types/DatabaseSchema';
import { fewShotBlock } from './fewShotBlock';
import type { PromptFormat } from './PromptFormat';

/**
 * Prem-1B-SQL's prompt: PremSQL's BASE_TEXT2SQL_PROMPT (premAI-io/premsql premsql/datasets/prompts.py),
 * filled as datasets/base.py's apply_prompt fills it (the CREATE TABLE statements one after another,
 * evidence as "# Additional Knowledge", no few-shot examples) and put in one user turn of the
 * model's chat template; the answer is the bare query. A correction is PremSQL's own
 * ERROR_HANDLING_PROMPT around the first prompt.
 */
const TEMPLATE = `
# Follow these instruction:
You will be given schemas of tables of a database. Your job is to write correct
error free SQL query based on the question asked. Please make sure:

1. Do not add \`\`\` at start / end of the query. It should be a single line query in a  single line (string format)
2. Make sure the column names are correct and exists in the table
3. For column names which has a space with it, make sure you have put \`\` in that column name
4. Think step by step and always check schema and question and the column names before writing the
query. 

# Database and Table Schema:
{schemas}

{additional_knowledge}

# Here are some Examples on how to generate SQL statements and use column names:
{few_shot_examples}

# Question: {question}

# SQL: 
`;

const ERROR_HANDLING = `{existing_prompt}

# Generated SQL: {sql}

## Error Message

{error_msg}

Carefully review the original question and error message, then rewrite the SQL query to address the identified issues. 
Ensure your corrected query uses correct column names, 
follows proper SQL syntax, and accurately answers the original question 
without introducing new errors.

# SQL: 
`;

export const premsqlFormat: PromptFormat = {
  id: 'premsql',
  label: 'Prem-1B-SQL (PremSQL\u2019s prompt, the bare query as the answer)',
  source: 'premAI-io/premsql: premsql/datasets/prompts.py, premsql/datasets/base.py',
  renderSchema: renderCreateStatements,
  build: ({ schemaText, question, evidence, correction, examples }) => {
    const prompt = fill(TEMPLATE, {
      schemas: schemaText,
      additional_knowledge: evidence?.trim() ? `# Additional Knowledge:\n${evidence.trim()}` : '',
      // PremSQL's template has a place for examples; it was trained with it empty.
      few_shot_examples: fewShotBlock(examples),
      question: question.trim(),
    });
    const user = correction
      ? fill(ERROR_HANDLING, { existing_prompt: prompt, sql: correction.sql, error_msg: `${correction.error}\nValid tables and columns: ${correction.validNames}` })
      : prompt;
    return { system: '', user, completion: user, rawCompletion: false };
  },
  answer: { reasonsFirst: false, maxTokens: 400, stop: [] },
  examples: 'opt-in',
};

/** sqlite_master's CREATE TABLE statements, one per line group, without Quarry's example-value comments (PremSQL shows none). */
function renderCreateStatements(schema: DatabaseSchema): string {
  return schema.tables
    .map((table) => renderTable({ ...table, rowCount: null, columns: table.columns.map((column) => ({ ...column, examples: [] })) }, schema.dialect))
    .join('\n');
}

/** Python's str.format over named fields: each placeholder once, the values taken literally. */
function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}
