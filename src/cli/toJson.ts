/** JSON with bigints written as exact numbers (JSON has no size limit on numbers; JS does). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? rawJson(v.toString()) : v));
}

const rawJson = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;
