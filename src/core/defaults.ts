/**
 * Every default Quarry falls back on, in one place: the core, the CLI and the extension's settings
 * read them here, and a test checks that package.json's setting defaults say the same.
 */

/** Longest time one query may run (quarry.query.timeoutMs). */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Most rows a query returns (quarry.query.maxRows). */
export const DEFAULT_MAX_ROWS = 10_000;
/**
 * Memory one DuckDB connection may use for a query (quarry.query.memoryLimitMb). DuckDB's own
 * default is 80% of the machine's memory, which a single generated query could take within its
 * timeout; SQLite needs no cap of its own because it keeps little more than the rows it returns.
 */
export const DEFAULT_MEMORY_LIMIT_MB = 2048;
/** Example values per text column in schemas and prompts (quarry.schema.sampleValues). */
export const DEFAULT_SAMPLE_VALUES = 3;
/** Corrections after a first attempt the database rejects (quarry.ask.corrections, --attempts). */
export const DEFAULT_CORRECTIONS = 2;
/** Few-shot examples shown when a pool gives them and nothing says how many. */
export const DEFAULT_EXAMPLES = 3;
/** How the model is asked (quarry.model.promptFormat): detected from the model file. */
export const DEFAULT_PROMPT_FORMAT = 'auto' as const;
/** How decoding is constrained (quarry.model.grammar, --grammar): the dialect's language with the schema's names. */
export const DEFAULT_GRAMMAR = 'sql' as const;
/** Questions the model writes side by side for a dataset (quarry.model.batchSequences, --batch). */
export const DEFAULT_BATCH_SEQUENCES = 4;
/** Context window in tokens (quarry.model.contextSize, --context-size). */
export const DEFAULT_CONTEXT_SIZE = 4096;
/** CPU threads when none are set: the cores, at most this many. */
export const DEFAULT_MAX_THREADS = 8;
/** Per query in an evaluation, the official evaluator's TIMEOUT: a slower prediction counts as failed (--timeout-ms of quarry eval). */
export const DEFAULT_EVAL_TIMEOUT_MS = 60_000;
/** Inline completion (quarry.completion.*). */
/**
 * Inline completion. A continuation inside a statement is ghost text: a clause or two, short enough to
 * arrive in the pause it is for (Cody cut single-line completions to 60 tokens for the same reason);
 * a whole query under a comment may take longer.
 */
export const DEFAULT_COMPLETION_SETTINGS = { debounceMs: 150, maxTokens: 128, continuationMaxTokens: 48, onlyOnComment: false } as const;
/** Dataset building: the share of templates in the test split, the split's seed, rows kept as ground truth. */
export const DEFAULT_TEST_FRACTION = 0.2;
export const DEFAULT_SPLIT_SEED = 42;
export const DEFAULT_GROUND_TRUTH_ROWS = 1000;

/** Columns of ghost text before a line breaks at a clause (quarry.completion.maxLineLength): what fits beside the results panel. */
export const DEFAULT_GHOST_LINE_LENGTH = 80;

/** Asks and Runs the query history keeps (quarry.history.maxEntries): the oldest unmarked go first past it. */
export const DEFAULT_HISTORY_ENTRIES = 10_000;
