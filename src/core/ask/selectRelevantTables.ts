import type { DatabaseSchema, TableSchema } from '../types/DatabaseSchema';

/**
 * Orders tables by how much a question seems to be about them (words of the question in table
 * names, column names and example values), each followed by the tables it joins to by foreign key,
 * so that a schema cut to fit a context keeps what the question needs and what joins it.
 */
export function rankTablesForQuestion(schema: DatabaseSchema, question: string): TableSchema[] {
  const words = new Set(question.toLowerCase().match(/[a-z0-9]+/g)?.map(stem) ?? []);
  const score = (table: TableSchema) => {
    let total = 3 * overlap(table.name, words);
    for (const column of table.columns) {
      total += overlap(column.name, words);
      for (const example of column.examples) total += 2 * overlap(example, words);
    }
    return total;
  };
  const scored = schema.tables.map((table, index) => ({ table, index, score: score(table) }));
  scored.sort((a, b) => b.score - a.score || a.index - b.index);
  const byName = new Map(schema.tables.map((t) => [t.name.toLowerCase(), t]));
  const ordered: TableSchema[] = [];
  const add = (table: TableSchema | undefined) => {
    if (table && !ordered.includes(table)) ordered.push(table);
  };
  for (const { table } of scored) {
    add(table);
    for (const fk of table.foreignKeys) add(byName.get(fk.refTable.toLowerCase()));
    for (const other of schema.tables) if (other.foreignKeys.some((fk) => fk.refTable.toLowerCase() === table.name.toLowerCase())) add(other);
  }
  return ordered;
}

function overlap(text: string, words: Set<string>): number {
  const parts = text.toLowerCase().split(/[^a-z0-9]+|(?<=[a-z])(?=[0-9])/).filter(Boolean).map(stem);
  return parts.filter((part) => words.has(part)).length;
}

/** Plural and singular meet: "singers" and "singer" are one word here. */
function stem(word: string): string {
  return word.length > 3 ? word.replace(/(ies|es|s)$/, (m) => (m === 'ies' ? 'y' : '')) : word;
}
