import type { Kysely } from 'kysely';
import { serialKey, float } from '../dialect';

// Frozen: never edit a migration that has shipped; add a new one instead. (Column types go through
// ../dialect, which gives SQLite exactly the types written here before PostgreSQL was supported.)
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('regions')
		.addColumn('code', 'text', (c) => c.primaryKey())
		.addColumn('rm_code', 'text', (c) => c.notNull().unique())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('delius_name', 'text', (c) => c.notNull())
		.addColumn('population_2021', 'integer', (c) => c.notNull())
		.addColumn('valid_from', 'text')
		.addColumn('valid_to', 'text')
		.execute();

	await db.schema
		.createTable('pcc_areas')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('region_code', 'text', (c) => c.notNull().references('regions.code'))
		.execute();

	await db.schema
		.createTable('police_force_areas')
		.addColumn('code', 'text', (c) => c.primaryKey())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('pcc_area_id', 'text', (c) => c.notNull().references('pcc_areas.id'))
		.addColumn('population_2021', 'integer', (c) => c.notNull())
		.addColumn('note', 'text')
		.execute();

	await db.schema
		.createTable('pdus')
		.addColumn('code', 'text', (c) => c.primaryKey())
		.addColumn('slug', 'text', (c) => c.notNull().unique())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('region_code', 'text', (c) => c.notNull().references('regions.code'))
		.addColumn('delius_name', 'text')
		.addColumn('cas_name', 'text')
		.addColumn('replaces', 'text')
		.addColumn('mapping_basis', 'text', (c) => c.notNull())
		.addColumn('split_lads', 'text')
		.addColumn('population_2021', 'integer')
		.addColumn('valid_from', 'text')
		.addColumn('valid_to', 'text')
		.execute();
	await db.schema.createIndex('pdus_region').on('pdus').column('region_code').execute();

	await db.schema
		.createTable('pdu_pcc_areas')
		.addColumn('pdu_code', 'text', (c) => c.notNull().references('pdus.code'))
		.addColumn('pcc_area_id', 'text', (c) => c.notNull().references('pcc_areas.id'))
		.addPrimaryKeyConstraint('pdu_pcc_areas_pk', ['pdu_code', 'pcc_area_id'])
		.execute();

	await db.schema
		.createTable('pdu_changes')
		.addColumn('id', 'integer', serialKey(db))
		.addColumn('change', 'text', (c) => c.notNull())
		.addColumn('old_pdu_code', 'text', (c) => c.notNull())
		.addColumn('old_pdu_name', 'text', (c) => c.notNull())
		.addColumn('new_pdu_code', 'text', (c) => c.notNull())
		.addColumn('new_pdu_name', 'text', (c) => c.notNull())
		.addColumn('region_code', 'text', (c) => c.notNull())
		.addColumn('recorded_in', 'text', (c) => c.notNull())
		.addColumn('recorded_date', 'text', (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('lads')
		.addColumn('code', 'text', (c) => c.primaryKey())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('country', 'text', (c) => c.notNull())
		.addColumn('region_code', 'text', (c) => c.notNull().references('regions.code'))
		.addColumn('pfa_code', 'text', (c) => c.notNull())
		.addColumn('pcc_area_id', 'text', (c) => c.notNull().references('pcc_areas.id'))
		.addColumn('county_ua_name', 'text')
		.addColumn('combined_authority_name', 'text')
		.addColumn('population_2021', 'integer', (c) => c.notNull())
		.addColumn('population_note', 'text')
		.addColumn('pop_centroid_lat', float(db), (c) => c.notNull())
		.addColumn('pop_centroid_lon', float(db), (c) => c.notNull())
		.addColumn('area_km2', float(db), (c) => c.notNull())
		.addColumn('split_between_pdus', 'integer', (c) => c.notNull())
		.addColumn('valid_from', 'text')
		.addColumn('valid_to', 'text')
		.addColumn('successor_code', 'text')
		.execute();

	await db.schema
		.createTable('pdu_lads')
		.addColumn('pdu_code', 'text', (c) => c.notNull().references('pdus.code'))
		.addColumn('lad_code', 'text', (c) => c.notNull().references('lads.code'))
		.addColumn('coverage', 'text', (c) => c.notNull())
		.addColumn('basis', 'text', (c) => c.notNull())
		.addColumn('note', 'text')
		.addPrimaryKeyConstraint('pdu_lads_pk', ['pdu_code', 'lad_code'])
		.execute();
	await db.schema.createIndex('pdu_lads_lad').on('pdu_lads').column('lad_code').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const table of [
		'pdu_lads',
		'lads',
		'pdu_changes',
		'pdu_pcc_areas',
		'pdus',
		'police_force_areas',
		'pcc_areas',
		'regions'
	]) {
		await db.schema.dropTable(table).execute();
	}
}
