import { sql, type RawBuilder } from 'kysely';
import { engineOf, type AnyKysely } from '../db/engine';

/**
 * A text column to order by, in the same order on both engines: by code point, as SQLite's default
 * (binary) collation has it. PostgreSQL orders text by the database's locale unless told otherwise,
 * so there the column is ordered `collate "C"`. Matching and suggestions take the first of equals,
 * so the order the reference lists come in must not depend on where the database runs.
 */
export function textOrder(db: AnyKysely, column: string): RawBuilder<string> {
	return engineOf(db) === 'postgres'
		? sql<string>`${sql.ref(column)} collate "C"`
		: sql<string>`${sql.ref(column)}`;
}
