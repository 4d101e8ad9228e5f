/**
 * What a connection to a database server may authenticate with. `password`: one the caller holds
 * (the editor's SecretStorage) for when the URL and the environment have none. `fromDataFile`: the
 * URL came from a data file (a dataset, an rft file, a report), not from the user, so the server
 * gets only the password written in its own URL: never PGPASSWORD, ~/.pgpass or `password`.
 */
export interface ServerCredentials {
  password?: string;
  fromDataFile?: boolean;
}
