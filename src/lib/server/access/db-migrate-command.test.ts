import { beforeAll, expect, it } from 'vitest';
import { describeDatabase, openDatabase, type DatabaseConfig } from '../db';
import { migrations } from '../db/migrations';
import { describeEachEngine } from '../testing/engines';
import { EXIT_OK, EXIT_USAGE } from './cli-kit';
import { createDbCommand, parseDbArgs } from './db-command';
import { cliRecorder, runLandscape } from './cli-testing';

const recorder = cliRecorder;

const landscape = (...argv: string[]) => runLandscape('db', ...argv);

const target = (config: DatabaseConfig) => (config.engine === 'sqlite' ? config.file : config.url);

it('parses db migrate and db seed, which take no file', () => {
	expect(parseDbArgs(['migrate'])).toEqual({ help: false, args: { action: 'migrate' } });
	expect(parseDbArgs(['seed', '--database', 'postgres://h/db'])).toEqual({
		help: false,
		args: { action: 'seed', database: 'postgres://h/db' }
	});
	expect(() => parseDbArgs(['migrate', 'x.db'])).toThrow(/unexpected argument 'x.db': db migrate/);
});

it('refuses backup and restore of a PostgreSQL app database, pointing at pg_dump', async () => {
	const command = createDbCommand(
		() => '/nonexistent/landscape.db',
		() => ({ engine: 'postgres', url: 'postgres://h/db', poolSize: 1 })
	);
	const { io } = recorder();
	for (const action of ['backup', 'restore'])
		await expect(command.run({ action, file: 'b.db' }, io)).rejects.toThrow(
			/DATABASE_URL is set.*pg_dump/
		);
});

describeEachEngine('landscape db migrate and db seed', (engine) => {
	let config: DatabaseConfig;
	beforeAll(async () => {
		config = await engine.emptyDatabase();
	});

	it('migrate runs every migration once; again, it says the database is up to date', async () => {
		const first = await landscape('migrate', '--database', target(config));
		expect(first.stderr).toBe('');
		expect(first.code).toBe(EXIT_OK);
		expect(first.stdout).toContain(
			`${describeDatabase(config)}: ran ${Object.keys(migrations).length} migrations`
		);
		const again = await landscape('migrate', '--database', target(config));
		expect(again.code).toBe(EXIT_OK);
		expect(again.stdout).toContain('migrations up to date');
	});

	it('seed loads data/ once; a second seed loads nothing and changes nothing', async () => {
		const first = await landscape('seed', '--database', target(config));
		expect(first.stderr).toBe('');
		expect(first.code).toBe(EXIT_OK);
		expect(first.stdout).toMatch(
			/seeded from data\/ in \d+ ms \(12 regions, 108 PDUs, 66 CRS awards/
		);
		const db = openDatabase(config);
		try {
			const count = async () =>
				(
					await db
						.selectFrom('services')
						.select((eb) => eb.fn.countAll<number>().as('n'))
						.executeTakeFirstOrThrow()
				).n;
			const services = await count();
			expect(services).toBeGreaterThan(66);
			const again = await landscape('seed', '--database', target(config));
			expect(again.code).toBe(EXIT_OK);
			expect(again.stdout).toContain('already seeded; nothing loaded');
			expect(await count()).toBe(services);
		} finally {
			await db.destroy();
		}
	});

	it('an extra argument to migrate is a usage error', async () => {
		const result = await landscape('migrate', 'extra');
		expect(result.code).toBe(EXIT_USAGE);
	});
});
