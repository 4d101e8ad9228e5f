/**
 * The names in an engine's function list that a query calls by name: engines list their operators
 * (`->>`, `~~`) and internal helpers (`!__postfix`) there too, and those are written otherwise.
 */
export function callableNames(names: string[]): string[] {
  return [...new Set(names.filter((name) => /^[a-z_][a-z0-9_$]*$/.test(name)))].sort();
}
