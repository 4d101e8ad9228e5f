import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { DatabaseSchema } from '../../src/core/types/DatabaseSchema';
import { renderSchemaDdl } from '../../src/core/schema/renderSchemaDdl';
import { buildOpenFlightsDuckDb } from '../helpers/buildOpenFlightsDuckDb';
import { openTestDb } from '../helpers/dbAssertions';
import { makeTempDir, spiderDb } from '../helpers/fixtures';

const temp = makeTempDir();
const openflights = join(temp.dir, 'openflights.duckdb');
before(() => buildOpenFlightsDuckDb(openflights));
after(() => temp.dispose());

async function renderFresh(path: string, sampleValues?: number): Promise<string> {
  const db = await openTestDb(path);
  try {
    return renderSchemaDdl(await db.readSchema({ sampleValues }));
  } finally {
    await db.dispose();
  }
}

test('renders tables, keys, row counts and example values as DDL with comments', () => {
  const schema: DatabaseSchema = {
    dialect: 'sqlite',
    functions: [],
    tables: [
      {
        name: 'order items',
        kind: 'table',
        rowCount: 1,
        columns: [
          { name: 'order_id', type: 'INTEGER', primaryKey: true, notNull: true, examples: [] },
          { name: 'sku', type: 'TEXT', primaryKey: true, notNull: true, examples: ["it's", 'b'] },
          { name: 'select', type: '', primaryKey: false, notNull: false, examples: [] },
        ],
        foreignKeys: [{ columns: ['order_id'], refTable: 'orders', refColumns: ['id'] }],
      },
      {
        name: 'v',
        kind: 'view',
        rowCount: null,
        columns: [{ name: 'n', type: 'INT', primaryKey: false, notNull: false, examples: [] }],
        foreignKeys: [],
      },
    ],
  };
  assert.equal(
    renderSchemaDdl(schema),
    [
      'CREATE TABLE "order items" (',
      '  order_id INTEGER NOT NULL,',
      "  sku TEXT NOT NULL, -- e.g. 'it''s', 'b'",
      '  "select",',
      '  PRIMARY KEY (order_id, sku),',
      '  FOREIGN KEY (order_id) REFERENCES orders (id)',
      '); -- 1 row',
      '',
      'CREATE VIEW v (',
      '  n INT',
      ');',
      '',
    ].join('\n'),
  );
});

test('the same database always renders byte-identical text', async () => {
  for (const path of [spiderDb('world_1'), spiderDb('car_1'), openflights]) {
    assert.equal(await renderFresh(path), await renderFresh(path), path);
  }
});

test('the OpenFlights DuckDB file renders with its keys, counts and values', async () => {
  const ddl = await renderFresh(openflights);
  assert.match(ddl, /^CREATE TABLE airports \(\n {2}airport_id INTEGER PRIMARY KEY,\n {2}name VARCHAR NOT NULL, -- e\.g\. '/m);
  assert.match(ddl, /FOREIGN KEY \(source_airport_id\) REFERENCES airports \(airport_id\)/);
  assert.match(ddl, /\); -- 7698 rows/);
  assert.match(ddl, /CREATE VIEW busiest_airports \(\n {2}name VARCHAR,\n {2}departures BIGINT\n\);/);
  assert.match(ddl, /country VARCHAR, -- e\.g\. 'United States', /);
});

test('schema-only mode puts no row data into the text', async () => {
  for (const path of [spiderDb('concert_singer'), openflights]) {
    const ddl = await renderFresh(path, 0);
    assert.doesNotMatch(ddl, /e\.g\./);
    assert.doesNotMatch(ddl, /Goroka|Joe Sharp/);
  }
});

test('example values are cut to a sane length and kept on one line', async () => {
  const db = await openTestDb(openflights);
  try {
    const schema = await db.readSchema({ sampleValues: 20, maxValueLength: 12 });
    const values = schema.tables.flatMap((t) => t.columns.flatMap((c) => c.examples));
    assert.ok(values.length > 20);
    for (const value of values) {
      assert.ok(value.length <= 12, value);
      assert.doesNotMatch(value, /\n/);
    }
    assert.ok(values.some((v) => v.endsWith('…')));
  } finally {
    await db.dispose();
  }
});
