import fs from 'node:fs';
import path from 'node:path';
import type { DB } from '../db';

/** tests/fixtures/import, where the import fixtures live. */
export const IMPORT_FIXTURES = path.resolve(
	import.meta.dirname,
	'../../../../tests/fixtures/import'
);

export function readFixture(name: string): Buffer {
	return fs.readFileSync(path.join(IMPORT_FIXTURES, name));
}

const TABLES = [
	'datasets',
	'dataset_versions',
	'organisations',
	'organisation_aliases',
	'services',
	'service_categories',
	'service_pcc_areas',
	'service_pdus',
	'service_subcontractors',
	'service_links',
	'sites'
] as const;

/**
 * Every table an import could touch, with its row count, plus which dataset versions are current:
 * equal before and after means nothing was written.
 */
export async function databaseState(db: DB): Promise<Record<string, number | string>> {
	const state: Record<string, number | string> = {};
	for (const table of TABLES) {
		const row = await db
			.selectFrom(table)
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.executeTakeFirstOrThrow();
		state[table] = Number(row.n);
	}
	const current = await db
		.selectFrom('dataset_versions')
		.where('is_current', '=', 1)
		.select('id')
		.orderBy('id')
		.execute();
	state.current = current.map((c) => c.id).join(',');
	return state;
}
