/** Another database file opened beside the main one, its tables named `alias.table` (SQLite's ATTACH, DuckDB's ATTACH). */
export interface AttachedDatabase {
  alias: string;
  path: string;
}
