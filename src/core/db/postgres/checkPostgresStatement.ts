import { loadModule, parseSync } from 'libpg-query';
import { DbError } from '../DbError';

/**
 * Functions a read-only transaction still lets a statement call but a query tool must not:
 * they change sequences or settings, signal other sessions, take locks that outlive the query,
 * read server files, reach other servers, or run SQL given as text (which hides the calls inside).
 */
const REFUSED_FUNCTIONS: readonly RegExp[] = [
  /^(nextval|setval|set_config|txid_current|pg_current_xact_id|pg_notify)$/,
  /^pg_(terminate|cancel)_backend$/,
  /^pg_(try_)?advisory_/,
  /^lo_/,
  /^dblink/,
  /^pg_read_(binary_)?file$/,
  /^pg_(ls_|stat_file|reload_conf|rotate_logfile|switch_wal|create_restore_point|promote|backup_|log_backend_memory_contexts)/,
  /^pg_(stat_reset|create_|drop_|replication_|logical_|copy_|wal_replay_|import_system_collations)/,
  /^(query_to_xml|query_to_xmlschema|query_to_xml_and_xmlschema|cursor_to_xml|cursor_to_xmlschema|ts_stat)$/,
];

/** Statement types that change data, wherever they sit (a data-modifying WITH included). */
const WRITE_NODES = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

let loaded: Promise<void> | null = null;

/** The parser is WebAssembly, instantiated once per process. */
export function loadPostgresParser(): Promise<void> {
  loaded ??= loadModule();
  return loaded;
}

export function isRefusedFunction(name: string): boolean {
  const lower = name.toLowerCase();
  return REFUSED_FUNCTIONS.some((pattern) => pattern.test(lower));
}

/**
 * Postgres's own parser (libpg-query: the server's grammar compiled to WebAssembly) says what the
 * statement is, so quoting, dollar-quoted strings, E'' escapes and comments cannot hide a call
 * from the check: one SELECT (or an EXPLAIN of one), with no row locks, no SELECT INTO, no
 * data-modifying WITH, and none of the refused functions. Throws `refused`, or `sql-error`
 * for text Postgres cannot parse.
 */
export async function checkPostgresStatement(sql: string): Promise<void> {
  await loadPostgresParser();
  let parsed: { stmts?: { stmt?: Record<string, unknown> }[] };
  try {
    parsed = parseSync(sql) as typeof parsed;
  } catch (error) {
    throw new DbError('sql-error', error instanceof Error ? error.message : String(error));
  }
  const statements = parsed.stmts ?? [];
  if (statements.length !== 1) {
    throw new DbError('refused', statements.length === 0 ? 'refused: there is no SQL statement to run' : 'refused: multiple statements in one string are not allowed on this connection');
  }
  const statement = statements[0]!.stmt ?? {};
  const [type] = Object.keys(statement);
  const query = type === 'ExplainStmt' ? ((statement.ExplainStmt as { query?: Record<string, unknown> }).query ?? {}) : statement;
  if (Object.keys(query)[0] !== 'SelectStmt') {
    throw new DbError('refused', `refused: ${describeStatement(type ?? '')} statements are not allowed on this connection`);
  }
  const problem = findProblem(query);
  if (problem) throw new DbError('refused', `refused: ${problem} is not allowed on this connection`);
}

function findProblem(node: unknown): string | null {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findProblem(item);
      if (found) return found;
    }
    return null;
  }
  if (node === null || typeof node !== 'object') return null;
  for (const [key, value] of Object.entries(node)) {
    if (WRITE_NODES.has(key)) return `${describeStatement(key)} inside a query`;
    if (key === 'lockingClause') return 'locking rows (FOR UPDATE / FOR SHARE)';
    if (key === 'intoClause') return 'SELECT … INTO';
    if (key === 'FuncCall') {
      const name = functionName(value);
      if (name && isRefusedFunction(name)) return `calling ${name}()`;
    }
    const found = findProblem(value);
    if (found) return found;
  }
  return null;
}

function functionName(call: unknown): string | null {
  const parts = (call as { funcname?: { String?: { sval?: string } }[] }).funcname ?? [];
  return parts.at(-1)?.String?.sval ?? null;
}

/** `VariableSetStmt` → `SET`, for people: the statement's first words as they wrote them. */
function describeStatement(type: string): string {
  const words: Record<string, string> = {
    InsertStmt: 'INSERT', UpdateStmt: 'UPDATE', DeleteStmt: 'DELETE', MergeStmt: 'MERGE', VariableSetStmt: 'SET', VariableShowStmt: 'SHOW',
    LockStmt: 'LOCK', ListenStmt: 'LISTEN', UnlistenStmt: 'UNLISTEN', NotifyStmt: 'NOTIFY', CopyStmt: 'COPY', DoStmt: 'DO', CallStmt: 'CALL',
    PrepareStmt: 'PREPARE', ExecuteStmt: 'EXECUTE', DeallocateStmt: 'DEALLOCATE', TransactionStmt: 'transaction control', DiscardStmt: 'DISCARD',
    VacuumStmt: 'VACUUM', CreateStmt: 'CREATE TABLE', DropStmt: 'DROP', TruncateStmt: 'TRUNCATE', ExplainStmt: 'EXPLAIN',
  };
  return words[type] ?? type.replace(/Stmt$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}
