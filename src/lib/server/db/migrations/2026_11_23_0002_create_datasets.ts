import type { Kysely } from 'kysely';
import { serialKey } from '../dialect';

// Frozen: never edit a migration that has shipped; add a new one instead. (Column types go through
// ../dialect, which gives SQLite exactly the types written here before PostgreSQL was supported.)
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('datasets')
		.addColumn('key', 'text', (c) => c.primaryKey())
		.addColumn('title', 'text', (c) => c.notNull())
		.addColumn('description', 'text', (c) => c.notNull())
		.addColumn('source', 'text', (c) => c.notNull())
		.addColumn('source_url', 'text')
		.addColumn('licence', 'text', (c) => c.notNull())
		.addColumn('vintage', 'text', (c) => c.notNull())
		.addColumn('provenance', 'text', (c) => c.notNull())
		.addColumn('method', 'text')
		.addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
		.execute();

	await db.schema
		.createTable('dataset_versions')
		.addColumn('id', 'integer', serialKey(db))
		.addColumn('dataset_key', 'text', (c) => c.notNull().references('datasets.key'))
		.addColumn('version', 'integer', (c) => c.notNull())
		.addColumn('created_at', 'text', (c) => c.notNull())
		.addColumn('created_by', 'text', (c) => c.notNull())
		.addColumn('file_name', 'text', (c) => c.notNull())
		.addColumn('row_count', 'integer', (c) => c.notNull())
		.addColumn('checksum', 'text', (c) => c.notNull())
		.addColumn('is_current', 'integer', (c) => c.notNull())
		.addColumn('note', 'text')
		.addUniqueConstraint('dataset_versions_key_version', ['dataset_key', 'version'])
		.execute();

	await db.schema
		.createTable('app_meta')
		.addColumn('key', 'text', (c) => c.primaryKey())
		.addColumn('value', 'text', (c) => c.notNull())
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('app_meta').execute();
	await db.schema.dropTable('dataset_versions').execute();
	await db.schema.dropTable('datasets').execute();
}
