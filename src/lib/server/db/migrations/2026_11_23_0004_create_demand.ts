import type { Kysely } from 'kysely';
import { float } from '../dialect';

// Frozen: never edit a migration that has shipped; add a new one instead. (Column types go through
// ../dialect, which gives SQLite exactly the types written here before PostgreSQL was supported.)
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('pdu_caseloads')
		.addColumn('dataset_version_id', 'integer', (c) =>
			c.notNull().references('dataset_versions.id')
		)
		.addColumn('pdu_code', 'text', (c) => c.notNull().references('pdus.code'))
		.addColumn('period', 'text', (c) => c.notNull())
		.addColumn('caseload', 'integer', (c) => c.notNull())
		.addColumn('community', 'integer')
		.addColumn('post_release', 'integer')
		.addColumn('provenance', 'text', (c) => c.notNull())
		.addPrimaryKeyConstraint('pdu_caseloads_pk', ['dataset_version_id', 'pdu_code'])
		.execute();

	await db.schema
		.createTable('need_shares')
		.addColumn('dataset_version_id', 'integer', (c) =>
			c.notNull().references('dataset_versions.id')
		)
		.addColumn('scope', 'text', (c) => c.notNull())
		.addColumn('category', 'text', (c) => c.notNull())
		.addColumn('share', float(db), (c) => c.notNull())
		.addColumn('measure', 'text', (c) => c.notNull())
		.addColumn('provenance', 'text', (c) => c.notNull())
		.addColumn('note', 'text', (c) => c.notNull())
		.addPrimaryKeyConstraint('need_shares_pk', ['dataset_version_id', 'scope', 'category'])
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('need_shares').execute();
	await db.schema.dropTable('pdu_caseloads').execute();
}
