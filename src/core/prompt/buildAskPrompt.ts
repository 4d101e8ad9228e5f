import { DIALECT_PROFILES } from '../dialects/dialectProfiles';
import type { Dialect } from '../types/QueryResult';
import { fewShotBlock } from './fewShotBlock';
import type { FewShotExample } from './PromptFormat';

/**
 * Quarry's own prompt format (`quarry`), the one dataset exports are written in, so a model tuned
 * on them is asked at run time exactly as it was trained (published models get their own formats,
 * src/core/prompt/*Format.ts). The schema comes first and the question last: the
 * part of a prompt that stays the same for one database is a prefix the model server can reuse.
 */
export interface AskPrompt {
  /** For models with a chat template: instructions and schema. */
  system: string;
  /** For models with a chat template: the question (and the failed attempt, when correcting). */
  user: string;
  /** For models without one: the same content as one completion prompt, ending where the SQL begins. */
  completion: string;
}

export interface PromptInput {
  dialect: Dialect;
  /** Schema DDL from renderSchemaDdl (with or without example values). */
  schemaDdl: string;
  question: string;
  /** External knowledge for the question (BIRD's evidence): a line before it. */
  evidence?: string;
  /** The previous attempt and the database's verdict on it, when asking for a correction. */
  correction?: { sql: string; error: string; validNames: string };
  /** Few-shot examples, after the schema (none: the prompt Quarry's exports are trained on). */
  examples?: readonly FewShotExample[];
}

export function buildAskPrompt(input: PromptInput): AskPrompt {
  const dialect = DIALECT_PROFILES[input.dialect].label;
  const shots = fewShotBlock(input.examples);
  const system =
    `You write ${dialect} SQL. Answer the question with one read-only SQL query over this database, ` +
    `and nothing else.\n\n${input.schemaDdl.trimEnd()}${shots ? `\n\n${shots}` : ''}`;
  const asked = [...(input.evidence?.trim() ? [`Evidence: ${input.evidence.trim()}`] : []), `Question: ${input.question.trim()}`];
  const user = [...asked, ...(input.correction ? correctionLines(input.correction) : [])].join('\n');
  const completion = [
    `-- ${dialect} database schema`,
    input.schemaDdl.trimEnd(),
    '',
    ...(shots ? [...shots.split('\n').map((line) => (line ? `-- ${line}` : '--')), ''] : []),
    ...[...asked, ...(input.correction ? correctionLines(input.correction) : [])].map((line) =>
      line.split('\n').map((part) => `-- ${part}`).join('\n'),
    ),
    `-- ${dialect} query:`,
    '',
  ].join('\n');
  return { system, user, completion };
}

export function correctionLines(correction: NonNullable<PromptInput['correction']>): string[] {
  return [
    `This query failed:\n${correction.sql}`,
    `The database said: ${correction.error}`,
    `Use only these tables and columns: ${correction.validNames}`,
    'Write a corrected query.',
  ];
}
