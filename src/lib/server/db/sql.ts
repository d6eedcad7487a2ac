import { sql, type RawBuilder } from 'kysely';
import { engineOf, type AnyKysely } from './engine';

// SQL that has to be written differently per engine, each in one place and tested on both engines
// (src/lib/server/db/engines.test.ts and the suites that use it). Everything else is kysely's own,
// which both dialects compile.

/**
 * The values of `column` over a group, joined with commas (null for an empty group): SQLite's
 * `group_concat(x)`, PostgreSQL's `string_agg(x, ',')`. The order is unspecified on both.
 */
export function commaList(db: AnyKysely, column: string): RawBuilder<string | null> {
	return engineOf(db) === 'postgres'
		? sql<string | null>`string_agg(${sql.ref(column)}, ',')`
		: sql<string | null>`group_concat(${sql.ref(column)})`;
}
