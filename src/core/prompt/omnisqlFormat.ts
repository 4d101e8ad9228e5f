import type { Dialect } from '../types/QueryResult';
import { RESERVED_WORDS, SQL_WORDS } from '../sql/keywords';
import { quotedForCase, quoteIdentifier } from '../sql/quoteIdentifier';
import type { TableSchema } from '../types/DatabaseSchema';
import { correctionLines } from './buildAskPrompt';
import { fewShotBlock } from './fewShotBlock';
import type { PromptFormat } from './PromptFormat';
import { DIALECT_PROFILES } from '../dialects/dialectProfiles';

/**
 * OmniSQL's prompt (RUCKBReasoning/OmniSQL: README.md's template and train_and_evaluate/process_dataset.py,
 * which builds the training and evaluation prompts), also what Arctic-Text2SQL-R1 was tuned from:
 * one user turn, the schema as CREATE TABLE statements with up to six example values per column,
 * evidence on the line before the question. The model thinks, then writes its SQL in a ```sql block;
 * its own parser takes the last one.
 */
const TEMPLATE = `Task Overview:
You are a data science expert. Below, you are provided with a database schema and a natural language question. Your task is to understand the schema and generate a valid SQL query to answer the question.

Database Engine:
{db_engine}

Database Schema:
{db_details}
This schema describes the database's structure, including tables, columns, primary keys, foreign keys, and any relevant relationships or constraints.

Question:
{question}

Instructions:
- Make sure you only output the information that is asked in the question. If the question asks for a specific column, make sure to only include that column in the SELECT clause, nothing more.
- The generated query should return all of the information asked in the question without any missing or extra information.
- Before generating the final SQL query, please think through the steps of how to write the query.

Output Format:
In your answer, please enclose the generated SQL query in a code block:
\`\`\`sql
-- Your SQL query
\`\`\`

Take a deep breath and think step by step to find the correct SQL query.
`;

const MAX_EXAMPLES = 6;
const MAX_EXAMPLE_LENGTH = 40;

export const omnisqlFormat: PromptFormat = {
  id: 'omnisql',
  label: 'OmniSQL and Arctic-Text2SQL-R1 (reason first, then a ```sql block)',
  source: 'RUCKBReasoning/OmniSQL: README.md, train_and_evaluate/process_dataset.py',
  renderSchema: (schema) => schema.tables.map((table) => renderTable(table, schema.dialect)).join('\n\n'),
  build: ({ schema, schemaText, question, evidence, correction, examples }) => {
    const shots = fewShotBlock(examples);
    const prompt = TEMPLATE.replace('{db_engine}', DIALECT_PROFILES[schema.dialect].label)
      .replace('{db_details}', () => schemaText)
      .replace('\nQuestion:\n', () => (shots ? `\n${shots}\n\nQuestion:\n` : '\nQuestion:\n'))
      .replace('{question}', () => evidenceThenQuestion(question, evidence));
    // A correction is Quarry's own turn: the first attempt is asked exactly as OmniSQL was trained.
    const user = correction ? `${prompt}\n${correctionLines(correction).join('\n')}` : prompt;
    return { system: '', user, completion: user, rawCompletion: false };
  },
  // OmniSQL's own evaluation gives the answer 2048 tokens (README's vLLM example).
  answer: { reasonsFirst: true, thinkingTokens: 1536, maxTokens: 512, stop: [] },
  examples: 'opt-in',
};

/** The question as OmniSQL's preprocessing writes it (Arctic's too): the evidence, if any, on the line before. */
export function evidenceThenQuestion(question: string, evidence?: string): string {
  return evidence?.trim() ? `${evidence.trim()}\n${question.trim()}` : question.trim();
}

/** One table as process_dataset.py's obtain_db_details writes it (its trailing comma quirk kept: only a line that ends in one loses it). */
function renderTable(table: TableSchema, dialect: Dialect): string {
  const quoteName = (name: string) => quotedName(name, dialect);
  const lines = table.columns.map((column) => {
    const line = `    ${quoteName(column.name)} ${column.type},`;
    const examples = column.examples.slice(0, MAX_EXAMPLES).map((value) => value.slice(0, MAX_EXAMPLE_LENGTH));
    return examples.length ? `${line} -- example: ${pythonList(examples)}` : line;
  });
  const keys = table.columns.filter((column) => column.primaryKey).map((column) => quoteName(column.name));
  if (keys.length) lines.push(`    PRIMARY KEY (${keys.join(', ')}),`);
  const constraints = new Set<string>();
  for (const fk of table.foreignKeys) {
    fk.columns.forEach((column, i) => {
      const name = `fk_${snake(table.name)}_${snake(column)}`;
      const target = [...(fk.refSchema ? [fk.refSchema] : []), fk.refTable].map(quoteName).join('.');
      constraints.add(`    CONSTRAINT ${name} FOREIGN KEY (${quoteName(column)}) REFERENCES ${target} (${quoteName(fk.refColumns[i] ?? column)}),`);
    });
  }
  const tableName = [...(table.schema ? [table.schema] : []), table.name].map(quoteName).join('.');
  let ddl = `CREATE TABLE ${tableName} (\n${[...lines, ...constraints].join('\n')}`;
  if (ddl.endsWith(',')) ddl = ddl.slice(0, -1);
  return `${ddl}\n);`;
}

/**
 * Backticks around a name that is an SQL word or has characters other than letters, digits and
 * `_`, as OmniSQL's format_identifier does (it was trained on SQLite). A dialect that does not read
 * backticks (DuckDB, Postgres) gets double quotes instead, and Postgres's names with capitals too,
 * since it finds them only quoted (a departure forced by the dialect): the model copies what it is shown.
 */
function quotedName(name: string, dialect: Dialect): string {
  const upper = name.toUpperCase();
  const quoted = /[^a-zA-Z0-9_]/.test(name) || SQL_WORDS.has(upper) || RESERVED_WORDS.has(upper);
  if (DIALECT_PROFILES[dialect].extraIdentifierQuotes.includes('backtick')) return quoted ? `\`${name}\`` : name;
  return quoted || quotedForCase(name, dialect) ? quoteIdentifier(name) : name;
}

function snake(name: string): string {
  return name.toLowerCase().replace(/ /g, '_');
}

/** A list of strings as Python's repr() prints it: the prompt shows `str(list)`. */
function pythonList(values: string[]): string {
  return `[${values.map(pythonString).join(', ')}]`;
}

function pythonString(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  const body = [...value]
    .map((ch) => {
      if (ch === '\\') return '\\\\';
      if (ch === quote) return `\\${quote}`;
      if (ch === '\n') return '\\n';
      if (ch === '\r') return '\\r';
      if (ch === '\t') return '\\t';
      const code = ch.codePointAt(0)!;
      return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : ch;
    })
    .join('');
  return `${quote}${body}${quote}`;
}
