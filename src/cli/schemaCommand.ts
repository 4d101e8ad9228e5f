import { IsolatedDatabase } from '../core/db/IsolatedDatabase';
import { renderSchemaDdl } from '../core/schema/renderSchemaDdl';
import { schemaToJson } from '../core/schema/schemaToJson';
import { integerOption, parseCommandArgs, requiredDb } from './parseCommandArgs';
import { ATTACH_ARGS, ATTACH_HELP, attachOption } from './attachOption';
import { toJson } from './toJson';
import { whileWaiting } from './whileWaiting';

export const SCHEMA_HELP = `Usage: quarry schema --db <file|url> [--json] [--samples N] [--schema-only] [--exact-counts]

Prints a database's schema as the CREATE TABLE text prompts use (foreign keys,
row counts and example values as comments), or as JSON; every schema of the database
(a table outside the default one is named schema.table). On stderr: how many schemas,
tables and columns were read, and a warning when there are none.

Options:
  --db <file|url>  SQLite or DuckDB file (the engine is told by the file's content),
                   or postgresql://user@host:port/db (password: URL, PGPASSWORD or ~/.pgpass;
                   TLS: ?sslmode=require|verify-full&sslrootcert=…)
${ATTACH_HELP}
  --json           print {"dialect", "tables": [{"name", "columns", "foreignKeys", "rowCount"}]};
                   "schema" for a table outside the default one (DuckDB main, Postgres public);
                   on Postgres also "comment" (COMMENT ON) and "rowCountEstimated" (true where
                   rowCount is the server's estimate)
  --samples N      example values per text column (default 3)
  --schema-only    read no row data: no example values
  --exact-counts   count every table's rows (Postgres otherwise gives its statistics' estimate)
  -h, --help       show this help`;

export async function schemaCommand(args: string[], write: (text: string) => void): Promise<void> {
  const { values } = parseCommandArgs('schema', args, {
    db: { type: 'string' },
    ...ATTACH_ARGS,
    json: { type: 'boolean' },
    samples: { type: 'string' },
    'schema-only': { type: 'boolean' },
    'exact-counts': { type: 'boolean' },
  });
  if (values.help) return write(SCHEMA_HELP);
  const path = requiredDb('schema', values.db);
  const samples = values['schema-only'] ? 0 : integerOption('schema', 'samples', values.samples, 0);
  const db = await IsolatedDatabase.open(path, { attach: attachOption('schema', values.attach) });
  try {
    const schema = await whileWaiting('reading the schema', db.readSchema({ sampleValues: samples, exactCounts: values['exact-counts'] }));
    write(values.json ? toJson(schemaToJson(schema)) : renderSchemaDdl(schema).trimEnd());
    // Counts go to stderr, so stdout stays the schema itself for scripts.
    const namespaces = new Set(schema.tables.map((t) => t.schema ?? ''));
    const columns = schema.tables.reduce((sum, t) => sum + t.columns.length, 0);
    process.stderr.write(
      schema.tables.length
        ? `quarry: read ${namespaces.size} schema${namespaces.size === 1 ? '' : 's'}, ${schema.tables.length} table${schema.tables.length === 1 ? '' : 's'} and views, ${columns} columns\n`
        : `quarry: warning: ${path} has no tables or views Quarry can read: an empty database, or one whose tables this user may not see\n`,
    );
  } finally {
    await db.dispose();
  }
}
