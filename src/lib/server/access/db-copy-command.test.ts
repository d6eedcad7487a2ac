import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseConfig } from '../db';
import { engineHarness, postgresAvailable } from '../testing/engines';
import { EXIT_INVALID_DATA, EXIT_OK, EXIT_USAGE } from './cli-kit';
import { runLandscape } from './cli-testing';
import { parseDbArgs } from './db-command';

const landscape = (...argv: string[]) => runLandscape('db', ...argv);

const where = (config: DatabaseConfig) =>
	config.engine === 'sqlite' ? `sqlite:${config.file}` : config.url;

it('parses db copy --from A --to B, and says what is missing or misplaced', () => {
	expect(parseDbArgs(['copy', '--from', 'sqlite:a.db', '--to=postgres://h/db'])).toEqual({
		help: false,
		args: { action: 'copy', from: 'sqlite:a.db', to: 'postgres://h/db' }
	});
	expect(() => parseDbArgs(['copy', '--from', 'a.db'])).toThrow(/copy needs --to/);
	expect(() => parseDbArgs(['copy', '--to', 'b.db'])).toThrow(/copy needs --from/);
	expect(() => parseDbArgs(['copy', 'a.db', '--from', 'a.db', '--to', 'b.db'])).toThrow(
		/unexpected argument 'a.db'/
	);
	expect(() => parseDbArgs(['migrate', '--from', 'a.db'])).toThrow(/for db copy only/);
	expect(() => parseDbArgs(['copy', '--form', 'a.db'])).toThrow(/Did you mean --from\?/);
});

describe.skipIf(!postgresAvailable)('landscape db copy, SQLite to PostgreSQL', () => {
	const sqlite = engineHarness('sqlite');
	const postgres = engineHarness('postgres');
	afterAll(async () => {
		await sqlite.close();
		await postgres.close();
	});

	it('copies a seeded planner database, lists the tables, and verifies; a second copy into it is refused', async () => {
		const from = await sqlite.emptyDatabase();
		expect((await landscape('seed', '--database', where(from).replace(/^sqlite:/, ''))).code).toBe(
			EXIT_OK
		);
		const to = await postgres.emptyDatabase();

		const copied = await landscape('copy', '--from', where(from), '--to', where(to));
		expect(copied.stderr).toBe('');
		expect(copied.code).toBe(EXIT_OK);
		expect(copied.stdout).toMatch(/^ {2}services: \d+ rows$/m);
		expect(copied.stdout).toMatch(
			/copied \d+ rows in \d+ tables from .* to postgres:.* in \d+ ms; every table's row count and checksum verified/
		);

		const db = openDatabase(to);
		try {
			const regions = await db
				.selectFrom('regions')
				.select((eb) => eb.fn.countAll().as('n'))
				.executeTakeFirstOrThrow();
			expect(Number(regions.n)).toBe(12);
		} finally {
			await db.destroy();
		}

		const again = await landscape('copy', '--from', where(from), '--to', where(to));
		expect(again.code).toBe(EXIT_INVALID_DATA);
		expect(again.stderr).toMatch(/already holds data/);
	});

	it('says so when the source does not exist, and when both name the same database', async () => {
		const missing = await landscape('copy', '--from', 'sqlite:/nonexistent/x.db', '--to', 'y.db');
		expect(missing.code).toBe(EXIT_INVALID_DATA);
		expect(missing.stderr).toMatch(/no such database file to copy/);
		const same = await landscape('copy', '--from', 'sqlite:a.db', '--to', 'a.db');
		expect(same.code).toBe(EXIT_USAGE);
		expect(same.stderr).toMatch(/name the same database/);
	});
});
