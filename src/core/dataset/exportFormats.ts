import { databaseNameOf } from '../db/databaseEngines';
import { goldOrdersRows, prepareForEval } from '../eval/prepareForEval';
import type { FormattedPrompt } from '../prompt/PromptFormat';
import type { BuiltExample } from './buildDataset';

/** What every format may use to write one split's records. */
export interface ExportContext {
  /** The database as the split's files name it: a path relative to them, or a server's URL without its password. */
  db: string;
  /** The database as the build was given it. */
  dbPath: string;
  /** The prompt Ask sends a chat model for a question over this database. */
  prompt: (question: string) => FormattedPrompt;
}

/** One export format: the file each split gets and the record each example becomes in it. */
export interface ExportFormat {
  file: string;
  /** One JSON array, as Spider's own files are; otherwise JSON Lines. */
  document?: boolean;
  record(example: BuiltExample, context: ExportContext): unknown;
}

/** Every format `quarry dataset build --formats` writes: adding one is adding an entry here. */
export const EXPORT_FORMATS = {
  /** Quarry's own: what `quarry eval --dataset` and `quarry dataset prompts --dataset` read back. */
  quarry: {
    file: 'quarry.jsonl',
    record: (e, { db }) => ({ question: e.question, sql: e.sql, db, result: e.result, template: e.template, source: e.source, frequency: e.frequency, questionSource: e.questionSource }),
  },
  /** Chat messages (TRL's SFTTrainer, Unsloth, OpenAI fine-tuning): system, user, the SQL as the assistant's turn. */
  chat: {
    file: 'chat.jsonl',
    record: (e, { prompt }) => {
      const p = prompt(e.question);
      return { messages: [{ role: 'system', content: p.system }, { role: 'user', content: p.user }, { role: 'assistant', content: e.sql }] };
    },
  },
  /** TRL's prompt-completion form: the prompt a model without a chat template is sent, and the SQL. */
  'prompt-completion': {
    file: 'prompt-completion.jsonl',
    record: (e, { prompt }) => ({ prompt: prompt(e.question).completion, completion: e.sql }),
  },
  /** Reinforcement fine-tuning: the conversation without the answer, and the ground truth `quarry reward` scores against. */
  rft: {
    file: 'rft.jsonl',
    record: (e, { db, prompt }) => {
      const p = prompt(e.question);
      return {
        messages: [{ role: 'system', content: p.system }, { role: 'user', content: p.user }],
        sql: e.sql,
        db,
        ground_truth: { ...e.result, orderMatters: goldOrdersRows(prepareForEval(e.sql, { keepDistinct: false })) },
      };
    },
  },
  /** Spider's layout, for Spider's own evaluator and the tools that read it. */
  spider: {
    file: 'spider.json',
    document: true,
    record: (e, { dbPath }) => ({ question: e.question, query: e.sql, db_id: databaseNameOf(dbPath) }),
  },
} satisfies Record<string, ExportFormat>;

export type DatasetFormat = keyof typeof EXPORT_FORMATS;
export const ALL_FORMATS = Object.keys(EXPORT_FORMATS) as DatasetFormat[];
