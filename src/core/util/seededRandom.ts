/**
 * The seeded generators Quarry uses, in one place. Each is kept as it is because what it seeds is
 * saved by users: changing one would change every instance or split made with a given seed.
 */

/** Uniform numbers in [0, 1) from a seed: generated database instances. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform numbers in [0, 1) from a seed, by a 32-bit linear congruential generator: dataset train/test splits. */
export function lcg32(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296;
}

/** A 32-bit seed from text (FNV-1a), so the same name always gives the same seed. */
export function seedFromText(text: string): number {
  let hash = 2166136261;
  for (const ch of text) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619);
  return hash >>> 0;
}
