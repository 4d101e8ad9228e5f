import type { Dialect, QueryResult } from '../db/Database';
import type { DatabaseSchema, SchemaOptions } from '../schema/DatabaseSchema';

/** Requests the database worker process answers; one worker holds one read-only connection. */
export type DbWorkerMethods = {
  open: { params: { path: string }; result: { dialect: Dialect } };
  query: { params: { sql: string; maxRows: number }; result: QueryResult };
  readSchema: { params: SchemaOptions; result: DatabaseSchema };
  validate: { params: { sql: string }; result: null };
};
