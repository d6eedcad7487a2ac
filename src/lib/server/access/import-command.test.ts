import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLI_BUNDLE, ensureCliBuild } from '../../../../scripts/landscape.js';
import type { DB } from '../db';
import { DATABASE_HOOK_TIMEOUT, databaseState } from '../import/testing';
import { describeEachEngine } from '../testing/engines';
import { EXIT_INVALID_DATA, EXIT_OK, EXIT_USAGE } from './cli-kit';
import {
	MAX_PRINTED_ERRORS,
	createImportCommand,
	parseImportArgs,
	runImport
} from './import-command';
import { cliRecorder } from './cli-testing';

const root = path.resolve(import.meta.dirname, '../../../..');
const fixture = (name: string) => `tests/fixtures/import/${name}`;

const recorder = cliRecorder;

describe('parseImportArgs', () => {
	it('reads the kind, the file and the flags in any order', () => {
		expect(
			parseImportArgs([
				'services',
				'--dry-run',
				'a.csv',
				'--dataset',
				'Durham grants',
				'--user=Sam'
			])
		).toEqual({
			help: false,
			args: {
				kind: 'services',
				file: 'a.csv',
				dryRun: true,
				onlyValidRows: false,
				confirm: false,
				dataset: 'Durham grants',
				user: 'Sam'
			}
		});
		expect(parseImportArgs(['--help']).help).toBe(true);
	});

	it.each([
		[[], /which kind of data\? This build imports: (\S+, )*services/],
		[
			['servces', 'a.csv'],
			/unknown kind 'servces'. Did you mean 'services'\? This build imports: /
		],
		[['spreadsheet', 'a.csv'], /unknown kind 'spreadsheet'. This build imports: /],
		[['services'], /which file\?/],
		[['services', 'a.csv', 'b.csv'], /unexpected argument 'b.csv'/],
		[['services', 'a.csv', '--dryrun'], /unknown flag --dryrun. Did you mean --dry-run\?/],
		[['services', 'a.csv', '--dataset'], /--dataset needs a value/],
		[['services', 'a.csv', '--dry-run=yes'], /--dry-run takes no value/],
		[['services', 'a.csv', '--user', 'a', '--user', 'b'], /--user is given twice/]
	])('%j is a usage error', (argv, message) => {
		expect(() => parseImportArgs(argv)).toThrow(message);
	});
});

