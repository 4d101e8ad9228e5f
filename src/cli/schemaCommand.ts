import { IsolatedDatabase } from '../core/db/IsolatedDatabase';
import { renderSchemaDdl } from '../core/schema/renderSchemaDdl';
import { schemaToJson } from '../core/schema/schemaToJson';
import { integerOption, parseCommandArgs, requiredDb } from './parseCommandArgs';
import { toJson } from './toJson';

export const SCHEMA_HELP = `Usage: quarry schema --db <file> [--json] [--samples N] [--schema-only]

Prints a database's schema as the CREATE TABLE text prompts use (foreign keys,
row counts and example values as comments), or as JSON.

Options:
  --db <file>      SQLite or DuckDB file (the engine is told by the file's content)
  --json           print {"dialect", "tables": [{"name", "columns", "foreignKeys", "rowCount"}]}
  --samples N      example values per text column (default 3)
  --schema-only    read no row data: no example values
  -h, --help       show this help`;

export async function schemaCommand(args: string[], write: (text: string) => void): Promise<void> {
  const { values } = parseCommandArgs('schema', args, {
    db: { type: 'string' },
    json: { type: 'boolean' },
    samples: { type: 'string' },
    'schema-only': { type: 'boolean' },
  });
  if (values.help) return write(SCHEMA_HELP);
  const path = requiredDb('schema', values.db);
  const samples = values['schema-only'] ? 0 : integerOption('schema', 'samples', values.samples, 0);
  const db = await IsolatedDatabase.open(path);
  try {
    const schema = await db.readSchema({ sampleValues: samples });
    write(values.json ? toJson(schemaToJson(schema)) : renderSchemaDdl(schema).trimEnd());
  } finally {
    await db.dispose();
  }
}
