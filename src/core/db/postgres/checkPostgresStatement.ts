import { loadModule, parseSync } from 'libpg-query';
import { DbError } from '../DbError';
import { isRefusedFunction } from './routineSafety';

/** A function a statement calls, as written: the server resolves it (checkPostgresRoutines) among the overloads of that arity. */
export interface FunctionCall {
  schema: string | null;
  name: string;
  argCount: number;
  /** `row.f` written for `f(row)` (Postgres's attribute notation): only a one-argument function taking a row can be meant. */
  attribute: boolean;
}

/** An operator a statement uses (each runs a function, `pg_operator.oprcode`). */
export interface OperatorUse {
  schema: string | null;
  name: string;
}

/** What the parse tree says a statement calls; the server's catalog says what each is. */
export interface CalledRoutines {
  functions: FunctionCall[];
  operators: OperatorUse[];
}

/** A_Expr kinds whose name is an operator (BETWEEN's is a keyword; its comparisons are built-in). */
const OPERATOR_KINDS = new Set(['AEXPR_OP', 'AEXPR_OP_ANY', 'AEXPR_OP_ALL', 'AEXPR_DISTINCT', 'AEXPR_NOT_DISTINCT', 'AEXPR_NULLIF', 'AEXPR_IN', 'AEXPR_LIKE', 'AEXPR_ILIKE', 'AEXPR_SIMILAR']);

/** Statement types that change data, wherever they sit (a data-modifying WITH included). */
const WRITE_NODES = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

let loaded: Promise<void> | null = null;

/** The parser is WebAssembly, instantiated once per process. */
export function loadPostgresParser(): Promise<void> {
  loaded ??= loadModule();
  return loaded;
}

/**
 * Postgres's own parser (libpg-query: the server's grammar compiled to WebAssembly) says what the
 * statement is, so quoting, dollar-quoted strings, E'' escapes and comments cannot hide a call
 * from the check: one SELECT (or an EXPLAIN of one), with no row locks, no SELECT INTO, no
 * data-modifying WITH, and none of the functions refused by name. Throws `refused`, or `sql-error`
 * for text Postgres cannot parse. Returns every function and operator it calls, for the server's
 * catalog to judge by what they are (checkPostgresRoutines): names alone always miss one.
 */
export async function checkPostgresStatement(sql: string): Promise<CalledRoutines> {
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
  const called: CalledRoutines = { functions: [], operators: [] };
  const problem = findProblem(query, called);
  if (problem) throw new DbError('refused', `refused: ${problem} is not allowed on this connection`);
  return called;
}

function findProblem(node: unknown, called: CalledRoutines): string | null {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findProblem(item, called);
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
      const call = functionCall(value);
      if (call && isRefusedFunction(call.name)) return `calling ${call.name}()`;
      if (call) called.functions.push(call);
    }
    if (key === 'A_Expr') {
      const use = operatorUse(value);
      if (use) called.operators.push(use);
    }
    // `x ### ANY (SELECT …)` and `ORDER BY x USING ###` name operators outside any A_Expr.
    if (key === 'SubLink' || key === 'SortBy') {
      const { operName, useOp } = value as { operName?: unknown[]; useOp?: unknown[] };
      const use = operatorNamed(operName ?? useOp);
      if (use) called.operators.push(use);
    }
    if (key === 'ColumnRef') {
      const fields = names((value as { fields?: unknown[] }).fields);
      if (fields.length >= 2) called.functions.push({ schema: null, name: fields.at(-1)!, argCount: 1, attribute: true });
    }
    const found = findProblem(value, called);
    if (found) return found;
  }
  return null;
}

/** The String parts of a name list (`schema.name`); a star or anything else ends it. */
function names(parts: unknown[] | undefined): string[] {
  const out: string[] = [];
  for (const part of parts ?? []) {
    const sval = (part as { String?: { sval?: string } }).String?.sval;
    if (sval === undefined) break;
    out.push(sval);
  }
  return out;
}

function functionCall(call: unknown): FunctionCall | null {
  const { funcname, args, agg_star: star } = call as { funcname?: unknown[]; args?: unknown[]; agg_star?: boolean };
  const parts = names(funcname);
  const name = parts.at(-1);
  if (!name) return null;
  return { schema: parts.length > 1 ? parts.at(-2)! : null, name, argCount: star ? 0 : (args?.length ?? 0), attribute: false };
}

function operatorUse(expression: unknown): OperatorUse | null {
  const { kind, name } = expression as { kind?: string; name?: unknown[] };
  if (!kind || !OPERATOR_KINDS.has(kind)) return null;
  return operatorNamed(name);
}

function operatorNamed(name: unknown[] | undefined): OperatorUse | null {
  const parts = names(name);
  const operator = parts.at(-1);
  // LIKE and friends carry their operator (~~, ~~*), BETWEEN and IN a keyword or `=`/`<>`: only operator characters name one.
  if (!operator || !/^[+\-*/<>=~!@#%^&|`?]+$/.test(operator)) return null;
  return { schema: parts.length > 1 ? parts.at(-2)! : null, name: operator };
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
