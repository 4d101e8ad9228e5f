// npm run openflights [-- --data <dir>] [--out <file.duckdb>]: the OpenFlights data as a DuckDB file,
// with the tables and column names of the reinforcement fine-tuning tutorial Quarry's fine-tuning loop
// follows (issue 28). Defaults: ../shared/data/openflights → examples/openflights.duckdb (ignored by git).
// Runs on Node 24's type stripping; the tests import the same function.
import { DuckDBInstance } from '@duckdb/node-api';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** Column names as the tutorial has them (openflights.org/data's, with `tz_db`); types from openflights.org. The .dat files have no header and spell NULL as \N. */
const TABLES: { name: string; file: string; columns: [string, string][]; ddl: string }[] = [
  {
    name: 'countries',
    file: 'countries.dat',
    columns: [['name', 'VARCHAR'], ['iso_code', 'VARCHAR'], ['dafif_code', 'VARCHAR']],
    ddl: 'name VARCHAR, iso_code VARCHAR, dafif_code VARCHAR',
  },
  {
    name: 'airports',
    file: 'airports.dat',
    columns: [
      ['airport_id', 'INTEGER'], ['name', 'VARCHAR'], ['city', 'VARCHAR'], ['country', 'VARCHAR'], ['iata', 'VARCHAR'],
      ['icao', 'VARCHAR'], ['latitude', 'DOUBLE'], ['longitude', 'DOUBLE'], ['altitude', 'INTEGER'], ['timezone', 'DOUBLE'],
      ['dst', 'VARCHAR'], ['tz_db', 'VARCHAR'], ['type', 'VARCHAR'], ['source', 'VARCHAR'],
    ],
    ddl: `airport_id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, city VARCHAR, country VARCHAR, iata VARCHAR, icao VARCHAR,
          latitude DOUBLE, longitude DOUBLE, altitude INTEGER, timezone DOUBLE, dst VARCHAR, tz_db VARCHAR, type VARCHAR, source VARCHAR`,
  },
  {
    name: 'airlines',
    file: 'airlines.dat',
    columns: [
      ['airline_id', 'INTEGER'], ['name', 'VARCHAR'], ['alias', 'VARCHAR'], ['iata', 'VARCHAR'], ['icao', 'VARCHAR'],
      ['callsign', 'VARCHAR'], ['country', 'VARCHAR'], ['active', 'VARCHAR'],
    ],
    ddl: `airline_id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, alias VARCHAR, iata VARCHAR, icao VARCHAR, callsign VARCHAR,
          country VARCHAR, active VARCHAR`,
  },
  {
    name: 'planes',
    file: 'planes.dat',
    columns: [['name', 'VARCHAR'], ['iata', 'VARCHAR'], ['icao', 'VARCHAR']],
    ddl: 'name VARCHAR, iata VARCHAR, icao VARCHAR',
  },
  {
    name: 'routes',
    file: 'routes.dat',
    columns: [
      ['airline', 'VARCHAR'], ['airline_id', 'INTEGER'], ['source_airport', 'VARCHAR'], ['source_airport_id', 'INTEGER'],
      ['destination_airport', 'VARCHAR'], ['destination_airport_id', 'INTEGER'], ['codeshare', 'VARCHAR'], ['stops', 'INTEGER'],
      ['equipment', 'VARCHAR'],
    ],
    ddl: `airline VARCHAR, airline_id INTEGER REFERENCES airlines (airline_id), source_airport VARCHAR,
          source_airport_id INTEGER REFERENCES airports (airport_id), destination_airport VARCHAR,
          destination_airport_id INTEGER REFERENCES airports (airport_id), codeshare VARCHAR, stops INTEGER, equipment VARCHAR`,
  },
];

const FILES = TABLES.map((table) => table.file);

/**
 * Builds the OpenFlights data (the .dat files in `dataDir`) as a DuckDB file with DuckDB's own CSV
 * reader. Routes whose airline or airports are not in the other files are left out, so the foreign
 * keys hold. A view, busiest_airports, gives prompts and tests a view to read.
 */
export async function buildOpenFlightsDuckDb(target: string, dataDir: string): Promise<void> {
  const missing = FILES.filter((file) => !existsSync(join(dataDir, file)));
  if (missing.length) throw new Error(`${dataDir} lacks ${missing.join(', ')}: give the folder of OpenFlights' .dat files (--data)`);
  const instance = await DuckDBInstance.create(target);
  const connection = await instance.connect();
  try {
    for (const table of TABLES) {
      const columns = `{${table.columns.map(([name, type]) => `'${name}': '${type}'`).join(', ')}}`;
      const source = `read_csv('${join(dataDir, table.file).replaceAll("'", "''")}', header = false, nullstr = '\\N', columns = ${columns})`;
      await connection.run(`CREATE TABLE ${table.name} (${table.ddl})`);
      const filter =
        table.name === 'routes'
          ? `WHERE (airline_id IS NULL OR airline_id IN (SELECT airline_id FROM airlines))
               AND (source_airport_id IS NULL OR source_airport_id IN (SELECT airport_id FROM airports))
               AND (destination_airport_id IS NULL OR destination_airport_id IN (SELECT airport_id FROM airports))`
          : '';
      await connection.run(`INSERT INTO ${table.name} SELECT * FROM ${source} ${filter}`);
    }
    await connection.run('CREATE VIEW busiest_airports AS SELECT a.name, count(*) AS departures FROM routes r JOIN airports a ON a.airport_id = r.source_airport_id GROUP BY a.name');
    await connection.run('CHECKPOINT');
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Written beside the target and renamed into place: an interrupted build leaves no half a database. */
async function main(): Promise<void> {
  const root = resolve(dirname(process.argv[1]!), '..');
  const { values } = parseArgs({ options: { data: { type: 'string' }, out: { type: 'string' } } });
  const dataDir = resolve(values.data ?? join(root, '..', 'shared', 'data', 'openflights'));
  const target = resolve(values.out ?? join(root, 'examples', 'openflights.duckdb'));
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  rmSync(`${partial}.wal`, { force: true });
  await buildOpenFlightsDuckDb(partial, dataDir);
  renameSync(partial, target);
  console.log(`wrote ${target} from ${dataDir}`);
}

// Run as a script, not imported (the tests bundle this file into theirs).
if (/buildOpenFlights\.ts$/.test(process.argv[1] ?? '')) {
  main().catch((error: unknown) => {
    console.error(`openflights: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
