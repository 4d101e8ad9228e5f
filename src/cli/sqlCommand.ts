import { DEFAULT_MEMORY_LIMIT_MB } from '../core/defaults';
import { ATTACH_ARGS, ATTACH_HELP, attachOption } from './attachOption';
import { IsolatedDatabase } from '../core/db/IsolatedDatabase';
import { formatTable } from './formatTable';
import { integerOption, parseCommandArgs, requiredDb } from './parseCommandArgs';
import { JsonResultWriter } from './writeJsonResult';
import { UsageError } from './UsageError';

export const SQL_HELP = `Usage: quarry sql --db <file|url> [--timeout-ms N] [--max-rows N] [--memory-limit-mb N] [--json] "<sql>"

Runs one read-only statement (SELECT, WITH … SELECT, VALUES, or EXPLAIN of those)
and prints the rows. Anything that could change a file or a server is refused; on
Postgres it runs in a READ ONLY transaction that the server stops at the timeout.

Options:
  --db <file|url>   SQLite or DuckDB file, or postgresql:// URL
${ATTACH_HELP}
  --timeout-ms N    stop the statement after N milliseconds (default 10000)
  --max-rows N      return at most N rows; the result says when it was cut (default 10000)
  --memory-limit-mb N  most memory a DuckDB query may use (default ${DEFAULT_MEMORY_LIMIT_MB})
  --json            print {"columns", "rows", "truncated"}
  -h, --help        show this help

Exit codes: 0 ok, 1 SQL or runtime error, 2 bad input or refused statement.`;

export async function sqlCommand(args: string[], write: (text: string) => void): Promise<void> {
  const { values, positionals } = parseCommandArgs('sql', args, {
    db: { type: 'string' },
    ...ATTACH_ARGS,
    'timeout-ms': { type: 'string' },
    'max-rows': { type: 'string' },
    'memory-limit-mb': { type: 'string' },
    json: { type: 'boolean' },
  }, { maxPositionals: 1 });
  if (values.help) return write(SQL_HELP);
  const path = requiredDb('sql', values.db);
  if (positionals.length !== 1) {
    throw new UsageError(`sql: give exactly one SQL statement, quoted (got ${positionals.length} arguments)`);
  }
  const timeoutMs = integerOption('sql', 'timeout-ms', values['timeout-ms'], 1);
  const maxRows = integerOption('sql', 'max-rows', values['max-rows'], 0);
  const memoryLimitMb = integerOption('sql', 'memory-limit-mb', values['memory-limit-mb'], 16);
  const db = await IsolatedDatabase.open(path, { ...(timeoutMs ? { timeoutMs } : {}), ...(memoryLimitMb ? { memoryLimitMb } : {}), attach: attachOption('sql', values.attach) });
  try {
    if (values.json) {
      // Written page by page as the worker sends them: this process never holds the whole result.
      const writer = new JsonResultWriter(process.stdout);
      const result = await db.queryPages(positionals[0]!, { maxRows }, (rows, head) => writer.rows(head.columns, rows));
      await writer.end(result.columns, result.truncated);
    } else {
      write(formatTable(await db.query(positionals[0]!, { maxRows })));
    }
  } finally {
    await db.dispose();
  }
}
