import type { Kysely } from 'kysely';
import { float } from '../dialect';

// Frozen: never edit a migration that has shipped; add a new one instead. (Column types go through
// ../dialect, which gives SQLite exactly the types written here before PostgreSQL was supported.)
//
// Imported demand and organisation facts, each row belonging to a dataset version so that every
// import is a version with history, comparison and rollback:
// - pdu_need_shares and pdu_subgroup_shares: the need and subgroup figures an imported caseload
//   file gives for a PDU (its caseload itself goes in pdu_caseloads, as the seed's does);
// - organisation_facts: what a Dynamic Framework supplier list says about each organisation.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('pdu_need_shares')
		.addColumn('dataset_version_id', 'integer', (c) =>
			c.notNull().references('dataset_versions.id')
		)
		.addColumn('pdu_code', 'text', (c) => c.notNull().references('pdus.code'))
		.addColumn('category', 'text', (c) => c.notNull())
		// 0–1: the share as given, or the count ÷ the caseload
		.addColumn('share', float(db), (c) => c.notNull())
		// people, when the file gave a count; null when it gave a share
		.addColumn('people', 'integer')
		.addPrimaryKeyConstraint('pdu_need_shares_pk', ['dataset_version_id', 'pdu_code', 'category'])
		.execute();

	await db.schema
		.createTable('pdu_subgroup_shares')
		.addColumn('dataset_version_id', 'integer', (c) =>
			c.notNull().references('dataset_versions.id')
		)
		.addColumn('pdu_code', 'text', (c) => c.notNull().references('pdus.code'))
		.addColumn('subgroup', 'text', (c) => c.notNull())
		.addColumn('share', float(db), (c) => c.notNull())
		.addColumn('people', 'integer')
		.addPrimaryKeyConstraint('pdu_subgroup_shares_pk', [
			'dataset_version_id',
			'pdu_code',
			'subgroup'
		])
		.execute();

	await db.schema
		.createTable('organisation_facts')
		.addColumn('dataset_version_id', 'integer', (c) =>
			c.notNull().references('dataset_versions.id')
		)
		.addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisations.id'))
		// the row of the file it came from (1 = the first after the header), and the name as written
		.addColumn('row', 'integer', (c) => c.notNull())
		.addColumn('name', 'text', (c) => c.notNull())
		// how the row was matched: charity-number, company-number, name (confirmed by the user), new
		.addColumn('matched_by', 'text', (c) => c.notNull())
		.addColumn('charity_number', 'text')
		.addColumn('company_number', 'text')
		.addColumn('org_type', 'text')
		.addColumn('annual_income_gbp', float(db))
		.addColumn('by_and_for', 'integer')
		.addColumn('df_registered', 'integer')
		// JSON arrays: Dynamic Framework category names; probation region codes
		.addColumn('df_categories', 'text', (c) => c.notNull())
		.addColumn('regions', 'text', (c) => c.notNull())
		.addColumn('source_record', 'text', (c) => c.notNull())
		.addPrimaryKeyConstraint('organisation_facts_pk', ['dataset_version_id', 'organisation_id'])
		.execute();
	await db.schema
		.createIndex('organisation_facts_organisation')
		.on('organisation_facts')
		.column('organisation_id')
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('organisation_facts').execute();
	await db.schema.dropTable('pdu_subgroup_shares').execute();
	await db.schema.dropTable('pdu_need_shares').execute();
}
