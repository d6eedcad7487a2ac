import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { migrations } from './migrations';
import {
	collationWarning,
	databaseConfigFromEnv,
	describeDatabase,
	engineOf,
	sqliteConnectionOf,
	type DB
} from '.';
import { describeEachEngine } from '../testing/engines';

describe('databaseConfigFromEnv', () => {
	it('is SQLite at LANDSCAPE_DB (else var/landscape.db) without DATABASE_URL', () => {
		expect(databaseConfigFromEnv({ LANDSCAPE_DB: '/tmp/x.db' })).toEqual({
			engine: 'sqlite',
			file: '/tmp/x.db'
		});
		expect(databaseConfigFromEnv({ DATABASE_URL: ' ' })).toMatchObject({ engine: 'sqlite' });
		expect(databaseConfigFromEnv({})).toMatchObject({
			engine: 'sqlite',
			file: expect.stringMatching(/var\/landscape\.db$/)
		});
	});

	it('is a pooled PostgreSQL database with DATABASE_URL, 10 connections unless LANDSCAPE_DB_POOL says', () => {
		expect(databaseConfigFromEnv({ DATABASE_URL: 'postgres://u@h/db' })).toEqual({
			engine: 'postgres',
			url: 'postgres://u@h/db',
			poolSize: 10
		});
		expect(
			databaseConfigFromEnv({ DATABASE_URL: 'postgresql://u@h/db', LANDSCAPE_DB_POOL: '25' })
		).toMatchObject({ poolSize: 25 });
	});

	it('refuses a URL that is not PostgreSQL and a pool size that is not a whole number', () => {
		expect(() => databaseConfigFromEnv({ DATABASE_URL: 'mysql://u@h/db' })).toThrow(
			/DATABASE_URL must be a PostgreSQL URL/
		);
		for (const bad of ['0', '-1', '2.5', 'ten'])
			expect(() =>
				databaseConfigFromEnv({ DATABASE_URL: 'postgres://u@h/db', LANDSCAPE_DB_POOL: bad })
			).toThrow(/LANDSCAPE_DB_POOL must be a whole number/);
	});

	it('hides the password when describing the database', () => {
		expect(
			describeDatabase({ engine: 'postgres', url: 'postgres://u:secret@h:5432/db', poolSize: 1 })
		).toBe('postgres://u:***@h:5432/db');
	});
});

describeEachEngine('migrations', (engine) => {
	let db: DB;
	beforeAll(async () => {
		db = await engine.freshDatabase();
	});

	it('runs every migration and reports its engine', async () => {
		expect(engineOf(db)).toBe(engine.engine);
		await db.transaction().execute(async (trx) => expect(engineOf(trx)).toBe(engine.engine));
		// The SQLite fast path exists on SQLite only; PostgreSQL goes through kysely.
		expect(sqliteConnectionOf(db) !== undefined).toBe(engine.engine === 'sqlite');
		const ran = await db
			.selectFrom('kysely_migration' as never)
			.select('name' as never)
			.execute();
		expect(ran.map((r) => (r as { name: string }).name).sort()).toEqual(
			Object.keys(migrations).sort()
		);
	});

	it('numbers keys itself, and keeps money and shares to full precision', async () => {
		const { id } = await db
			.insertInto('organisations')
			.values({ name: 'A', normalised_name: 'a', annual_income_gbp: 4_123_456_789 })
			.returning('id')
			.executeTakeFirstOrThrow();
		const second = await db
			.insertInto('organisations')
			.values({ name: 'B', normalised_name: 'b' })
			.returning('id')
			.executeTakeFirstOrThrow();
		expect(second.id).toBe(id + 1);
		const row = await db
			.selectFrom('organisations')
			.select(['annual_income_gbp'])
			.where('id', '=', id)
			.executeTakeFirstOrThrow();
		expect(row.annual_income_gbp).toBe(4_123_456_789);
		await db
			.insertInto('datasets')
			.values({
				key: 'k',
				title: 't',
				description: 'd',
				source: 's',
				source_url: null,
				licence: 'l',
				vintage: 'v',
				provenance: 'published',
				method: null,
				sort_order: 0
			})
			.execute();
		const { id: versionId } = await db
			.insertInto('dataset_versions')
			.values({
				dataset_key: 'k',
				version: 1,
				created_at: '2026-11-29T00:00:00.000Z',
				created_by: 'test',
				file_name: 'f',
				row_count: 1,
				checksum: 'c',
				is_current: 1,
				note: null
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		await db
			.insertInto('need_shares')
			.values({
				dataset_version_id: versionId,
				scope: 'national',
				category: 'Accommodation',
				share: 0.123456789012,
				measure: 'm',
				provenance: 'published',
				note: ''
			})
			.execute();
		const share = await db.selectFrom('need_shares').select('share').executeTakeFirstOrThrow();
		expect(share.share).toBe(0.123456789012);
	});

	it('gives counts and sums back as numbers, not strings', async () => {
		const row = await db
			.selectFrom('organisations')
			.select((eb) => [
				eb.fn.countAll<number>().as('n'),
				eb.fn.sum<number>('annual_income_gbp').as('total'),
				eb.fn.avg<number>('id').as('mean')
			])
			.executeTakeFirstOrThrow();
		expect(typeof row.n).toBe('number');
		expect(typeof row.total).toBe('number');
		expect(typeof row.mean).toBe('number');
	});

	it('keeps the audit log append-only: UPDATE and DELETE are refused, entries unchanged', async () => {
		await db
			.insertInto('audit_log')
			.values({
				at: '2026-11-29T10:00:00.000Z',
				actor: 'ann@example.org',
				action: 'sign-in',
				target: null,
				before: null,
				after: null,
				request_id: null,
				ip: null
			})
			.execute();
		await expect(
			db.updateTable('audit_log').set({ actor: 'someone else' }).execute()
		).rejects.toThrow('audit_log is append-only: entries cannot be changed');
		await expect(db.deleteFrom('audit_log').execute()).rejects.toThrow(
			'audit_log is append-only: entries cannot be deleted'
		);
		if (engine.engine === 'postgres')
			await expect(sql`truncate audit_log`.execute(db)).rejects.toThrow(/append-only/);
		const rows = await db.selectFrom('audit_log').select('actor').execute();
		expect(rows).toEqual([{ actor: 'ann@example.org' }]);
	});
});

describeEachEngine('collation', (engine) => {
	it('warns only about a PostgreSQL database whose names would sort differently', async () => {
		const db = await engine.freshDatabase();
		// The test server's databases use the C collation (code point order, as SQLite).
		expect(await collationWarning(db)).toBeUndefined();
		if (engine.engine === 'postgres') {
			const { rows } = await sql<{ a: string }>`select 'b' as a union select 'B' union select 'é'
				order by 1`.execute(db);
			expect(rows.map((r) => r.a)).toEqual(['B', 'b', 'é']);
		}
	});
});
