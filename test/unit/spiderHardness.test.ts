import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { spiderHardness, type Hardness } from '../../src/core/eval/spiderHardness';
import { SPIDER_DIR } from '../helpers/fixtures';

/** Spider's parsed SQL, as dev.json stores it, and its evaluator's hardness rules applied to it (the reference). */
type Cond = [boolean, number, unknown, unknown, unknown];
interface SpiderSql {
  select: [boolean, [number, unknown][]];
  from: { table_units: unknown[]; conds: (Cond | string)[] };
  where: (Cond | string)[];
  groupBy: [number, number, boolean][];
  having: (Cond | string)[];
  orderBy: [string, [number, [number, number, boolean] | null, [number, number, boolean] | null][]] | [];
  limit: number | null;
  intersect: SpiderSql | null;
  union: SpiderSql | null;
  except: SpiderSql | null;
}
const LIKE = 9;
// has_agg(unit) is `unit[0] != 0`: for a condition that is its NOT flag, for a connector its first letter.
const hasAgg = (unit: unknown) => (Array.isArray(unit) ? unit[0] !== 0 && unit[0] !== false : typeof unit === 'string' ? unit[0] !== undefined : false);
const countAgg = (units: unknown[]) => units.filter(hasAgg).length;
const everyOther = <T>(list: T[], start: number) => list.filter((_, i) => i % 2 === start);

function officialHardness(sql: SpiderSql): Hardness {
  const conds = [...everyOther(sql.from.conds, 0), ...everyOther(sql.where, 0), ...everyOther(sql.having, 0)] as Cond[];
  const connectors = [...everyOther(sql.from.conds, 1), ...everyOther(sql.where, 1), ...everyOther(sql.having, 1)];
  let c1 = 0;
  if (sql.where.length > 0) c1++;
  if (sql.groupBy.length > 0) c1++;
  if (sql.orderBy.length > 0) c1++;
  if (sql.limit !== null) c1++;
  if (sql.from.table_units.length > 0) c1 += sql.from.table_units.length - 1;
  c1 += connectors.filter((c) => c === 'or').length;
  c1 += conds.filter((c) => c[1] === LIKE).length;
  let c2 = conds.filter((c) => typeof c[3] === 'object' && c[3] !== null && !Array.isArray(c[3])).length;
  c2 += conds.filter((c) => typeof c[4] === 'object' && c[4] !== null && !Array.isArray(c[4])).length;
  c2 += [sql.intersect, sql.except, sql.union].filter((s) => s !== null).length;
  let others = 0;
  const orderUnits = sql.orderBy.length ? sql.orderBy[1].flatMap((u) => [u[1], u[2]].filter((x) => x)) : [];
  const aggs = countAgg(sql.select[1]) + countAgg(everyOther(sql.where, 0)) + countAgg(sql.groupBy) + countAgg(orderUnits) + countAgg(sql.having);
  if (aggs > 1) others++;
  if (sql.select[1].length > 1) others++;
  if (sql.where.length > 1) others++;
  if (sql.groupBy.length > 1) others++;
  if (c1 <= 1 && others === 0 && c2 === 0) return 'easy';
  if ((others <= 2 && c1 <= 1 && c2 === 0) || (c1 <= 2 && others < 2 && c2 === 0)) return 'medium';
  if ((others > 2 && c1 <= 2 && c2 === 0) || (c1 > 2 && c1 <= 3 && others <= 2 && c2 === 0) || (c1 <= 1 && others === 0 && c2 <= 1)) return 'hard';
  return 'extra';
}

test('hardness from the parser agrees with Spider evaluator levels on the dev set', () => {
  const dev = JSON.parse(readFileSync(join(SPIDER_DIR, 'dev.json'), 'utf8')) as { query: string; sql: SpiderSql }[];
  let agree = 0;
  const differ: string[] = [];
  for (const example of dev) {
    const ours = spiderHardness(example.query);
    const official = officialHardness(example.sql);
    if (ours === official) agree++;
    else differ.push(`${official} vs ${ours}: ${example.query}`);
  }
  if (process.env.QUARRY_SHOW_DIFF) console.log(differ.join('\n'));
  const rate = agree / dev.length;
  console.log(`hardness agreement: ${agree}/${dev.length} (${(100 * rate).toFixed(1)}%)`);
  // The README's number, exactly: a change in either direction shows here.
  assert.equal(agree, 1032, `${(100 * rate).toFixed(1)}%; first differences:\n${differ.slice(0, 10).join('\n')}`);
});

test('the published counts of the dev set by level', () => {
  const dev = JSON.parse(readFileSync(join(SPIDER_DIR, 'dev.json'), 'utf8')) as { sql: SpiderSql }[];
  const counts = { easy: 0, medium: 0, hard: 0, extra: 0 };
  for (const example of dev) counts[officialHardness(example.sql)]++;
  // The numbers the Spider leaderboard reports for the 1034-example dev set.
  assert.deepEqual(counts, { easy: 248, medium: 446, hard: 174, extra: 166 });
});
