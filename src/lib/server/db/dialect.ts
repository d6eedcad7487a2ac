import type { ColumnDefinitionBuilder, ColumnDataType } from 'kysely';
import { engineOf, type AnyKysely } from './engine';

// What differs between the engines in the schema, in one place, for the migrations. On SQLite each
// helper gives exactly what the migrations wrote before PostgreSQL was supported, so databases
// migrated then keep their meaning; PostgreSQL gets the equivalent type.

/** An integer key the database numbers: `autoincrement` on SQLite, an identity column on PostgreSQL. */
export function serialKey(db: AnyKysely) {
	return engineOf(db) === 'postgres'
		? (c: ColumnDefinitionBuilder) => c.primaryKey().generatedByDefaultAsIdentity()
		: (c: ColumnDefinitionBuilder) => c.primaryKey().autoIncrement();
}

/** A floating-point number: SQLite's 8-byte `real`; PostgreSQL's `real` is 4 bytes, so `double precision`. */
export function float(db: AnyKysely): ColumnDataType {
	return engineOf(db) === 'postgres' ? 'double precision' : 'real';
}

/**
 * A whole number that may pass 2^31 (money in pounds): SQLite's `integer` is 8 bytes; PostgreSQL's
 * is 4, so `bigint` (read back as a number: see openPostgres).
 */
export function bigInteger(db: AnyKysely): ColumnDataType {
	return engineOf(db) === 'postgres' ? 'bigint' : 'integer';
}
