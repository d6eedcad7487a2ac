import { PostgresAdapter, type DialectAdapter } from 'kysely';

/** The two engines Landscape runs on: embedded SQLite (the default) and PostgreSQL (shared deployments). */
export type Engine = 'sqlite' | 'postgres';

/** Any kysely database or transaction, whatever its schema type. */
export interface AnyKysely {
	getExecutor(): { readonly adapter: DialectAdapter };
}

/** Which engine a database (or a transaction on one, or a migration's `db`) runs on. */
export function engineOf(db: AnyKysely): Engine {
	return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}
