import type { Kysely } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one instead.
//
// What every service a services CSV import writes has in common, kept once on its dataset version
// rather than on each of (say) 100,000 rows, where they were about 40% of what each row stored
// (and so of what an import writes and checkpoints): the file's column keys (each service's source record is then the array of its values in
// that order) and the provenance note (each service then stores '' and is read with this one).
// Versions written before keep their per-row records and notes; both columns stay null for them.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('dataset_versions').addColumn('source_columns', 'text').execute();
	await db.schema.alterTable('dataset_versions').addColumn('provenance_note', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('dataset_versions').dropColumn('provenance_note').execute();
	await db.schema.alterTable('dataset_versions').dropColumn('source_columns').execute();
}
