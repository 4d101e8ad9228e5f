import { readFileSync } from 'node:fs';
import { IsolatedDatabase } from '../core/db/IsolatedDatabase';
import { checkInputFile } from '../core/files/checkInputFile';
import { checkSentence, parseGbnf } from '../core/sql/continueGrammar';
import { grammarFor } from '../core/sql/grammarFor';
import { grammarOption, parseCommandArgs, requiredDb } from './parseCommandArgs';
import { ATTACH_ARGS, ATTACH_HELP, attachOption } from './attachOption';
import { toJson } from './toJson';
import { UsageError } from './UsageError';

export const GRAMMAR_COMMAND_HELP = `Usage: quarry grammar --db <file|url> [--grammar sql|narrow] [--check <file>|-] [--json]

Prints the GBNF grammar that constrains the model's SQL for a database, or, with --check, says for
each statement (one per line) whether the grammar can produce it, and where it stops.

Options:
  --db <file|url>     SQLite or DuckDB file, or postgresql:// URL
${ATTACH_HELP}
  --grammar <mode>    sql (default): the dialect's query language with the schema's names; narrow
  --check <file>      statements to check, one per line; - reads standard input
  --json              with --check: one line per statement {"sql", "accepted", "at"}, at = offset of the first refused character
  -h, --help          show this help

Exit codes: 0 printed, or every statement accepted; 1 some statement refused; 2 bad input.`;

export async function grammarCommand(args: string[], write: (text: string) => void): Promise<number | void> {
  const { values } = parseCommandArgs('grammar', args, { db: { type: 'string' }, ...ATTACH_ARGS, grammar: { type: 'string' }, check: { type: 'string' }, json: { type: 'boolean' } });
  if (values.help) return write(GRAMMAR_COMMAND_HELP);
  const path = requiredDb('grammar', values.db);
  const mode = grammarOption('grammar', values);
  if (mode === 'off') throw new UsageError('grammar: --grammar off has no grammar to print or check');
  const statements = values.check === undefined ? null : readStatements(values.check);
  const db = await IsolatedDatabase.open(path, { attach: attachOption('grammar', values.attach) });
  let text: string;
  try {
    // The schema as Ask reads it, so the narrow grammar's example-value literals are the same too.
    text = grammarFor(await db.readSchema(), mode)!;
  } finally {
    await db.dispose();
  }
  if (!statements) return write(text.trimEnd());
  const grammar = parseGbnf(text);
  let refused = 0;
  for (const sql of statements) {
    const result = checkSentence(grammar, sql);
    if (!result.accepted) refused++;
    if (values.json) write(toJson({ sql, accepted: result.accepted, at: result.at }));
    else write(result.accepted ? `ok       ${sql}` : `refused  ${sql.slice(0, result.at!)}⟦${sql.slice(result.at!)}⟧  (${describe(result.reason!, result.at!)})`);
  }
  if (!values.json) write(`${statements.length - refused} of ${statements.length} accepted`);
  return refused ? 1 : 0;
}

function readStatements(source: string): string[] {
  let text: string;
  if (source !== '-') checkInputFile(source, 'statements file');
  try {
    text = readFileSync(source === '-' ? 0 : source, 'utf8');
  } catch {
    throw new UsageError(`grammar: cannot read ${source === '-' ? 'standard input' : source}`);
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

function describe(reason: string, at: number): string {
  if (reason === 'incomplete') return 'the statement ends before the grammar allows it to';
  if (reason === 'ambiguous') return `too many readings at character ${at}`;
  return `nothing the grammar allows goes on at character ${at}`;
}
