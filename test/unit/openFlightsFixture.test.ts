import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { buildOpenFlightsDuckDb } from '../helpers/buildOpenFlightsDuckDb';
import { makeTempDir } from '../helpers/fixtures';

const temp = makeTempDir();
const path = join(temp.dir, 'openflights.duckdb');
before(() => buildOpenFlightsDuckDb(path));
after(() => temp.dispose());

test('the OpenFlights DuckDB fixture holds every airport and airline and nearly every route', async () => {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  const reader = await connection.runAndReadAll(
    'SELECT (SELECT count(*) FROM airports), (SELECT count(*) FROM airlines), (SELECT count(*) FROM routes), (SELECT count(*) FROM countries), (SELECT count(*) FROM planes)',
  );
  const [airports, airlines, routes, countries, planes] = reader.getRows()[0]!.map(Number);
  connection.closeSync();
  instance.closeSync();
  assert.equal(airports, 7698);
  assert.equal(airlines, 6162);
  assert.equal(countries, 261);
  assert.equal(planes, 246);
  assert.ok(routes! > 60_000 && routes! <= 67_663, `routes: ${routes}`);
});
