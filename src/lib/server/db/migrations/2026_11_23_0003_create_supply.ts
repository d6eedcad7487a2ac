import type { Kysely } from 'kysely';
import { serialKey, float, bigInteger } from '../dialect';

// Frozen: never edit a migration that has shipped; add a new one instead. (Column types go through
// ../dialect, which gives SQLite exactly the types written here before PostgreSQL was supported.)
// One supply model: every source (DF, CRS, ROIF, CFO, local) maps onto `services`, with its
// categories, PCC areas, PDUs and subcontractors in child tables, and delivery points in `sites`.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('organisations')
		.addColumn('id', 'integer', serialKey(db))
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('normalised_name', 'text', (c) => c.notNull().unique())
		.addColumn('rm_provider_code', 'text', (c) => c.unique())
		.addColumn('org_type', 'text')
		.addColumn('org_type_basis', 'text')
		.addColumn('charity_number', 'text')
		.addColumn('company_number', 'text')
		.addColumn('annual_income_gbp', bigInteger(db))
		.addColumn('by_and_for', 'integer')
		.addColumn('df_registered', 'integer')
		.execute();

	await db.schema
		.createTable('organisation_aliases')
		.addColumn('alias', 'text', (c) => c.primaryKey())
		.addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisations.id'))
		.addColumn('basis', 'text', (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('services')
		.addColumn('id', 'integer', serialKey(db))
		.addColumn('dataset_version_id', 'integer', (c) =>
			c.notNull().references('dataset_versions.id')
		)
		.addColumn('reference', 'text', (c) => c.notNull())
		.addColumn('source', 'text', (c) => c.notNull())
		.addColumn('record_type', 'text', (c) => c.notNull())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('mechanism', 'text', (c) => c.notNull())
		.addColumn('funder', 'text')
		.addColumn('lead_organisation_id', 'integer', (c) => c.references('organisations.id'))
		.addColumn('contract_type', 'text')
		.addColumn('lot_level', 'text', (c) => c.notNull())
		.addColumn('region_code', 'text', (c) => c.references('regions.code'))
		.addColumn('sex', 'text', (c) => c.notNull())
		.addColumn('min_age', 'integer')
		.addColumn('max_age', 'integer')
		.addColumn('award_date', 'text')
		.addColumn('start_date', 'text')
		.addColumn('end_date', 'text')
		.addColumn('referral_from', 'text')
		.addColumn('referral_until', 'text')
		.addColumn('annual_value_gbp', float(db))
		.addColumn('total_value_gbp', float(db))
		.addColumn('places_per_year', float(db))
		.addColumn('provenance', 'text', (c) => c.notNull())
		.addColumn('provenance_note', 'text', (c) => c.notNull())
		.addColumn('notes', 'text')
		.addColumn('delivery_locations', 'text')
		.addColumn('source_record', 'text')
		.addUniqueConstraint('services_version_reference', ['dataset_version_id', 'reference'])
		.execute();
	await db.schema.createIndex('services_region').on('services').column('region_code').execute();
	await db.schema
		.createIndex('services_lead')
		.on('services')
		.column('lead_organisation_id')
		.execute();
	await db.schema.createIndex('services_reference').on('services').column('reference').execute();

	await db.schema
		.createTable('service_categories')
		.addColumn('service_id', 'integer', (c) =>
			c.notNull().references('services.id').onDelete('cascade')
		)
		.addColumn('category', 'text', (c) => c.notNull())
		.addPrimaryKeyConstraint('service_categories_pk', ['service_id', 'category'])
		.execute();

	await db.schema
		.createTable('service_pcc_areas')
		.addColumn('service_id', 'integer', (c) =>
			c.notNull().references('services.id').onDelete('cascade')
		)
		.addColumn('pcc_area_id', 'text', (c) => c.notNull().references('pcc_areas.id'))
		.addColumn('until', 'text')
		.addPrimaryKeyConstraint('service_pcc_areas_pk', ['service_id', 'pcc_area_id'])
		.execute();
	await db.schema
		.createIndex('service_pcc_areas_area')
		.on('service_pcc_areas')
		.column('pcc_area_id')
		.execute();

	await db.schema
		.createTable('service_pdus')
		.addColumn('service_id', 'integer', (c) =>
			c.notNull().references('services.id').onDelete('cascade')
		)
		.addColumn('pdu_code', 'text', (c) => c.notNull().references('pdus.code'))
		.addPrimaryKeyConstraint('service_pdus_pk', ['service_id', 'pdu_code'])
		.execute();

	await db.schema
		.createTable('service_subcontractors')
		.addColumn('service_id', 'integer', (c) =>
			c.notNull().references('services.id').onDelete('cascade')
		)
		.addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisations.id'))
		.addPrimaryKeyConstraint('service_subcontractors_pk', ['service_id', 'organisation_id'])
		.execute();
	await db.schema
		.createIndex('service_subcontractors_org')
		.on('service_subcontractors')
		.column('organisation_id')
		.execute();

	await db.schema
		.createTable('service_links')
		.addColumn('service_id', 'integer', (c) =>
			c.notNull().references('services.id').onDelete('cascade')
		)
		.addColumn('linked_service_id', 'integer', (c) =>
			c.notNull().references('services.id').onDelete('cascade')
		)
		.addColumn('basis', 'text', (c) => c.notNull())
		.addPrimaryKeyConstraint('service_links_pk', ['service_id', 'linked_service_id'])
		.execute();

	await db.schema
		.createTable('sites')
		.addColumn('id', 'integer', serialKey(db))
		.addColumn('dataset_version_id', 'integer', (c) =>
			c.notNull().references('dataset_versions.id')
		)
		.addColumn('reference', 'text', (c) => c.notNull())
		.addColumn('kind', 'text', (c) => c.notNull())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('service_id', 'integer', (c) => c.references('services.id').onDelete('cascade'))
		.addColumn('address', 'text')
		.addColumn('postcode', 'text')
		.addColumn('lat', float(db))
		.addColumn('lon', float(db))
		.addColumn('location_precision', 'text', (c) => c.notNull())
		.addColumn('region_code', 'text', (c) => c.references('regions.code'))
		.addColumn('lad_code', 'text', (c) => c.references('lads.code'))
		.addColumn('gender_provision', 'text')
		.addColumn('source_url', 'text')
		.addColumn('valid_from', 'text')
		.addColumn('valid_to', 'text')
		.addColumn('note', 'text')
		.execute();
	await db.schema.createIndex('sites_lad').on('sites').column('lad_code').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const t of [
		'sites',
		'service_links',
		'service_subcontractors',
		'service_pdus',
		'service_pcc_areas',
		'service_categories',
		'services',
		'organisation_aliases',
		'organisations'
	]) {
		await db.schema.dropTable(t).execute();
	}
}
