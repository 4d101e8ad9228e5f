/**
 * Recent completions by the text they were made for. A completion stays good while the user types
 * what it proposed: for "SELECT Na" a completion made at "SELECT " of "Name FROM singer" still
 * holds, as "me FROM singer".
 */
export class CompletionCache {
  private readonly entries = new Map<string, { base: string; prefix: string; completion: string }>();

  constructor(private readonly capacity = 200) {}

  /** `base` names what the prefix is read against (the database and the question). */
  set(base: string, prefix: string, completion: string): void {
    const key = `${base}\u0000${prefix}`;
    this.entries.delete(key);
    this.entries.set(key, { base, prefix, completion });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  /** The rest of a cached completion that the typed prefix agrees with; the longest such prefix wins. */
  get(base: string, prefix: string): string | null {
    let best: { prefix: string; completion: string } | null = null;
    for (const entry of this.entries.values()) {
      if (entry.base !== base || !prefix.startsWith(entry.prefix)) continue;
      const whole = entry.prefix + entry.completion;
      if (whole.length <= prefix.length || !whole.startsWith(prefix)) continue;
      if (!best || entry.prefix.length > best.prefix.length) best = entry;
    }
    return best ? (best.prefix + best.completion).slice(prefix.length) : null;
  }

  get size(): number {
    return this.entries.size;
  }
}
