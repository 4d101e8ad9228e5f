/**
 * Execution accuracy with the bundled model on Spider dev, three ways (issue 30): each question on
 * its own database (the standard run); on the Spider union with retrieval (the model is not told
 * which database); and on the union with retrieval and three examples from Spider train. Not part
 * of `npm run bench` (it takes the model about 20 minutes a way on one core): `npm run bench:context-ex`.
 * Each way is a `quarry eval` run, resumable, its report in bench/.data/. On the union, gold SQL runs
 * on DuckDB with its tables qualified by their database's schema; a gold query DuckDB cannot run
 * is skipped (and counted) by the evaluator, as everywhere.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tokenizeSql } from '../src/core/sql/tokenizeSql';
import { buildDatabaseUnion, UNION_SOURCES } from '../scripts/buildDatabaseUnion';
import { CLI_SCRIPT, PROJECT_ROOT, SHARED_DATA, SPIDER_DIR } from '../test/helpers/fixtures';

const DATA = join(PROJECT_ROOT, 'bench', '.data');
const COMMON = ['--attempts', '0', '--context-size', '2048', '--threads', '1'];

/**
 * The gold query as DuckDB reads it on the union: each table after FROM or JOIN (or a comma in a
 * FROM list) written schema.table, and a double-quoted word that names nothing made a string (SQLite
 * reads it so, and Spider's gold queries rely on it; DuckDB would look for a column).
 */
export function qualifyTables(sql: string, schema: string, tables: Set<string>, names: Set<string> = tables): string {
  const tokens = tokenizeSql(sql);
  let out = '';
  let at = 0;
  let inFrom = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const upper = token.text.toUpperCase();
    if (token.kind === 'word' && (upper === 'FROM' || upper === 'JOIN')) inFrom = true;
    else if (token.kind === 'word' && ['WHERE', 'GROUP', 'ORDER', 'HAVING', 'LIMIT', 'ON', 'UNION', 'INTERSECT', 'EXCEPT', 'SELECT'].includes(upper)) inFrom = false;
    const previous = tokens[i - 1];
    const startsRef = previous && ((previous.kind === 'word' && ['FROM', 'JOIN'].includes(previous.text.toUpperCase())) || (inFrom && previous.text === ','));
    const name = token.kind === 'quoted-identifier' ? token.text.slice(1, -1) : token.text;
    if (startsRef && (token.kind === 'word' || token.kind === 'quoted-identifier') && tables.has(name.toLowerCase()) && tokens[i + 1]?.text !== '.') {
      out += `${sql.slice(at, token.start)}"${schema}".`;
      at = token.start;
    } else if (token.kind === 'quoted-identifier' && token.text.startsWith('"') && !names.has(name.toLowerCase())) {
      out += `${sql.slice(at, token.start)}'${name.replaceAll("'", "''")}'`;
      at = token.start + token.text.length;
    }
  }
  return out + sql.slice(at);
}

function unionDataset(): string {
  const file = join(DATA, 'spider-union-dev.jsonl');
  const tables = JSON.parse(readFileSync(join(SPIDER_DIR, 'tables.json'), 'utf8')) as { db_id: string; table_names_original: string[]; column_names_original: [number, string][] }[];
  const byDb = new Map(tables.map((t) => [t.db_id, t]));
  const lower = (list: string[]) => new Set(list.map((n) => n.toLowerCase()));
  const dev = JSON.parse(readFileSync(join(SPIDER_DIR, 'dev.json'), 'utf8')) as { question: string; query: string; db_id: string }[];
  const lines = dev.map((q) => JSON.stringify({ question: q.question, sql: qualifyTables(q.query, q.db_id, lower(byDb.get(q.db_id)?.table_names_original ?? []), lower([...(byDb.get(q.db_id)?.table_names_original ?? []), ...(byDb.get(q.db_id)?.column_names_original ?? []).map(([, c]) => c)])), db: 'spider-union.duckdb' }));
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function evaluate(name: string, args: string[]): { execAccuracy: number; evaluated: number; skipped: number } {
  const report = join(DATA, `ex-${name}.json`);
  const resume = existsSync(`${report}.progress.jsonl`) ? ['--resume'] : [];
  const started = performance.now();
  const run = spawnSync(process.execPath, [CLI_SCRIPT, 'eval', ...args, ...COMMON, '--report', report, ...resume], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (run.status !== 0) throw new Error(`quarry eval (${name}) exited ${run.status}`);
  const summary = (JSON.parse(readFileSync(report, 'utf8')) as { summary: { execAccuracy: number; evaluated: number; skipped: number } }).summary;
  console.log(`${name}: EX ${(summary.execAccuracy * 100).toFixed(1)}% of ${summary.evaluated} (${summary.skipped} skipped), ${((performance.now() - started) / 60000).toFixed(1)} min`);
  return summary;
}

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  const union = join(DATA, 'spider-union.duckdb');
  if (!existsSync(union)) await buildDatabaseUnion(union, join(SHARED_DATA, ...UNION_SOURCES.spider));
  const dataset = unionDataset();
  const results = {
    single: evaluate('single', ['--spider', SPIDER_DIR, '--split', 'dev']),
    union: evaluate('union', ['--dataset', dataset]),
    unionExamples: evaluate('union-examples', ['--dataset', dataset, '--examples', join(SPIDER_DIR, 'train_spider.min.json')]),
  };
  for (const [way, summary] of Object.entries(results)) console.log(`${way.padEnd(14)} EX ${(summary.execAccuracy * 100).toFixed(1)}% of ${summary.evaluated} evaluated (${summary.skipped} skipped)`);
}

if (/contextAccuracy\.js$/.test(process.argv[1] ?? '')) void main();
