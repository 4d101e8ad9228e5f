/**
 * Words as retrieval compares them: lower case, names split at underscores, digits and camelCase
 * (`routeName`, `route_name` and "route name" meet), plurals folded ("singers" meets `singer`).
 */
export function contextWords(text: string, { camelCase = true }: { camelCase?: boolean } = {}): string[] {
  const words: string[] = [];
  // Values are split as written ("JetBlue" is one word when a question says "Jetblue"); names at their capitals.
  for (const part of (camelCase ? text.replace(/([a-z])([A-Z])/g, '$1 $2') : text).toLowerCase().split(/[^\p{L}\p{N}]+|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u)) {
    if (part) words.push(stemWord(part));
  }
  return words;
}

/** Words of a question that carry what it is about: function words left out. */
export function contentWords(text: string): string[] {
  return contextWords(text).filter((word) => !STOP_WORDS.has(word));
}

/** Plural and singular meet; short words are left alone ("bus", "is"). */
export function stemWord(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (/(ches|shes|sses|xes|zes)$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

/** English function words and question words, stemmed as contextWords stems them. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a an the of in on at to for from by with and or not no is are was were be been being do doe did has have had
   what which who whom whose when where why how many much all any each every some that this these those it its their there
   list show give find return tell me name names number count total please than more most less least
   also only both either neither as into about over under between same different other such can could would should will
   i we you they he she them his her our your my if then else per one two three first last`
    .split(/\s+/)
    .filter(Boolean)
    .map(stemWord),
);

/** The words of a sorted list that begin with `prefix` and are longer, at most `limit` of them (binary search, then a walk). */
export function wordsWithPrefix(sorted: readonly string[], prefix: string, limit = 20): string[] {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]! < prefix) low = mid + 1;
    else high = mid;
  }
  const found: string[] = [];
  for (let i = low; i < sorted.length && sorted[i]!.startsWith(prefix) && found.length < limit; i++) if (sorted[i] !== prefix) found.push(sorted[i]!);
  return found;
}