describeEachEngine('landscape import (in process)', (engine) => {
	let db: DB;
	let command: ReturnType<typeof createImportCommand>;
	beforeEach(async () => {
		db = await engine.freshDatabase({ seed: true });
		command = createImportCommand(() => Promise.resolve(db));
	}, DATABASE_HOOK_TIMEOUT);
	afterEach(() => db.destroy());
	const cwd = process.cwd();
	beforeAll(() => process.chdir(root));
	afterAll(() => process.chdir(cwd));

	it('exits 0, printing the counts and the new dataset version; again, a no-op', async () => {
		const first = recorder();
		const argv = ['services', fixture('services-good.csv'), '--dataset', 'Durham local'];
		expect(await runImport(argv, first.io, command)).toBe(EXIT_OK);
		expect(first.out.stdout.split('\n')).toEqual([
			'rows read 4, accepted 4, rejected 0',
			expect.stringMatching(
				/^dataset services-durham-local version 1: added 4, changed 0, removed 0, unchanged 0, new organisations \d+$/
			),
			''
		]);
		expect(first.out.stderr).toBe('');
		const before = await databaseState(db);
		const again = recorder();
		expect(await runImport(argv, again.io, command)).toBe(EXIT_OK);
		expect(again.out.stdout).toMatch(
			/unchanged: the file is the same \(sha256 [0-9a-f]{12}…\) as dataset services-durham-local version 1; nothing written/
		);
		expect(await databaseState(db)).toEqual(before);
	});

	it('--dry-run exits 0 and writes nothing', async () => {
		const before = await databaseState(db);
		const { io, out } = recorder();
		expect(
			await runImport(['services', fixture('services-good.csv'), '--dry-run'], io, command)
		).toBe(EXIT_OK);
		expect(out.stdout).toContain('rows read 4, accepted 4, rejected 0\n');
		expect(out.stdout).toContain('would be dataset services-services-good version 1: added 4');
		expect(out.stdout).toMatch(/dry run: nothing written\n$/);
		expect(await databaseState(db)).toEqual(before);
	});

	it('exits 1 printing file:row:column: message for each error, and writes nothing', async () => {
		const before = await databaseState(db);
		const { io, out } = recorder();
		const file = fixture('services-two-bad-rows.csv');
		expect(await runImport(['services', file], io, command)).toBe(EXIT_INVALID_DATA);
		expect(out.stderr.split('\n')).toEqual([
			`${file}:2:Categories: 'Acommodation' is not a CRS category. Did you mean 'Accommodation'?`,
			`${file}:4:PDUs: 'Sunderlnd' is not a PDU (give its code or name). Did you mean 'Sunderland'?`,
			`${file}:4:End_Date: '31/02/2027' is not a date on the calendar`,
			''
		]);
		expect(out.stdout).toContain('rows read 4, accepted 2, rejected 2\n');
		expect(await databaseState(db)).toEqual(before);
	});

	it('exits 1 refusing person-level data, naming the columns', async () => {
		const before = await databaseState(db);
		const { io, out } = recorder();
		expect(await runImport(['services', fixture('services-person-level.csv')], io, command)).toBe(
			EXIT_INVALID_DATA
		);
		expect(out.stderr).toMatch(
			/services-person-level\.csv:0:-: refused: .*'CRN'.*data minimisation/
		);
		expect(out.stderr).not.toMatch(/X123456|High Street/);
		expect(await databaseState(db)).toEqual(before);
	});

	it(`prints at most ${MAX_PRINTED_ERRORS} errors, then how many more`, async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landscape-import-'));
		const file = path.join(dir, 'many.csv');
		const rows = Array.from({ length: 60 }, (_, i) => `local,R${i},x,grant,Nothing,Wales`);
		fs.writeFileSync(
			file,
			['source,reference,name,mechanism,categories,region', ...rows].join('\n')
		);
		const { io, out } = recorder();
		expect(await runImport(['services', file], io, command)).toBe(EXIT_INVALID_DATA);
		const lines = out.stderr.trimEnd().split('\n');
		expect(lines).toHaveLength(MAX_PRINTED_ERRORS + 1);
		expect(lines.at(-1)).toBe('… and 10 more errors (60 in all)');
		fs.rmSync(dir, { recursive: true });
	});

	it.each([
		[['servces', fixture('services-good.csv')], /unknown kind 'servces'/],
		[
			['services', fixture('no-such-file.csv')],
			/no such file: tests\/fixtures\/import\/no-such-file\.csv/
		],
		[['services', 'tests/fixtures/import'], /is a folder/],
		[['services', fixture('services-good.csv'), '--force'], /unknown flag --force/]
	])('exits 2 with usage for %j', async (argv, message) => {
		const { io, out } = recorder();
		expect(await runImport(argv, io, command)).toBe(EXIT_USAGE);
		expect(out.stderr).toMatch(message);
		expect(out.stderr).toContain('Usage: npm run landscape -- import <kind> <file>');
	});
});

