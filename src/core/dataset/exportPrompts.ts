import { IsolatedDatabase } from '../db/IsolatedDatabase';
import type { EvalExample } from '../eval/EvalDataset';
import { completionInput } from '../protocol/completionInput';
import type { PromptFormat } from '../prompt/PromptFormat';
import { checkSql, validNames } from '../ask/askQuestion';
import { mulberry32 } from '../util/seededRandom';
import { inventName } from './inventName';
import { trustsDataTarget, type DataUrlTrust } from '../db/dataUrlTrust';

/** One training example: exactly the text a model without a chat template is sent, and the SQL it should write. */
export interface PromptExample {
  db_id: string;
  question: string;
  prompt: string;
  completion: string;
  /** A correction turn: the wrong first answer and the database's words on it, which the prompt carries. */
  correction?: { sql: string; error: string };
}

export interface ExportPromptsOptions {
  format: PromptFormat;
  /** No example values in the schema (what `quarry ask --schema-only` sends). */
  schemaOnly?: boolean;
  /** The database worker script, when not next to the running bundle (tests). */
  workerScript?: string;
  /** Which servers the dataset names may get the user's credentials (default: none but by their own URL's password). */
  dataUrls?: DataUrlTrust;
  /**
   * The share of examples that also get a correction turn (0 to 1): a name of the gold query
   * replaced by an invented one, run on the database, and the prompt Ask sends with that error.
   */
  corrections?: number;
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/**
 * The prompts Quarry sends for these questions, rendered by the code `quarry ask` runs: the schema
 * read with ask's options, the format's own rendering and prompt, and the model server's text for a
 * model without a chat template (completionInput). A model trained on them is asked at run time
 * byte for byte as it learned. Examples whose database is missing are left out and counted.
 */
export async function exportPrompts(examples: EvalExample[], options: ExportPromptsOptions): Promise<{ examples: PromptExample[]; missing: number }> {
  // Indexes into `examples`, by database: each database is opened once.
  const byDb = new Map<string, number[]>();
  let missing = 0;
  examples.forEach((example, i) => {
    if (!example.dbPath) missing++;
    else if (byDb.has(example.dbPath)) byDb.get(example.dbPath)!.push(i);
    else byDb.set(example.dbPath, [i]);
  });
  const out: { at: number; example: PromptExample }[] = [];
  const random = mulberry32(options.seed ?? 1);
  let done = missing;
  for (const [dbPath, group] of byDb) {
    options.signal?.throwIfAborted();
    // A server the dataset names is sent the user's credentials only when the user trusts it, as in evaluation.
    const db = await IsolatedDatabase.open(dbPath, { workerScript: options.workerScript, fromDataFile: !trustsDataTarget(dbPath, options.dataUrls) });
    try {
      const schema = await db.readSchema({ ...(options.schemaOnly ? { sampleValues: 0 } : {}), ...(options.signal ? { signal: options.signal } : {}) });
      const schemaText = options.format.renderSchema(schema);
      for (const at of group) {
        const example = examples[at]!;
        const asked = { schema, schemaText, question: example.question, ...(example.evidence ? { evidence: example.evidence } : {}) };
        const base = { db_id: example.dbId, question: example.question, completion: example.goldSql.trim() };
        out.push({ at, example: { ...base, prompt: completionInput(options.format.build(asked)) } });
        if (random() >= (options.corrections ?? 0)) continue;
        const wrong = inventName(base.completion, schema, random);
        const verdict = wrong === null ? null : await checkSql(db, wrong, {});
        if (wrong === null || !verdict?.error) continue;
        // As askQuestion asks again after a failed answer: the same prompt, with the answer, the database's words and the valid names.
        const correction = { sql: wrong, error: verdict.error, validNames: validNames(schema) };
        out.push({ at, example: { ...base, prompt: completionInput(options.format.build({ ...asked, correction })), correction: { sql: wrong, error: verdict.error } } });
      }
    } finally {
      await db.dispose();
    }
    done += group.length;
    options.onProgress?.(done, examples.length);
  }
  // In the dataset's order, whatever order the databases were read in.
  return { examples: out.sort((a, b) => a.at - b.at).map((entry) => entry.example), missing };
}
