/** What the connected server's catalog says about one function a statement may call. */
export interface RoutineFacts {
  /** `pg_catalog.ts_rewrite(tsquery,text)`-style, for messages. */
  signature: string;
  name: string;
  schema: string;
  /** pg_proc.provolatile: i(mmutable), s(table), v(olatile). */
  volatility: string;
  language: string;
  trustedLanguage: boolean;
  /** The extension the function belongs to, if any. */
  extension: string | null;
}

/**
 * Functions refused by name, whatever the catalog says of them: they change sequences or settings,
 * signal other sessions, take locks that outlive the query, sleep, read server files, reach other
 * servers, or run SQL given as text (which hides the calls inside; crosstab and connectby are even
 * marked STABLE). The catalog rule below catches what this list misses.
 */
const REFUSED_FUNCTIONS: readonly RegExp[] = [
  /^(nextval|setval|set_config|txid_current|pg_current_xact_id|pg_notify)$/,
  /^pg_(terminate|cancel)_backend$/,
  /^pg_(try_)?advisory_/,
  /^lo_/,
  /^dblink/,
  /^pg_read_(binary_)?file$/,
  /^pg_(ls_|stat_file|reload_conf|rotate_logfile|switch_wal|create_restore_point|promote|backup_|log_backend_memory_contexts)/,
  /^pg_(stat_reset|create_|drop_|replication_|logical_|copy_|wal_replay_|import_system_collations)/,
  /^(query_to_xml|query_to_xmlschema|query_to_xml_and_xmlschema|cursor_to_xml|cursor_to_xmlschema|ts_stat|crosstab\d*|connectby|pg_sleep(_for|_until)?)$/,
  /^(postgres_fdw_|pg_file_|pg_logdir_ls)/,
];

/** Whether a function is refused by its name alone, before any catalog is asked (and left out of the functions offered to models). */
export function isRefusedFunction(name: string): boolean {
  const lower = name.toLowerCase();
  return REFUSED_FUNCTIONS.some((pattern) => pattern.test(lower));
}

/** One overload of ts_rewrite runs its second argument as a query; the other takes tsqueries. */
const SQL_FROM_TEXT_SIGNATURES = new Set(['ts_rewrite(tsquery,text)']);

/** Extensions whose functions run SQL from text, open connections or touch server files. */
const OUTSIDE_EXTENSIONS = new Set(['dblink', 'postgres_fdw', 'file_fdw', 'adminpack', 'tablefunc', 'lo', 'pg_prewarm']);

/**
 * VOLATILE built-ins a reader may call: they return a different value each time but change
 * nothing. Only pg_catalog's: a user's function of the same name is judged like any other.
 */
export const ALLOWED_VOLATILE = new Set([
  'random', 'random_normal', 'clock_timestamp', 'timeofday', 'gen_random_uuid', 'uuidv4', 'uuidv7',
  'pg_relation_size', 'pg_total_relation_size', 'pg_table_size', 'pg_indexes_size', 'pg_database_size',
]);

/** Languages that run inside the server's own code (built-ins and extensions' C), judged by volatility like the rest. */
const BUILT_IN_LANGUAGES = new Set(['internal', 'c']);

/**
 * Why a reader must not call this function, or null when it may: the rule is what the function
 * is, not its name, so a function nobody listed is still judged. Refused: anything that runs SQL
 * given as text or reaches outside the server, anything in an untrusted procedural language
 * (plpython3u, plperlu: arbitrary code on the server), and every VOLATILE function (it may change
 * something: a sequence, a session, a file, another backend) except the documented few.
 */
export function routineRefusal(routine: RoutineFacts): string | null {
  const bare = routine.signature.replace(/^[^(]*\./, '');
  if (isRefusedFunction(routine.name) || SQL_FROM_TEXT_SIGNATURES.has(bare)) {
    return `calling ${routine.signature} (it runs SQL given as text or reaches outside the server)`;
  }
  if (routine.extension && OUTSIDE_EXTENSIONS.has(routine.extension)) {
    return `calling ${routine.signature} (from the ${routine.extension} extension, which runs SQL from text or reaches outside the server)`;
  }
  if (!routine.trustedLanguage && !BUILT_IN_LANGUAGES.has(routine.language)) {
    return `calling ${routine.signature} (written in the untrusted language ${routine.language})`;
  }
  if (routine.volatility === 'v' && !(routine.schema === 'pg_catalog' && ALLOWED_VOLATILE.has(routine.name))) {
    return `calling ${routine.signature} (it is VOLATILE: it may change something)`;
  }
  return null;
}
