import { DbError } from '../DbError';
import type { CalledRoutines, FunctionCall } from './checkPostgresStatement';
import { routineRefusal, type RoutineFacts } from './routineSafety';

/** Runs one catalog query on the statement's own connection and transaction (so with its search_path). */
export type CatalogRows = (sql: string, params: unknown[]) => Promise<unknown[][]>;

/**
 * The facts routineRefusal judges, and what resolution needs: arity, defaults, VARIADIC, whether the
 * first argument is a row. An aggregate is as volatile as the worst function it runs for each row
 * (CREATE AGGREGATE records none of its own; a transition function may do anything).
 */
const FACTS = `p.oid::regprocedure::text, p.proname::text, n.nspname::text,
  CASE WHEN p.prokind = 'a' AND EXISTS (SELECT 1 FROM pg_aggregate a JOIN pg_proc f
      ON f.oid IN (a.aggtransfn, a.aggfinalfn, a.aggcombinefn, a.aggserialfn, a.aggdeserialfn, a.aggmtransfn, a.aggminvtransfn, a.aggmfinalfn)
      WHERE a.aggfnoid = p.oid AND f.provolatile = 'v') THEN 'v' ELSE p.provolatile::text END,
  l.lanname::text, l.lanpltrusted,
  (SELECT e.extname::text FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
    WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' LIMIT 1),
  p.pronargs::int, p.pronargdefaults::int, p.provariadic <> 0,
  coalesce((SELECT t.typtype IN ('c', 'p') FROM pg_type t WHERE t.oid = p.proargtypes[0]), false)`;

const FROM_PROC = 'pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang';

const FUNCTIONS_SQL = `SELECT ${FACTS}, p.proname::text, n.nspname::text, n.nspname = ANY (current_schemas(true)) FROM ${FROM_PROC} WHERE p.proname = ANY ($1::text[])`;

/** An operator's function, with the operator's own namespace (that is what `OPERATOR(schema.op)` and the search path pick by). */
const OPERATORS_SQL = `SELECT ${FACTS}, o.oprname::text, o.oprnamespace::regnamespace::text, o.oprnamespace = ANY (SELECT oid FROM pg_namespace WHERE nspname = ANY (current_schemas(true)))
  FROM pg_operator o JOIN ${FROM_PROC} ON p.oid = o.oprcode WHERE o.oprname = ANY ($1::text[])`;

interface Candidate {
  facts: RoutineFacts;
  argCount: number;
  defaults: number;
  variadic: boolean;
  takesRow: boolean;
  /** The function's name for functions, the operator's for operators; the namespace it is found in, and whether that is on the search path. */
  calledAs: string;
  namespace: string;
  onPath: boolean;
}

/**
 * Judges every function a statement calls by what the connected server says it is. Each call is
 * matched with every overload it could resolve to (same name, in its schema or on the search path,
 * an arity that fits once defaults and VARIADIC are counted), and the statement is refused if any
 * of them is unsafe: the server picks among them by argument types, and choosing the worst one
 * costs a reader nothing. Operators are judged by the function behind them. A name with no
 * candidate is left for the server to report as it does.
 */
export async function checkPostgresRoutines(called: CalledRoutines, rows: CatalogRows): Promise<void> {
  const functionNames = [...new Set(called.functions.map((f) => f.name))];
  const operatorNames = [...new Set(called.operators.map((o) => o.name))];
  const [functions, operators] = await Promise.all([
    functionNames.length > 0 ? rows(FUNCTIONS_SQL, [functionNames]) : [],
    operatorNames.length > 0 ? rows(OPERATORS_SQL, [operatorNames]) : [],
  ]);
  const functionCandidates = functions.map(candidate);
  for (const call of called.functions) {
    for (const found of functionCandidates) {
      if (found.calledAs === call.name && inScope(found, call.schema) && fits(found, call)) refuse(found);
    }
  }
  const operatorCandidates = operators.map(candidate);
  for (const use of called.operators) {
    for (const found of operatorCandidates) {
      if (found.calledAs === use.name && inScope(found, use.schema)) refuse(found);
    }
  }
}

function refuse(found: Candidate): void {
  const reason = routineRefusal(found.facts);
  if (reason) throw new DbError('refused', `refused: ${reason} is not allowed on this connection`);
}

/** Rows arrive as Postgres's text (Quarry's connections switch pg's parsers off): `t`/`f`, digits. */
function candidate(row: unknown[]): Candidate {
  const [signature, name, schema, volatility, language, trusted, extension, argCount, defaults, variadic, takesRow, calledAs, namespace, onPath] = row as string[];
  const flag = (value: unknown): boolean => value === true || value === 't';
  return {
    facts: { signature: signature!, name: name!, schema: schema!, volatility: volatility!, language: language!, trustedLanguage: flag(trusted), extension: extension ?? null },
    argCount: Number(argCount),
    defaults: Number(defaults),
    variadic: flag(variadic),
    takesRow: flag(takesRow),
    calledAs: calledAs!,
    namespace: namespace!,
    onPath: flag(onPath),
  };
}

function inScope(found: Candidate, schema: string | null): boolean {
  return schema === null ? found.onPath : found.namespace === schema;
}

/** Whether a call with this many arguments could resolve to this overload (named arguments count as arguments). */
function fits(found: Candidate, call: FunctionCall): boolean {
  if (call.attribute) return found.takesRow && call.argCount >= found.argCount - found.defaults && call.argCount <= found.argCount;
  const least = found.argCount - found.defaults - (found.variadic ? 1 : 0);
  return call.argCount >= least && (found.variadic || call.argCount <= found.argCount);
}
