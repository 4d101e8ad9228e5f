import * as vscode from 'vscode';
import { renderSchemaDdl } from '../../core/schema/renderSchemaDdl';
import { statementAt } from '../../core/sql/statementAt';
import { tokenizeSql } from '../../core/sql/tokenizeSql';
import type { DatabaseSchema } from '../../core/types/DatabaseSchema';
import { COMMANDS } from '../commandIds';
import type { ModelManager } from '../ModelManager';
import { reportError } from '../reportError';
import { requireModel } from '../requireModel';
import type { SqlConnectionBinding } from '../SqlConnectionBinding';
import { withCancellableProgress } from '../withCancellableProgress';

export interface ExplainQueryArgs {
  uri?: string;
  offset?: number;
}

const EXPLAIN_TOKENS = 300;
const SYSTEM = 'You explain SQL queries to the person about to run them: in plain English and briefly, what the query returns and how it gets there (tables, joins, filters, grouping, order). Do not write SQL.';

/**
 * "Explain this query" (a code lens and a command): the statement and the tables it names go to the
 * model as a chat, and the plain-English answer opens beside the SQL. A model without a chat
 * template (the sample model, a SQL-only fine-tune) writes SQL and nothing else: it is told so
 * rather than asked for prose it would turn into nonsense.
 */
export async function explainQuery(binding: SqlConnectionBinding, models: ModelManager, log: vscode.LogOutputChannel, args: ExplainQueryArgs = {}): Promise<string | undefined> {
  const document = args.uri ? await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri)) : vscode.window.activeTextEditor?.document;
  if (!document) return undefined;
  const statement = statementAt(document.getText(), args.offset ?? document.offsetAt(vscode.window.activeTextEditor!.selection.active));
  const schema = binding.connectionFor(document)?.schema;
  if (!statement || !schema) {
    void vscode.window.showInformationMessage('Quarry: Explain needs a statement in a SQL file that has a database.');
    return undefined;
  }
  if (!(await requireModel(models))) return undefined;
  const explanation = await withCancellableProgress('Quarry: explaining', async (report, signal) => {
    try {
      await models.ensureLoaded(report, signal);
      if (!models.engine.capabilities?.chatTemplate) return null;
      report('writing…');
      const ddl = renderSchemaDdl(tablesNamed(schema, statement.text));
      const user = `${ddl.trimEnd()}\n\nExplain this query:\n${statement.text}`;
      const answer = await models.engine.generate({ system: SYSTEM, user, completion: `${SYSTEM}\n\n${user}\n\nExplanation:`, grammar: null, maxTokens: EXPLAIN_TOKENS, temperature: 0 }, signal);
      return answer.text.trim();
    } catch (error) {
      if (!signal.aborted) reportError(log, 'explain failed', error);
      return undefined;
    }
  });
  if (explanation === null) {
    void vscode.window
      .showWarningMessage(`Quarry: Explain needs a chat model; ${models.describeCurrent()} writes SQL only. Choose a chat model (a catalog model, or a model server) with Select Model….`, 'Select Model…')
      .then((choice) => choice && vscode.commands.executeCommand(COMMANDS.selectModel));
    return undefined;
  }
  if (!explanation) return undefined;
  const page = await vscode.workspace.openTextDocument({ language: 'markdown', content: `# What this query does\n\n\`\`\`sql\n${statement.text}\n\`\`\`\n\n${explanation}\n` });
  await vscode.window.showTextDocument(page, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, preview: true });
  return explanation;
}

/** The tables the statement names (all of them when it names none the schema has): the model needs no more. */
function tablesNamed(schema: DatabaseSchema, sql: string): DatabaseSchema {
  const words = new Set(tokenizeSql(sql).flatMap((t) => (t.kind === 'word' || t.kind === 'quoted-identifier' ? [t.text.replace(/^["`[]|["`\]]$/g, '').toLowerCase()] : [])));
  const named = schema.tables.filter((table) => words.has(table.name.toLowerCase()));
  return named.length ? { ...schema, tables: named } : schema;
}
