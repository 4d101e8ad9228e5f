import type { DatabaseAdapter } from '../db/DatabaseAdapter';
import { DbError } from '../db/DbError';
import { openAdapter } from '../db/openAdapter';
import { checkReadOnlyStatement } from '../sql/checkReadOnlyStatement';
import type { EvalItem, EvalItemVerdict, MetricVerdict } from '../protocol/dbWorkerMethods';
import type { TypedRows } from '../types/QueryResult';
import type { ServerCredentials } from '../types/ServerCredentials';
import { createHash } from 'node:crypto';
import { PreparedRows, valueKey, type EvalValue } from './compareResults';
import { EVAL_METRICS, isMetricId } from './metrics/evalMetrics';
import type { EvalMetric } from './metrics/EvalMetric';
import { meanWithoutOutliers } from './metrics/efficiencyMetrics';

/** Databases kept open in one evaluation worker; examples come grouped by database, so a few suffice. */
const MAX_OPEN = 4;
/** Prepared gold texts kept (Spider dev has about a thousand distinct gold queries). */
const MAX_PREPARED = 50_000;
/** Gold result values kept in memory at once (Spider's are tiny; BIRD has gold results of 100,000 rows). */
const MAX_CACHED_VALUES = 20_000_000;

/**
 * The evaluation side of a database worker: read-only connections to many databases, each distinct
 * gold query run once and its result kept, and predictions compared with it here, so only a
 * verdict crosses to the parent process. Queries pass the same read-only guard as everywhere else.
 */
export class EvalConnections {
  private readonly open = new Map<string, DatabaseAdapter>();
  private readonly golds = new Map<string, { path: string; result: PreparedRows; values: number; ms: number }>();
  private cachedValues = 0;
  private readonly preparedGolds = new Map<string, string>();
  /** Servers' credentials, as items bring them (the editor's SecretStorage; the CLI relies on PGPASSWORD or ~/.pgpass). */
  private readonly credentials = new Map<string, ServerCredentials>();

  constructor(private readonly memoryLimitMb: number) {}

  /**
   * One item's verdict: why its gold query cannot be compared, or each metric's verdict on the
   * prediction. Each metric runs the queries as its authors' harness does; a text two metrics
   * prepare alike runs once.
   */
  async score(item: EvalItem, maxRows: number): Promise<EvalItemVerdict> {
    if (!this.credentials.has(item.path)) this.credentials.set(item.path, { password: item.password, fromDataFile: item.fromDataFile });
    try {
      await this.connection(item.path);
    } catch (error) {
      // Not the gold query's fault: the summary must say the database could not be reached, and why.
      return { goldError: `database cannot be opened: ${(error as Error).message}` };
    }
    const metrics: EvalMetric[] = item.metrics.map((id) => {
      if (!isMetricId(id)) throw new Error(`no evaluation metric '${id}'`);
      return EVAL_METRICS[id];
    });
    const text = { keepDistinct: item.keepDistinct };
    const golds = new Map<string, { sql: string; rows: PreparedRows; ms: number }>();
    for (const metric of metrics) {
      const sql = this.preparedGold(metric, item.gold, text);
      let gold: { rows: PreparedRows; ms: number } | 'over-cap';
      try {
        gold = await this.goldResult(item.path, sql, maxRows);
      } catch (error) {
        return { goldError: `gold query fails: ${(error as Error).message}` };
      }
      if (gold === 'over-cap') return { goldError: `gold result has more than ${maxRows} rows, the row cap: not compared` };
      golds.set(metric.id, { sql, ...gold });
    }
    if (item.prediction === null) return { goldOk: true };
    const runs = new Map<string, { result: TypedRows; ms: number } | Error>();
    const scored: Record<string, MetricVerdict> = {};
    let predMs: number | undefined;
    let rowSet: string | undefined;
    for (const metric of metrics) {
      const refused = metric.refuses(item.prediction);
      if (refused) {
        scored[metric.id] = { error: refused };
        continue;
      }
      const sql = metric.prepare(item.prediction, text);
      if (!runs.has(sql)) runs.set(sql, await this.timed(item.path, sql, maxRows).catch((error: Error) => error));
      const predicted = runs.get(sql)!;
      const gold = golds.get(metric.id)!;
      if (metric === metrics[0] && !(predicted instanceof Error)) {
        predMs = predicted.ms;
        if (item.rowSet) rowSet = rowSetDigest(predicted.result.rows);
      }
      // Gold fits under the cap and the prediction does not: their row counts differ, so no match.
      scored[metric.id] = predicted instanceof Error ? { error: predicted.message } : { match: !predicted.result.truncated && metric.matches(gold.rows, predicted.result.rows, gold.sql) };
    }
    const headline = metrics[0]!;
    const goldMs = golds.get(headline.id)!.ms;
    const right = scored[headline.id];
    const ran = { scored, goldMs, ...(predMs !== undefined ? { predMs } : {}), ...(rowSet !== undefined ? { rowSet } : {}) };
    if (!item.timingRuns || !right || !('match' in right) || !right.match) return ran;
    const timeRatio = await this.timeRatio(item.path, golds.get(headline.id)!.sql, headline.prepare(item.prediction, text), item.timingRuns, maxRows);
    return { ...ran, timeRatio };
  }

