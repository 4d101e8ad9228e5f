import type { SqlValue, TypedValue } from '../../types/QueryResult';
import { toSafeNumber } from '../DatabaseAdapter';

/** Postgres type OIDs (pg_type.oid, fixed for built-in types) that JavaScript has a better value for than text. */
const INTEGER_OIDS = new Set([20, 21, 23, 26]);
const FLOAT_OIDS = new Set([700, 701, 1700]);
const BOOL_OID = 16;
const BYTEA_OID = 17;

/**
 * Every value arrives as Postgres's own text (pg's parsers are switched off), then integers become
 * numbers (bigint past 2^53), float and numeric numbers, booleans booleans, bytea hex; dates,
 * timestamps, intervals, arrays, JSON and the rest stay Postgres's text, which is what comparing
 * two results should see (a Date would lose the time zone and the microseconds).
 */
export function fromPostgres(text: string | null, oid: number): SqlValue {
  if (text === null) return null;
  if (INTEGER_OIDS.has(oid)) return toSafeNumber(BigInt(text));
  if (FLOAT_OIDS.has(oid)) return Number(text);
  if (oid === BOOL_OID) return text === 't';
  if (oid === BYTEA_OID) return text.replace(/^\\x/, '');
  return text;
}

/** The same for evaluation: integers as bigint, the way the other engines give them. */
export function typedFromPostgres(text: string | null, oid: number): TypedValue {
  if (text === null) return null;
  if (INTEGER_OIDS.has(oid)) return BigInt(text);
  if (oid === BYTEA_OID) return Buffer.from(text.replace(/^\\x/, ''), 'hex');
  return fromPostgres(text, oid);
}

/** pg's type parsers replaced by the identity: Quarry converts by OID itself. */
export const RAW_TEXT_TYPES = { getTypeParser: () => (value: string) => value };
