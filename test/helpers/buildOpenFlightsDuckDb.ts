import { DuckDBInstance } from '@duckdb/node-api';
import { join } from 'node:path';
import { OPENFLIGHTS_DIR } from './fixtures';

/** Column names and types from openflights.org/data; the .dat files have no header and spell NULL as \N. */
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
      ['dst', 'VARCHAR'], ['tz_database', 'VARCHAR'], ['type', 'VARCHAR'], ['source', 'VARCHAR'],
    ],
    ddl: `airport_id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, city VARCHAR, country VARCHAR, iata VARCHAR, icao VARCHAR,
          latitude DOUBLE, longitude DOUBLE, altitude INTEGER, timezone DOUBLE, dst VARCHAR, tz_database VARCHAR, type VARCHAR, source VARCHAR`,
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

/**
 * Builds the OpenFlights data as a DuckDB file with DuckDB's own CSV reader. Routes whose airline or
 * airports are not in the other files are left out, so the foreign keys hold.
 */
export async function buildOpenFlightsDuckDb(target: string): Promise<void> {
  const instance = await DuckDBInstance.create(target);
  const connection = await instance.connect();
  try {
    for (const table of TABLES) {
      const columns = `{${table.columns.map(([name, type]) => `'${name}': '${type}'`).join(', ')}}`;
      const source = `read_csv('${join(OPENFLIGHTS_DIR, table.file)}', header = false, nullstr = '\\N', columns = ${columns})`;
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
