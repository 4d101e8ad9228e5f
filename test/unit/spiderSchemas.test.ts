import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { DatabaseSchema } from '../../src/core/types/DatabaseSchema';
import { renderSchemaDdl } from '../../src/core/schema/renderSchemaDdl';
import { openTestDb } from '../helpers/dbAssertions';
import { SPIDER_DIR, spiderDb } from '../helpers/fixtures';

interface SpiderTables {
  db_id: string;
  table_names_original: string[];
  column_names_original: [number, string][];
  primary_keys: (number | number[])[];
  foreign_keys: [number, number][];
}

const spider = JSON.parse(readFileSync(join(SPIDER_DIR, 'tables.json'), 'utf8')) as SpiderTables[];
/** Known differences, listed in the data's MANIFEST: tables.json names SQLite's own bookkeeping table. */
const INTERNAL_TABLES = new Set(['sqlite_sequence']);

function expectedTables(entry: SpiderTables): Map<string, string[]> {
  const tables = new Map<string, string[]>();
  entry.table_names_original.forEach((name) => {
    if (!INTERNAL_TABLES.has(name.toLowerCase())) tables.set(name.toLowerCase(), []);
  });
  for (const [tableIndex, column] of entry.column_names_original) {
    if (tableIndex < 0) continue;
    tables.get(entry.table_names_original[tableIndex]!.toLowerCase())?.push(column.toLowerCase());
  }
  return tables;
}

function readTables(schema: DatabaseSchema): Map<string, string[]> {
  return new Map(schema.tables.filter((t) => t.kind === 'table').map((t) => [t.name.toLowerCase(), t.columns.map((c) => c.name.toLowerCase())]));
}

function foreignKeyPairs(schema: DatabaseSchema): Set<string> {
  const pairs = new Set<string>();
  for (const table of schema.tables) {
    for (const fk of table.foreignKeys) {
      fk.columns.forEach((column, i) => pairs.add(`${table.name}.${column}->${fk.refTable}.${fk.refColumns[i]}`.toLowerCase()));
    }
  }
  return pairs;
}

test('every Spider database reads with the tables and columns tables.json lists', async () => {
  const present = spider.filter((entry) => existsSync(spiderDb(entry.db_id)));
  assert.equal(present.length, 163, 'MANIFEST.md promises 163 databases');
  let foreignKeysSeen = 0;
  for (const entry of present) {
    const db = await openTestDb(spiderDb(entry.db_id));
    try {
      const schema = await db.readSchema();
      assert.deepEqual(readTables(schema), expectedTables(entry), entry.db_id);
      for (const table of schema.tables) {
        assert.ok(table.rowCount !== null && table.rowCount >= 0, `${entry.db_id}.${table.name} has a row count`);
        for (const column of table.columns) assert.ok(column.examples.length <= 3);
      }
      foreignKeysSeen += foreignKeyPairs(schema).size;
      assert.ok(renderSchemaDdl(schema).includes('CREATE TABLE'), entry.db_id);
    } finally {
      await db.dispose();
    }
  }
  assert.ok(foreignKeysSeen > 500, `foreign keys read: ${foreignKeysSeen}`);
});

test('foreign keys agree with tables.json where the database declares them', async () => {
  // tables.json derives its keys from the same DDL, so every pair it lists on a present database must be read.
  for (const dbId of ['concert_singer', 'flight_2', 'student_transcripts_tracking', 'world_1', 'car_1']) {
    const entry = spider.find((e) => e.db_id === dbId)!;
    const db = await openTestDb(spiderDb(dbId));
    try {
      const read = foreignKeyPairs(await db.readSchema({ sampleValues: 0 }));
      const column = (i: number) => {
        const [t, c] = entry.column_names_original[i]!;
        return `${entry.table_names_original[t]}.${c}`.toLowerCase();
      };
      for (const [from, to] of entry.foreign_keys) {
        assert.ok(read.has(`${column(from)}->${column(to)}`), `${dbId}: ${column(from)} -> ${column(to)} not read; read: ${[...read].join(', ')}`);
      }
    } finally {
      await db.dispose();
    }
  }
});
