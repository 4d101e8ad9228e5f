/** What to generate: database instances for strict evaluation and schema-only datasets. */

/** Literals from the queries: instances hold them, so the queries' filters select something. */
export interface Literals {
  strings: string[];
  numbers: number[];
}

export interface InstanceOptions {
  count: number;
  directory: string;
  literals: Literals;
  rowsPerTable?: number;
  seed?: number;
  /** false: draw no values from the source's rows (schema-only mode); only literals and random values. */
  sampleRealValues?: boolean;
}
