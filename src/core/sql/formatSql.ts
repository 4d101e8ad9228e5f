import { format } from 'sql-formatter';
import { DIALECT_PROFILES } from '../dialects/dialectProfiles';
import type { Dialect } from '../types/QueryResult';

/**
 * SQL laid out for a person to read (sql-formatter, in the connection's dialect): one clause a
 * line, keywords as the model wrote them. The formatter only re-spaces tokens; text it cannot read
 * is left as it came.
 */
export function formatSql(sql: string, dialect: Dialect): string {
  try {
    return format(sql, { language: DIALECT_PROFILES[dialect].formatterLanguage, keywordCase: 'preserve', tabWidth: 2 });
  } catch {
    return sql;
  }
}

/** The question as a SQL comment above its answer, one `--` line per line of the question; the answer ends with `;`, a statement of its own. */
export function answerWithQuestion(question: string, sql: string, dialect: Dialect): string {
  const comment = question.trim().split(/\r?\n/).map((line) => `-- ${line}`).join('\n');
  return `${comment}\n${formatSql(sql, dialect).replace(/\s*;?\s*$/, '')};\n`;
}
