import type { Dialect } from '../types/QueryResult';
import type { DialectProfile } from './DialectProfile';
import { duckdbDialect } from './duckdbDialect';
import { postgresDialect } from './postgresDialect';
import { sqliteDialect } from './sqliteDialect';

/** Every dialect's profile, by id: adding one is a module in this folder and a line here. */
export const DIALECT_PROFILES: Readonly<Record<Dialect, DialectProfile>> = {
  sqlite: sqliteDialect,
  duckdb: duckdbDialect,
  postgres: postgresDialect,
};
