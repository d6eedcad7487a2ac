import crypto from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Provenance } from '$lib/domain/provenance';
import type { DB } from '../db';
import type { Database } from '../db/schema';
import { engineOf } from '../db/engine';
import type { ImportFile } from './types';

export interface CurrentVersion {
	id: number;
	version: number;
	checksum: string;
	rowCount: number;
}

/** The dataset's current version, if it has one. */
export async function findCurrentVersion(
	db: DB | Transaction<Database>,
	datasetKey: string
): Promise<CurrentVersion | undefined> {
	const row = await db
		.selectFrom('dataset_versions')
		.where('dataset_key', '=', datasetKey)
		.where('is_current', '=', 1)
		.select(['id', 'version', 'checksum', 'row_count'])
		.executeTakeFirst();
	return (
		row && { id: row.id, version: row.version, checksum: row.checksum, rowCount: row.row_count }
	);
}

/**
 * The files' sha256: of the bytes for one file; for several (a folder), of each name and its bytes
 * in name order, so the same folder gives the same checksum however it is listed.
 */
export function checksumOf(files: readonly ImportFile[]): string {
	const hash = crypto.createHash('sha256');
	if (files.length === 1) return hash.update(files[0]!.bytes).digest('hex');
	for (const f of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)))
		hash.update(f.name).update('\0').update(f.bytes).update('\0');
	return hash.digest('hex');
}

/** The PostgreSQL advisory lock every import and rollback holds while it writes (any fixed number). */
const DATASET_VERSIONS_LOCK = 7_406_113_902;

/**
 * Make imports and rollbacks write one at a time, on every app instance sharing the database: two
 * at once into one dataset would both number their version N + 1 and mark it current, and two
 * adding the same new organisation would collide. Call first thing in the writing transaction
 * (createDatasetVersion does; calling again is harmless); the lock ends with the transaction.
 * SQLite needs nothing: a transaction that writes holds the whole database until it ends.
 */
export async function lockDatasetVersions(trx: Transaction<Database>): Promise<void> {
	if (engineOf(trx) === 'postgres')
		await sql`select pg_advisory_xact_lock(${DATASET_VERSIONS_LOCK})`.execute(trx);
}

export interface NewVersion {
	datasetKey: string;
	/** title of the dataset when it is new */
	datasetTitle: string;
	/** description of the dataset when it is new */
	description: string;
	provenance: Provenance;
	/** the file (or folder) name stored with the version */
	fileName: string;
	checksum: string;
	rowCount: number;
	createdBy: string;
	createdAt: string;
	note: string | null;
}

/**
 * Add a new current version of a dataset (creating the dataset on its first import) and return its
 * id and number. The previous version stays, marked not current, with its rows, for history,
 * comparison and rollback. Call inside the transaction that writes the version's rows.
 */
export async function createDatasetVersion(
	trx: Transaction<Database>,
	input: NewVersion
): Promise<{ id: number; version: number }> {
	await lockDatasetVersions(trx);
	const dataset = await trx
		.selectFrom('datasets')
		.where('key', '=', input.datasetKey)
		.select('key')
		.executeTakeFirst();
	if (!dataset) {
		const last = await trx
			.selectFrom('datasets')
			.select((eb) => eb.fn.max('sort_order').as('n'))
			.executeTakeFirst();
		await trx
			.insertInto('datasets')
			.values({
				key: input.datasetKey,
				title: input.datasetTitle,
				description: input.description,
				source: input.fileName,
				source_url: null,
				licence: 'Not stated (imported file)',
				vintage: input.createdAt.slice(0, 10),
				provenance: input.provenance,
				method: null,
				sort_order: Number(last?.n ?? 0) + 1
			})
			.execute();
	}
	const latest = await trx
		.selectFrom('dataset_versions')
		.where('dataset_key', '=', input.datasetKey)
		.select((eb) => eb.fn.max('version').as('n'))
		.executeTakeFirst();
	const version = Number(latest?.n ?? 0) + 1;
	await trx
		.updateTable('dataset_versions')
		.set({ is_current: 0 })
		.where('dataset_key', '=', input.datasetKey)
		.where('is_current', '=', 1)
		.execute();
	const { id } = await trx
		.insertInto('dataset_versions')
		.values({
			dataset_key: input.datasetKey,
			version,
			created_at: input.createdAt,
			created_by: input.createdBy,
			file_name: input.fileName,
			row_count: input.rowCount,
			checksum: input.checksum,
			is_current: 1,
			note: input.note
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return { id, version };
}
