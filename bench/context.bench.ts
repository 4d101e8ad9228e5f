/**
 * Schema, value and example retrieval on warehouse-sized schemas (issue 30): "Spider union" (every
 * Spider database as one schema of a single DuckDB file, about 840 tables, rows kept) and "BIRD
 * union" (BIRD dev's 11 schema-only databases). Spider dev and BIRD dev questions are asked of the
 * whole union without saying which database.
 * Goals: table recall ≥ 0.95 (Spider union) and ≥ 0.90 (BIRD union) at a 2,048-token budget;
 * value recall ≥ 0.90; retrieval p95 ≤ 100 ms a question once the index is built; among the top 3
 * examples from Spider train, one with the gold query's skeleton for ≥ 0.35 of Spider dev.
 * References are the bench's own: gold tables and columns read from the gold SQL by a token walk
 * (test/helpers/namesInSql.ts), literals by a regular expression, skeletons by another.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildPromptContext } from '../src/core/context/buildPromptContext';
import { buildValueIndex } from '../src/core/context/buildValueIndex';
import { estimateTokens } from '../src/core/context/estimateTokens';
import { ExamplePool } from '../src/core/context/ExamplePool';
import { SchemaIndex } from '../src/core/context/SchemaIndex';
import { ValueIndex } from '../src/core/context/ValueIndex';
import { IsolatedDatabase } from '../src/core/db/IsolatedDatabase';
import { PROMPT_FORMATS } from '../src/core/prompt/promptFormats';
import type { DatabaseSchema } from '../src/core/types/DatabaseSchema';
import { buildDatabaseUnion, UNION_SOURCES } from '../scripts/buildDatabaseUnion';
import { PROJECT_ROOT, SHARED_DATA, SPIDER_DIR, WORKER_SCRIPT } from '../test/helpers/fixtures';
import { namesInSql } from '../test/helpers/namesInSql';

const BUDGET = 2048;
const GOALS = { spiderTableRecall: 0.95, birdTableRecall: 0.9, valueRecall: 0.9, p95Ms: 100, skeletonAt3: 0.35 };
const format = PROMPT_FORMATS.quarry;
/** QUARRY_BENCH_VERBOSE=1 prints every miss. */
const VERBOSE = !!process.env.QUARRY_BENCH_VERBOSE;

interface Question {
  question: string;
  sql: string;
  db: string;
  evidence?: string;
}

async function union(benchmark: 'spider' | 'bird'): Promise<string> {
  const target = join(PROJECT_ROOT, 'bench', '.data', `${benchmark}-union.duckdb`);
  if (!existsSync(target)) {
    mkdirSync(dirname(target), { recursive: true });
    const report = await buildDatabaseUnion(target, join(SHARED_DATA, ...UNION_SOURCES[benchmark]));
    console.log(`built ${target}: ${JSON.stringify(report)}`);
  }
  return target;
}

/** Gold tables and columns as `schema.table` and `schema.table.column`, lower case, read from the gold SQL. */
function goldNames(schema: DatabaseSchema, q: Question): { tables: string[]; columns: string[] } {
  const own = schema.tables.filter((t) => t.schema?.toLowerCase() === q.db.toLowerCase());
  const known = new Set(own.flatMap((t) => [t.name.toLowerCase(), ...t.columns.map((c) => c.name.toLowerCase())]));
  const names = namesInSql(q.sql, known);
  const tables = own.filter((t) => names.tables.some((n) => n.toLowerCase() === t.name.toLowerCase()));
  const columns = tables.flatMap((t) => t.columns.filter((c) => names.columns.some((n) => n.toLowerCase() === c.name.toLowerCase())).map((c) => `${q.db}.${t.name}.${c.name}`.toLowerCase()));
  return { tables: tables.map((t) => `${q.db}.${t.name}`.toLowerCase()), columns: [...new Set(columns)] };
}

