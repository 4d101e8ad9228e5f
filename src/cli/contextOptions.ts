import { homedir } from 'node:os';
import { join } from 'node:path';
import { wholeSchemaTokens, type ContextRequest, type ContextSources } from '../core/context/buildPromptContext';
import { loadOrBuildValueIndex } from '../core/context/buildValueIndex';
import { estimateTokens } from '../core/context/estimateTokens';
import { valueIndexCacheName } from '../core/context/valueIndexCacheName';
import type { PromptFormat } from '../core/prompt/PromptFormat';
import { ExamplePool } from '../core/context/ExamplePool';
import { readExamplePool } from '../core/context/readExamplePool';
import { SchemaIndex, qualifiedName } from '../core/context/SchemaIndex';
import type { ValueIndex } from '../core/context/ValueIndex';
import type { Database } from '../core/db/Database';
import type { AttachedDatabase } from '../core/types/AttachedDatabase';
import type { DatabaseSchema } from '../core/types/DatabaseSchema';
import { integerOption } from './parseCommandArgs';
import { UsageError } from './UsageError';

export const CONTEXT_ARGS = {
  examples: { type: 'string' },
  shots: { type: 'string' },
  budget: { type: 'string' },
  pin: { type: 'string', multiple: true },
} as const;

export const CONTEXT_HELP = `  --budget N            tokens the schema, values and examples may take: a schema over it is cut to
                        the tables the question needs (ranked by their names, comments and values,
                        routed to the right schema first, joined up by foreign keys), with the
                        values the question names; default: the whole schema (ask: what the
                        model's context leaves)
  --examples POOL       few-shot examples from your own (question, SQL) pairs: JSONL of
                        {"question", "sql"} (or Spider's "query", BIRD's "SQL"), a JSON array, or a
                        folder from quarry dataset build; the most similar are shown before the question
  --shots K             how many examples (default 3)
  --pin TABLE           a table that always goes in (schema.table outside the default schema); repeat it`;

/** How many examples a pool gives when --shots is not said. */
const DEFAULT_SHOTS = 3;

export interface CliContext {
  index: SchemaIndex;
  pool?: ExamplePool;
  shots: number;
  budget?: number;
  pinned: string[];
  /** The value index from its cache (or built there, with progress on stderr); none in schema-only mode. */
  loadValues: () => Promise<ValueIndex | undefined>;
}

type ContextValues = { examples?: string; shots?: string; budget?: string; pin?: string[] };

/**
 * The retrieval inputs the options name, for `quarry context` and `quarry ask` alike (so that
 * `ask --print-prompt` shows what `context` chose): the schema's index, the pool, the pins, and
 * the value index, cached under ~/.cache/quarry/values by the database's path and rebuilt when the
 * schema changes.
 */
export function contextFromOptions(
  command: string,
  values: ContextValues,
  db: Database,
  schema: DatabaseSchema,
  options: { schemaOnly: boolean; signal?: AbortSignal; attach?: readonly AttachedDatabase[] },
): CliContext {
  const index = new SchemaIndex(schema);
  const pinned = (values.pin ?? []).map((name) => {
    if (!index.byKey.has(name.toLowerCase())) {
      const known = schema.tables.map(qualifiedName);
      const near = known.filter((k) => k.toLowerCase().includes(name.toLowerCase().split('.').at(-1)!)).slice(0, 5);
      throw new UsageError(`${command}: --pin ${name}: no such table${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}`);
    }
    return name;
  });
  const shots = integerOption(command, 'shots', values.shots, 0, 20) ?? DEFAULT_SHOTS;
  const budget = integerOption(command, 'budget', values.budget, 1);
  const pool = values.examples ? new ExamplePool(readExamplePool(values.examples)) : undefined;
  let loaded: Promise<ValueIndex | undefined> | undefined;
  const loadValues = () =>
    (loaded ??= options.schemaOnly
      ? Promise.resolve(undefined)
      : loadOrBuildValueIndex(db, schema, valueIndexCacheFile(db.path, options.attach), {
          ...(options.signal ? { signal: options.signal } : {}),
          onProgress: ({ done, total, values: count }) => {
            if (process.stderr.isTTY) process.stderr.write(`\r\x1b[Kindexing values: ${done}/${total} columns, ${count} values`);
          },
        }).then(({ index: valueIndex, cached }) => {
          if (process.stderr.isTTY && !cached) process.stderr.write('\r\x1b[K');
          const stopped = valueIndex.data.stoppedAtBound;
          if (!cached && stopped) process.stderr.write(`quarry: the value index stopped at its bound of ${valueIndex.data.limits.perDatabase} values: ${stopped.columnsLeft} text columns were not read\n`);
          return valueIndex;
        }));
  return { index, shots, pinned, loadValues, ...(pool ? { pool } : {}), ...(budget !== undefined ? { budget } : {}) };
}

/** One cache file per database and its attachments, named by a digest (no password lands in a file name). */
function valueIndexCacheFile(database: string, attachments: readonly AttachedDatabase[] = []): string {
  const root = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(root, 'quarry', 'values', valueIndexCacheName(database, attachments));
}

/**
 * What retrieval reads, counting tokens by the estimate (no model): the value index is read only
 * when retrieval may run (a budget the schema exceeds, or examples that may push it over).
 */
export async function retrievalSources(context: CliContext, format: PromptFormat): Promise<ContextSources> {
  const needsRetrieval = context.budget !== undefined && (wholeSchemaTokens(context.index, format, estimateTokens) > context.budget || context.pool !== undefined);
  const values = needsRetrieval ? await context.loadValues() : undefined;
  return { index: context.index, format, countTokens: estimateTokens, ...(values ? { values } : {}), ...(context.pool ? { pool: context.pool } : {}) };
}

/** One question's request under the options: a pool given means examples, whatever the format's default. */
export function contextRequest(context: CliContext, asked: { question: string; evidence?: string }): ContextRequest {
  return {
    question: asked.question,
    ...(asked.evidence ? { evidence: asked.evidence } : {}),
    ...(context.budget !== undefined ? { budget: context.budget } : {}),
    pinned: context.pinned,
    examples: context.pool ? context.shots : 0,
  };
}
