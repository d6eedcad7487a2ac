import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { engineOf, type DB } from '../db';
import type { EngineHarness } from '../testing/engines';

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

/**
 * Make every insert into `table` fail with `message` (only rows whose `column` is `value`, when
 * given): a database failing part-way through a write, on either engine. SQLite: a trigger that
 * raises; PostgreSQL: a trigger function that raises.
 */
export async function failInsertsInto(
	db: DB,
	table: string,
	message: string,
	when?: { column: string; value: string }
): Promise<void> {
	const name = `fail_${table}`;
	if (engineOf(db) === 'postgres') {
		const test = when
			? sql`if new.${sql.ref(when.column)} = ${sql.lit(when.value)} then raise exception ${sql.lit(message)}; end if;`
			: sql`raise exception ${sql.lit(message)};`;
		await sql`create function ${sql.ref(name)}() returns trigger language plpgsql as $$
			begin ${test} return new; end $$`.execute(db);
		await sql`create trigger ${sql.ref(name)} before insert on ${sql.table(table)}
			for each row execute function ${sql.ref(name)}()`.execute(db);
		return;
	}
	const condition = when ? sql`when new.${sql.ref(when.column)} = ${sql.lit(when.value)}` : sql``;
	await sql`create trigger ${sql.ref(name)} before insert on ${sql.table(table)} ${condition}
		begin select raise(abort, ${sql.lit(message)}); end`.execute(db);
}

/**
 * How long a hook that makes a seeded database may take: the first on PostgreSQL migrates and seeds
 * the file's template, which on a busy machine takes longer than vitest's 10 s default.
 */
export const DATABASE_HOOK_TIMEOUT = 120_000;

/** What `read` takes from a fresh seeded database, closed afterwards (reference data for a file's tests). */
export async function fromSeededDatabase<T>(
	engine: EngineHarness,
	read: (db: DB) => Promise<T>
): Promise<T> {
	const seeded = await engine.freshDatabase({ seed: true });
	try {
		return await read(seeded);
	} finally {
		await seeded.destroy();
	}
}

/** A dataset's versions, oldest first: number, whether current, who made it and its row count. */
export function versionRows(db: DB, datasetKey: string) {
	return db
		.selectFrom('dataset_versions')
		.where('dataset_key', '=', datasetKey)
		.select(['version', 'is_current', 'created_by', 'row_count'])
		.orderBy('version')
		.execute();
}