/** String literals of the gold SQL (single or double quoted, as Spider writes them), LIKE patterns aside. */
function goldLiterals(sql: string): string[] {
  return [...sql.matchAll(/'((?:[^']|'')*)'|"((?:[^"]|"")*)"/g)].map((m) => (m[1] ?? m[2] ?? '').replace(/''|""/g, (d) => d[0]!)).filter((v) => v.trim() && !v.includes('%'));
}

/** Keywords and operators kept, names `_`, literals `?`: the reference skeleton, written apart from src/core/context/sqlSkeleton.ts. */
function skeletonOf(sql: string): string {
  return sql
    .replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"/g, ' ? ')
    .replace(/\b\d+(\.\d+)?\b/g, ' ? ')
    .replace(/[A-Za-z_][A-Za-z0-9_]*(\s*\.\s*[A-Za-z_][A-Za-z0-9_]*)?/g, (word) => (SKELETON_KEYWORDS.has(word.toUpperCase()) ? word.toUpperCase() : '_'))
    .replace(/\s*(;)\s*$/, '')
    .replace(/([(),])/g, ' $1 ')
    .replace(/\s+/g, ' ')
    .trim();
}
const SKELETON_KEYWORDS = new Set(
  'SELECT DISTINCT FROM WHERE AND OR NOT IN IS NULL LIKE BETWEEN GROUP BY ORDER HAVING LIMIT JOIN ON AS ASC DESC UNION ALL INTERSECT EXCEPT EXISTS COUNT SUM AVG MIN MAX CASE WHEN THEN ELSE END CAST LEFT INNER OUTER'.split(' '),
);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function measureTables(name: string, path: string, questions: Question[], schemaOnly: boolean) {
  const db = await IsolatedDatabase.open(path, { workerScript: WORKER_SCRIPT });
  try {
    let started = performance.now();
    const schema = await db.readSchema({ sampleValues: schemaOnly ? 0 : undefined });
    const readMs = performance.now() - started;
    started = performance.now();
    const index = new SchemaIndex(schema);
    const indexMs = performance.now() - started;
    let values: ValueIndex | undefined;
    let valueReport = 'none (schema-only)';
    if (!schemaOnly) {
      const data = await buildValueIndex(db, schema);
      started = performance.now();
      values = new ValueIndex(data);
      valueReport = `${values.size} values of ${data.columns.length} columns, read in ${(data.buildMs / 1000).toFixed(1)} s, indexed in ${(performance.now() - started).toFixed(0)} ms, ${(JSON.stringify(data).length / 1e6).toFixed(1)} MB as cached`;
    }
    const sources = { index, format, countTokens: estimateTokens, ...(values ? { values } : {}) };
    buildPromptContext(sources, { question: 'warm up', budget: BUDGET });
    let tableHits = 0;
    let columnHits = 0;
    let columnTotal = 0;
    let tokens = 0;
    let literalTotal = 0;
    let literalHits = 0;
    let retrievedHits = 0;
    const ms: number[] = [];
    const literalCheck = schemaOnly ? null : await literalsInDatabase(db, schema, questions);
    for (const [i, q] of questions.entries()) {
      const asked = q.evidence ? `${q.question} ${q.evidence}` : q.question;
      const t = performance.now();
      const context = buildPromptContext(sources, { question: asked, budget: BUDGET });
      ms.push(performance.now() - t);
      const chosen = new Set(context.tables.map((n) => n.toLowerCase()));
      const chosenColumns = new Set(context.columns.map((n) => n.toLowerCase()));
      const gold = goldNames(schema, q);
      if (gold.tables.every((table) => chosen.has(table))) tableHits++;
      else if (VERBOSE) console.log(`  table miss: ${q.question} | gold ${gold.tables.filter((t) => !chosen.has(t)).join(', ')} | chosen ${context.tables.slice(0, 8).join(', ')}`);
      columnTotal += gold.columns.length;
      columnHits += gold.columns.filter((c) => chosenColumns.has(c)).length;
      tokens += context.tokens.total;
      for (const literal of literalCheck?.[i] ?? []) {
        literalTotal++;
        // The prompt's values: those retrieved, and the example values its columns show (the schema's own, with the retrieved put first).
        if (context.values.some((v) => v.value.toLowerCase() === literal.toLowerCase())) retrievedHits++;
        const shown = context.schema.tables.flatMap((t) => t.columns.flatMap((c) => c.examples));
        if (shown.some((v) => v.toLowerCase() === literal.toLowerCase())) literalHits++;
        else if (VERBOSE) console.log(`  value miss: ${q.question} | ${literal} | shown ${context.values.map((v) => v.value).join(', ')}`);
      }
    }
    const result = {
      tableRecall: tableHits / questions.length,
      columnRecall: columnTotal ? columnHits / columnTotal : 1,
      averageTokens: tokens / questions.length,
      valueRecall: literalTotal ? literalHits / literalTotal : null,
      literals: literalTotal,
      p50: percentile(ms, 50),
      p95: percentile(ms, 95),
    };
    console.log(
      `${name}: ${schema.tables.length} tables, ${schema.tables.reduce((n, t) => n + t.columns.length, 0)} columns (read ${(readMs / 1000).toFixed(1)} s, indexed ${indexMs.toFixed(0)} ms); value index: ${valueReport}\n` +
        `  ${questions.length} questions at ${BUDGET} tokens: table recall ${result.tableRecall.toFixed(3)}, column recall ${result.columnRecall.toFixed(3)}, ` +
        `${result.averageTokens.toFixed(0)} tokens on average; value recall ${result.valueRecall === null ? '—' : `${result.valueRecall.toFixed(3)} (${literalHits}/${literalTotal} literals; ${retrievedHits} of them among the values retrieved, the rest among the schema's example values)`}; ` +
        `retrieval p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms`,
    );
    return result;
  } finally {
    await db.dispose();
  }
}

/** Each question's gold literals that occur in its own database's gold tables (case aside), by the database itself. */
async function literalsInDatabase(db: IsolatedDatabase, schema: DatabaseSchema, questions: Question[]): Promise<string[][]> {
  const out: string[][] = [];
  for (const q of questions) {
    const found: string[] = [];
    const gold = goldNames(schema, q).tables;
    for (const literal of goldLiterals(q.sql)) {
      let present = false;
      for (const table of schema.tables.filter((t) => gold.includes(`${t.schema}.${t.name}`.toLowerCase()))) {
        const textColumns = table.columns.filter((c) => /CHAR|TEXT/i.test(c.type));
        if (!textColumns.length) continue;
        const where = textColumns.map((c) => `lower("${c.name.replaceAll('"', '""')}") = lower('${literal.replaceAll("'", "''")}')`).join(' OR ');
        const result = await db.query(`SELECT 1 FROM "${table.schema}"."${table.name.replaceAll('"', '""')}" WHERE ${where} LIMIT 1`);
        if (result.rows.length) present = true;
      }
      if (present) found.push(literal);
    }
    out.push(found);
  }
  return out;
}

function measureExamples(): number {
  const train = JSON.parse(readFileSync(join(SPIDER_DIR, 'train_spider.min.json'), 'utf8')) as { question: string; query: string; db_id: string }[];
  const dev = JSON.parse(readFileSync(join(SPIDER_DIR, 'dev.json'), 'utf8')) as { question: string; query: string }[];
  let started = performance.now();
  const pool = new ExamplePool(train.map((e) => ({ question: e.question, sql: e.query, db: e.db_id })));
  const buildMs = performance.now() - started;
  let hits = 0;
  started = performance.now();
  for (const q of dev) {
    const gold = skeletonOf(q.query);
    if (pool.rank(q.question, 3).some((e) => skeletonOf(e.sql) === gold)) hits++;
  }
  const share = hits / dev.length;
  const baseline = plainTfIdfShare(train, dev);
  console.log(
    `examples: pool of ${pool.size} (Spider train) built in ${buildMs.toFixed(0)} ms; top 3 hold the gold skeleton for ${share.toFixed(3)} of ${dev.length} Spider dev questions ` +
      `(${((performance.now() - started) / dev.length).toFixed(1)} ms a question); plain TF-IDF over question words, the reference: ${baseline.toFixed(3)}`,
  );
  return share;
}

/** The reference the issue names: the top 3 pool questions by TF-IDF cosine over their words, nothing masked. */
function plainTfIdfShare(train: { question: string; query: string }[], dev: { question: string; query: string }[]): number {
  const words = (text: string) => text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  const df = new Map<string, number>();
  const docs = train.map((e) => words(e.question));
  for (const doc of docs) for (const w of new Set(doc)) df.set(w, (df.get(w) ?? 0) + 1);
  const vector = (doc: string[]) => {
    const v = new Map<string, number>();
    for (const w of doc) v.set(w, (v.get(w) ?? 0) + Math.log((1 + docs.length) / (1 + (df.get(w) ?? 0))));
    const norm = Math.sqrt([...v.values()].reduce((a, x) => a + x * x, 0)) || 1;
    for (const [w, x] of v) v.set(w, x / norm);
    return v;
  };
  const vectors = docs.map(vector);
  let hits = 0;
  for (const q of dev) {
    const v = vector(words(q.question));
    const scored = vectors.map((d, i) => ({ i, s: [...v].reduce((a, [w, x]) => a + x * (d.get(w) ?? 0), 0) })).sort((a, b) => b.s - a.s || a.i - b.i);
    const gold = skeletonOf(q.query);
    if (scored.slice(0, 3).some(({ i }) => skeletonOf(train[i]!.query) === gold)) hits++;
  }
  return hits / dev.length;
}

async function main(): Promise<void> {
  const spiderQuestions = (JSON.parse(readFileSync(join(SPIDER_DIR, 'dev.json'), 'utf8')) as { question: string; query: string; db_id: string }[]).map((q) => ({ question: q.question, sql: q.query, db: q.db_id }));
  const birdDir = join(SHARED_DATA, 'bird-dev-json-only');
  const birdQuestions = (JSON.parse(readFileSync(join(birdDir, 'dev.json'), 'utf8')) as { question: string; SQL: string; db_id: string; evidence?: string }[]).map((q) => ({ question: q.question, sql: q.SQL, db: q.db_id, ...(q.evidence ? { evidence: q.evidence } : {}) }));
  const spiderPath = await union('spider');
  const birdPath = await union('bird');
  console.log(`Spider union ${(statSync(spiderPath).size / 1e6).toFixed(0)} MB; BIRD union ${(statSync(birdPath).size / 1e6).toFixed(1)} MB`);
  const spider = await measureTables('Spider union', spiderPath, spiderQuestions, false);
  const bird = await measureTables('BIRD union (question and evidence, as quarry ask --evidence retrieves)', birdPath, birdQuestions, true);
  await measureTables('BIRD union (question alone)', birdPath, birdQuestions.map(({ evidence: _, ...q }) => q), true);
  const skeletons = measureExamples();
  const misses = [
    spider.tableRecall < GOALS.spiderTableRecall && `Spider table recall ${spider.tableRecall.toFixed(3)} < ${GOALS.spiderTableRecall}`,
    bird.tableRecall < GOALS.birdTableRecall && `BIRD table recall ${bird.tableRecall.toFixed(3)} < ${GOALS.birdTableRecall}`,
    (spider.valueRecall ?? 0) < GOALS.valueRecall && `value recall ${spider.valueRecall?.toFixed(3)} < ${GOALS.valueRecall}`,
    Math.max(spider.p95, bird.p95) > GOALS.p95Ms && `retrieval p95 ${Math.max(spider.p95, bird.p95).toFixed(1)} ms > ${GOALS.p95Ms} ms`,
    skeletons < GOALS.skeletonAt3 && `examples ${skeletons.toFixed(3)} < ${GOALS.skeletonAt3}`,
  ].filter(Boolean);
  if (misses.length) {
    console.log(`missed: ${misses.join('; ')}`);
    process.exitCode = 1;
  } else console.log('all retrieval goals met');
}

void main();