describeEachEngine('the built CLI (build-cli/landscape.js, run as a child process)', (engine) => {
	/** The database the CLI opens, as an operator names it: LANDSCAPE_DB, or DATABASE_URL. */
	let env: NodeJS.ProcessEnv;
	/** How the seeding message names that database: the file, or the PostgreSQL database's name. */
	let where: string;
	beforeAll(async () => {
		// Builds with `npx vite build -c vite.cli.config.ts` only when build-cli/ is missing or stale.
		ensureCliBuild();
		const config = await engine.emptyDatabase();
		where = config.engine === 'postgres' ? new URL(config.url).pathname.slice(1) : config.file;
		env = { ...process.env };
		if (config.engine === 'postgres') env.DATABASE_URL = config.url;
		else {
			delete env.DATABASE_URL;
			env.LANDSCAPE_DB = config.file;
		}
	}, 300_000);

	/**
	 * cli.ts's dispatcher hands every command's arguments to parseFlags, which refuses positional
	 * arguments; until it honours a command's own `parseArgs`, drive the bundled command the same
	 * way from a child process. Either way the bundle, the database and the exit status are real.
	 */
	const dispatcherTakesPositional = /\bparseArgs\b/.test(
		fs.readFileSync(path.join(root, 'src/lib/server/access/cli.ts'), 'utf8')
	);
	const driver = `
		const { COMMANDS } = await import(${JSON.stringify(CLI_BUNDLE)});
		const command = COMMANDS.find((c) => c.name === 'import');
		const io = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };
		try {
			const { values } = command.parseArgs(process.argv.slice(1));
			await command.run(values, io);
		} catch (e) {
			if (e.name === 'UsageError') { process.stderr.write(e.message + '\\n'); process.exit(2); }
			if (e.name === 'DataError') { process.stderr.write(e.problems.join('\\n') + '\\n'); process.exit(1); }
			throw e;
		}`;
	const run = (...args: string[]) =>
		spawnSync(
			process.execPath,
			dispatcherTakesPositional
				? [CLI_BUNDLE, 'import', ...args]
				: ['--input-type=module', '-e', driver, ...args],
			{
				cwd: root,
				encoding: 'utf8',
				timeout: 120_000,
				env
			}
		);

	it('exits 0 on a good file (seeding the new database first), then 0 as a no-op', () => {
		const result = run('services', fixture('services-good.csv'), '--dataset', 'Durham local');
		// The first run seeds the new database and says so on stderr; stdout holds only the import.
		expect(result.stderr).toMatch(/^Landscape: seeded .* in \d+ ms/);
		expect(result.stderr.split('\n')[0]).toContain(where);
		expect(result.stdout).not.toContain('seeded');
		expect(result.status).toBe(EXIT_OK);
		expect(result.stdout).toContain('rows read 4, accepted 4, rejected 0\n');
		expect(result.stdout).toMatch(/dataset services-durham-local version 1: added 4/);
		const again = run('services', fixture('services-good.csv'), '--dataset', 'Durham local');
		expect(again.status).toBe(EXIT_OK);
		expect(again.stdout).toMatch(/unchanged: .* version 1; nothing written/);
		const v2 = run('services', fixture('services-v2.csv'), '--dataset', 'Durham local');
		expect(v2.status).toBe(EXIT_OK);
		expect(v2.stdout).toMatch(
			/dataset services-durham-local version 2: added 1, changed 1, removed 1, unchanged 2/
		);
	}, 120_000);

	it('exits 0 on a dry run, printing that nothing was written', () => {
		const result = run('services', fixture('services-windows-1252.csv'), '--dry-run');
		expect(result.status).toBe(EXIT_OK);
		expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('dry run: nothing written');
	}, 60_000);

	it('exits 1 on invalid data, printing file:row:column: message', () => {
		const file = fixture('services-two-bad-rows.csv');
		const result = run('services', file);
		expect(result.status).toBe(EXIT_INVALID_DATA);
		expect(result.stderr).toContain(
			`${file}:2:Categories: 'Acommodation' is not a CRS category. Did you mean 'Accommodation'?\n`
		);
		expect(result.stdout).toContain('rows read 4, accepted 2, rejected 2');
		const people = run('services', fixture('services-person-level.csv'));
		expect(people.status).toBe(EXIT_INVALID_DATA);
		expect(people.stderr).toMatch(/data minimisation/);
	}, 60_000);

	it('exits 2 on an unknown kind (listing the kinds), a missing file or an unknown flag', () => {
		const kind = run('grants', fixture('services-good.csv'));
		expect(kind.status).toBe(EXIT_USAGE);
		expect(kind.stderr).toMatch(
			/unknown kind 'grants'\. Did you mean 'grants-360giving'\? This build imports: .*services/
		);
		expect(run('services', fixture('nothing-here.csv')).status).toBe(EXIT_USAGE);
		expect(run('services').status).toBe(EXIT_USAGE);
		expect(run('services', fixture('services-good.csv'), '--bogus').status).toBe(EXIT_USAGE);
	}, 60_000);
});