  /**
   * VES's time ratio, as BIRD's `iterated_execute_sql` measures it: gold time / predicted time for
   * each of `runs` rounds, prediction first, after one warm-up run of each (so neither pays for a
   * cold cache the other warmed), then the mean of the ratios within mean ± 3σ.
   */
  private async timeRatio(path: string, gold: string, predicted: string, runs: number, maxRows: number): Promise<number> {
    await this.timed(path, predicted, maxRows);
    await this.timed(path, gold, maxRows);
    const ratios: number[] = [];
    for (let i = 0; i < runs; i++) {
      const p = (await this.timed(path, predicted, maxRows)).ms;
      const g = (await this.timed(path, gold, maxRows)).ms;
      ratios.push(g / Math.max(p, 1e-6));
    }
    return meanWithoutOutliers(ratios);
  }

  private async timed(path: string, sql: string, maxRows: number): Promise<{ result: TypedRows; ms: number }> {
    const started = performance.now();
    const result = await this.run(path, sql, maxRows);
    return { result, ms: performance.now() - started };
  }

  /** A gold query as a metric runs it, prepared once: a split asks the same gold query of many predictions, and preparing means lexing. */
  private preparedGold(metric: EvalMetric, sql: string, text: { keepDistinct: boolean }): string {
    const key = `${metric.id}\n${text.keepDistinct}\n${sql}`;
    let prepared = this.preparedGolds.get(key);
    if (prepared === undefined) {
      if (this.preparedGolds.size >= MAX_PREPARED) this.preparedGolds.clear();
      prepared = metric.prepare(sql, text);
      this.preparedGolds.set(key, prepared);
    }
    return prepared;
  }

  /** The gold query's result, prepared for comparing, and how long it took, from the first time it ran. */
  private async goldResult(path: string, sql: string, maxRows: number): Promise<{ rows: PreparedRows; ms: number } | 'over-cap'> {
    const cached = this.golds.get(goldKey(path, sql));
    if (cached) return { rows: cached.result, ms: cached.ms };
    const { result, ms } = await this.timed(path, sql, maxRows);
    if (result.truncated) return 'over-cap';
    const prepared = new PreparedRows(result.rows, true);
    this.keep(path, sql, prepared, ms);
    return { rows: prepared, ms };
  }

  close(): void {
    for (const adapter of this.open.values()) adapter.close();
    this.open.clear();
    this.golds.clear();
    this.cachedValues = 0;
  }

  private async run(path: string, sql: string, maxRows: number): Promise<TypedRows> {
    const verdict = checkReadOnlyStatement(sql);
    if (!verdict.ok) throw new DbError('refused', verdict.reason);
    return (await this.connection(path)).queryTyped(verdict.statement, verdict.explained, maxRows);
  }

  private async connection(path: string): Promise<DatabaseAdapter> {
    const known = this.open.get(path);
    if (known) return known;
    if (this.open.size >= MAX_OPEN) this.evict(this.open.keys().next().value!);
    const adapter = await openAdapter(path, { memoryLimitMb: this.memoryLimitMb, ...this.credentials.get(path) });
    this.open.set(path, adapter);
    return adapter;
  }

  private evict(path: string): void {
    this.open.get(path)?.close();
    this.open.delete(path);
    for (const [key, gold] of this.golds) {
      if (gold.path !== path) continue;
      this.cachedValues -= gold.values;
      this.golds.delete(key);
    }
  }

  private keep(path: string, sql: string, result: PreparedRows, ms: number): void {
    const values = result.rows.length * (result.rows[0]?.length ?? 0);
    for (const [key, old] of this.golds) {
      if (this.cachedValues + values <= MAX_CACHED_VALUES) break;
      this.cachedValues -= old.values;
      this.golds.delete(key);
    }
    this.golds.set(goldKey(path, sql), { path, result, values, ms });
    this.cachedValues += values;
  }
}

/** The set of rows (repeats and order aside; values as Python compares them) as a short digest: what OmniSQL's vote groups samples by. */
function rowSetDigest(rows: EvalValue[][]): string {
  const distinct = [...new Set(rows.map((row) => JSON.stringify(row.map(valueKey))))].sort();
  return createHash('sha1').update(JSON.stringify(distinct)).digest('hex');
}

function goldKey(path: string, sql: string): string {
  return `${path}\n${sql}`;
}
