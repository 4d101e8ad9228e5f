import { IsolatedDatabase } from '../db/IsolatedDatabase';
import type { EvalExample } from '../eval/EvalDataset';
import { completionInput } from '../protocol/completionInput';
import type { PromptFormat } from '../prompt/PromptFormat';

/** One training example: exactly the text a model without a chat template is sent, and the SQL it should write. */
export interface PromptExample {
  db_id: string;
  question: string;
  prompt: string;
  completion: string;
}

export interface ExportPromptsOptions {
  format: PromptFormat;
  /** No example values in the schema (what `quarry ask --schema-only` sends). */
  schemaOnly?: boolean;
  /** Trusted as the user's own: the databases are opened as `quarry ask --db` opens them. */
  workerScript?: string;
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
  const byDb = new Map<string, EvalExample[]>();
  let missing = 0;
  for (const example of examples) {
    if (!example.dbPath) {
      missing++;
      continue;
    }
    byDb.set(example.dbPath, [...(byDb.get(example.dbPath) ?? []), example]);
  }
  const out: { at: number; example: PromptExample }[] = [];
  const at = new Map(examples.map((example, i) => [example, i]));
  let done = missing;
  for (const [dbPath, group] of byDb) {
    options.signal?.throwIfAborted();
    const db = await IsolatedDatabase.open(dbPath, options.workerScript ? { workerScript: options.workerScript } : {});
    try {
      const schema = await db.readSchema({ ...(options.schemaOnly ? { sampleValues: 0 } : {}), ...(options.signal ? { signal: options.signal } : {}) });
      const schemaText = options.format.renderSchema(schema);
      for (const example of group) {
        const prompt = options.format.build({ schema, schemaText, question: example.question, ...(example.evidence ? { evidence: example.evidence } : {}) });
        out.push({ at: at.get(example)!, example: { db_id: example.dbId, question: example.question, prompt: completionInput(prompt), completion: example.goldSql.trim() } });
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
