import { Parser } from 'node-sql-parser';
import type { Hardness } from '../protocol/evalReport';

export type { Hardness };

type Node = Record<string, unknown> | null | undefined;

const parser = new Parser();
/** node-sql-parser's PostgreSQL grammar reads nearly every Spider query (INTERSECT/EXCEPT included); the others are fallbacks. */
const DIALECTS = ['postgresql', 'mariadb', 'sqlite'];

/**
 * Spider's hardness (easy/medium/hard/extra) by the rules of its evaluator (`eval_hardness` and the
 * component counts in evaluation.py), applied to the AST of a maintained SQL parser. The rules'
 * quirks are kept on purpose, so the levels match the published ones; null when no parser reads it.
 */
export function spiderHardness(sql: string): Hardness | null {
  const ast = parse(sql);
  if (!ast) return null;
  const c1 = componentOne(ast);
  const c2 = nestedQueries(ast);
  const others = otherComponents(ast);
  if (c1 <= 1 && others === 0 && c2 === 0) return 'easy';
  if ((others <= 2 && c1 <= 1 && c2 === 0) || (c1 <= 2 && others < 2 && c2 === 0)) return 'medium';
  if ((others > 2 && c1 <= 2 && c2 === 0) || (c1 > 2 && c1 <= 3 && others <= 2 && c2 === 0) || (c1 <= 1 && others === 0 && c2 <= 1)) {
    return 'hard';
  }
  return 'extra';
}

function parse(sql: string): Record<string, unknown> | null {
  for (const database of DIALECTS) {
    try {
      const ast = parser.astify(sql, { database });
      const first = (Array.isArray(ast) ? ast[0] : ast) as unknown as Record<string, unknown>;
      if (first?.type === 'select') return first;
    } catch {
      // try the next grammar
    }
  }
  return null;
}

/** A WHERE/HAVING/ON expression as Spider lists it: conditions with AND/OR connectors between them, in order. */
function flatten(expr: Node): { conditions: Record<string, unknown>[]; connectors: string[] } {
  const conditions: Record<string, unknown>[] = [];
  const connectors: string[] = [];
  const walk = (node: Node) => {
    if (!node) return;
    const operator = String(node.operator ?? '').toUpperCase();
    if (node.type === 'binary_expr' && (operator === 'AND' || operator === 'OR') && !node.parentheses) {
      walk(node.left as Node);
      connectors.push(operator.toLowerCase());
      walk(node.right as Node);
    } else {
      conditions.push(node);
    }
  };
  walk(expr);
  return { conditions, connectors };
}

function fromConditions(ast: Record<string, unknown>): ReturnType<typeof flatten> {
  const all = { conditions: [] as Record<string, unknown>[], connectors: [] as string[] };
  for (const item of (ast.from as Node[] | null) ?? []) {
    if (!item?.on) continue;
    const part = flatten(item.on as Node);
    if (all.conditions.length > 0) all.connectors.push('and');
    all.conditions.push(...part.conditions);
    all.connectors.push(...part.connectors);
  }
  return all;
}

function isLike(condition: Record<string, unknown>): boolean {
  return /LIKE/.test(String(condition.operator ?? '').toUpperCase());
}

function isNegated(condition: Record<string, unknown>): boolean {
  const operator = String(condition.operator ?? '').toUpperCase();
  return operator.startsWith('NOT ') || (condition.type === 'unary_expr' && operator === 'NOT');
}

function isSubquery(node: unknown): boolean {
  if (!node || typeof node !== 'object') return false;
  const value = node as Record<string, unknown>;
  if (value.ast) return true;
  if (value.type === 'expr_list' && Array.isArray(value.value)) return value.value.some((v) => isSubquery(v));
  return false;
}

function groupByColumns(ast: Record<string, unknown>): Node[] {
  const groupBy = ast.groupby as { columns?: Node[] } | Node[] | null;
  if (!groupBy) return [];
  return Array.isArray(groupBy) ? groupBy : (groupBy.columns ?? []);
}

function isAggregate(node: Node): boolean {
  return node?.type === 'aggr_func';
}

/** count_component1: WHERE, GROUP BY, ORDER BY, LIMIT, each join, each OR, each LIKE. */
function componentOne(ast: Record<string, unknown>): number {
  let count = 0;
  const where = flatten(ast.where as Node);
  const having = flatten(ast.having as Node);
  const on = fromConditions(ast);
  if (where.conditions.length > 0) count++;
  if (groupByColumns(ast).length > 0) count++;
  if (((ast.orderby as unknown[]) ?? []).length > 0) count++;
  if (ast.limit && ((ast.limit as { value?: unknown[] }).value ?? []).length > 0) count++;
  const tables = ((ast.from as unknown[]) ?? []).length;
  if (tables > 0) count += tables - 1;
  count += [...on.connectors, ...where.connectors, ...having.connectors].filter((c) => c === 'or').length;
  count += [...on.conditions, ...where.conditions, ...having.conditions].filter(isLike).length;
  return count;
}

/** count_component2: subqueries as condition values, and the set operation that follows. */
function nestedQueries(ast: Record<string, unknown>): number {
  let count = 0;
  const conditions = [fromConditions(ast), flatten(ast.where as Node), flatten(ast.having as Node)].flatMap((f) => f.conditions);
  for (const condition of conditions) {
    if (isSubquery(condition.left)) count++;
    if (isSubquery(condition.right)) count++;
  }
  if (ast._next && ast.set_op) count++;
  return count;
}

/**
 * count_others, quirks included: Spider's `count_agg` over WHERE counts negated conditions (it reads
 * the NOT flag where an aggregate would be), and over HAVING counts the AND/OR connectors.
 */
function otherComponents(ast: Record<string, unknown>): number {
  let count = 0;
  const columns = (ast.columns as Node[] | string) ?? [];
  const selectItems = Array.isArray(columns) ? columns : [columns];
  const where = flatten(ast.where as Node);
  const having = flatten(ast.having as Node);
  let aggregates = selectItems.filter((item) => isAggregate((item as Node)?.expr as Node)).length;
  aggregates += where.conditions.filter(isNegated).length;
  aggregates += groupByColumns(ast).filter(isAggregate).length;
  aggregates += ((ast.orderby as Node[]) ?? []).filter((item) => isAggregate(item?.expr as Node)).length;
  aggregates += having.connectors.length + having.conditions.filter(isNegated).length;
  if (aggregates > 1) count++;
  if (selectItems.length > 1) count++;
  if (where.conditions.length > 1) count++;
  if (groupByColumns(ast).length > 1) count++;
  return count;
}
