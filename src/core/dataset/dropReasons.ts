import type { GrammarMode } from '../sql/grammarFor';

/** Why a statement of the history is not an example: each one counted, in the manifest and the message. */
export type DropReason =
  | 'unreadable' | 'dot-command' | 'write statement' | 'parse error' | 'grammar refuses' | 'execution error' | 'timeout' | 'empty result' | 'duplicate'
  /** pg_stat_statements entries that name none of the database's tables (BEGIN, SET, catalog reads), or that Quarry ran itself. */
  | 'not a user query'
  /** A `$n` whose column could not be told, so no value from the data could stand in for it. */
  | 'unfilled parameter'
  /** A query that kept no question: an example a model cannot be asked, nor trained on. */
  | 'no question'
  /** An entry of Quarry's history asked of another database. */
  | 'other database';

export const DROP_REASONS: readonly DropReason[] = [
  'unreadable', 'dot-command', 'write statement', 'parse error', 'grammar refuses', 'execution error', 'timeout', 'empty result', 'duplicate',
  'not a user query', 'unfilled parameter', 'no question', 'other database',
];

/**
 * What each reason means and, where the user can change it, how: the words a user reads in the
 * CLI's summary, the editor's message and the manifest. Names no flag or setting, as both the CLI
 * and the editor show them.
 */
export function explainDrop(reason: DropReason, grammar: GrammarMode): string {
  switch (reason) {
    case 'unreadable': return 'entries of the history that could not be read as a statement';
    case 'dot-command': return 'shell commands (.tables, .schema …), not SQL';
    case 'write statement': return 'statements that change data: Quarry learns only reads';
    case 'parse error': return "not SQL the database's parser accepts";
    case 'grammar refuses':
      return `queries the ${grammar} grammar the model is decoded under cannot write, so it could never answer them${grammar === 'narrow' ? ' (the sql grammar keeps more, off keeps all)' : ' (grammar off keeps all)'}`;
    case 'execution error': return 'queries that failed on the database (a missing table or column, a type error)';
    case 'timeout': return 'queries that ran past the time limit';
    case 'empty result': return 'queries that returned no rows (empty results were asked to be dropped)';
    case 'duplicate': return 'the same query shape as another: kept once, with how often it ran';
    case 'not a user query': return "transaction control, settings, catalog reads and Quarry's own statements";
    case 'unfilled parameter': return 'a $n placeholder with no column to take a value from';
    case 'no question': return 'queries with no question in the history: have the model write the missing questions to keep them';
    case 'other database': return "entries of Quarry's history asked of another database";
  }
}

/** One line a reason: "12 grammar refuses: …", the nonzero ones only, in the registry's order. */
export function describeDrops(dropped: Partial<Record<DropReason, number>>, grammar: GrammarMode): string[] {
  return DROP_REASONS.filter((reason) => (dropped[reason] ?? 0) > 0).map((reason) => `${dropped[reason]} ${reason}: ${explainDrop(reason, grammar)}`);
}
