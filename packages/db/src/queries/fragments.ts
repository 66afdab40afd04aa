import { type SQL, sql } from 'drizzle-orm';

/**
 * A timestamptz as ISO 8601 UTC with milliseconds, formatted by the server: drivers disagree on
 * whether timestamps arrive as Date or text, and this way every backend answers the same string.
 */
export const isoUtc = (expr: SQL) =>
  sql`to_char(${expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A timestamp parameter, typed on the server side (drivers serialise Date differently). */
export const tstz = (date: Date) => sql`${date.toISOString()}::timestamptz`;

/** pg numeric and bigint arrive as strings (node-postgres) or bigint (PGlite); the API speaks numbers. */
export const numberOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

/*
 * Array parameters as PostgreSQL array literals, built here: node-postgres's generic encoder
 * quotes and escapes every element, a visible cost at tens of thousands of rows a second.
 */

/**
 * `{1.5,NULL,3}`: JavaScript's number text (exponents included) is valid float8 input, and
 * `true`/`false` are valid boolean input.
 */
export function numberArray(values: readonly (number | boolean | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : String(v))).join(',')}}`;
}

/**
 * `{"a","b",NULL}`: every string quoted (so "NULL" stays text), quotes and backslashes escaped;
 * null is SQL NULL.
 */
export function textArray(values: readonly (string | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${/["\\]/.test(v) ? v.replace(/["\\]/g, '\\$&') : v}"`)).join(',')}}`;
}
