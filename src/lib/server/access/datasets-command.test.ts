import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BUNDLE, ensureCliBuild } from '../../../../scripts/landscape.js';
import { closeDatabase, initDatabase } from '../context';
import type { DB } from '../db';
import { importServices } from '../import/commit';
import { databaseState, readFixture } from '../import/testing';
import { createDatasetVersion } from '../import/versioning';
import { describeEachEngine } from '../testing/engines';
import { EXIT_INVALID_DATA, EXIT_OK, EXIT_USAGE } from './cli-kit';
import { main } from './cli';
import { MAX_PRINTED_ROWS, parseDatasetsArgs } from './datasets-command';
import { cliRecorder, runLandscape } from './cli-testing';

const root = path.resolve(import.meta.dirname, '../../../..');
// main() opens the app's database (LANDSCAPE_DB): a new one in a private folder for this file.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landscape-datasets-'));
process.env.LANDSCAPE_DB = path.join(dir, 'in-process.db');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const recorder = cliRecorder;

const landscape = (...argv: string[]) => runLandscape('datasets', ...argv);

const KEY = 'services-durham-local';

describe('parseDatasetsArgs', () => {
	it('reads the action, its arguments and flags in any order', () => {
		expect(parseDatasetsArgs(['rollback', '--user', 'Priya', KEY, '1'])).toEqual({
			help: false,
			args: { action: 'rollback', key: KEY, version: 1, user: 'Priya', all: false }
		});
		expect(parseDatasetsArgs(['compare', KEY, '2', '1', '--all'])).toEqual({
			help: false,
			args: { action: 'compare', key: KEY, a: 2, b: 1, all: true }
		});
		expect(parseDatasetsArgs(['list']).args).toEqual({ action: 'list', all: false });
		expect(parseDatasetsArgs(['history', '--help']).help).toBe(true);
	});

	it.each([
		[[], /which action\? One of: list, history, compare, rollback/],
		[['hsitory', KEY], /unknown action 'hsitory'. Did you mean 'history'\?/],
		[['history'], /history needs a dataset key: datasets history <key>/],
		[['compare', KEY, '1'], /compare needs a dataset key and two versions/],
		[['rollback', KEY], /rollback needs a dataset key and a version/],
		[['list', 'extra'], /unexpected argument 'extra'/],
		[['compare', KEY, '1', 'two'], /the second version must be a version number such as 2: 'two'/],
		[['rollback', KEY, '0'], /the version must be a version number/],
		[['rollback', KEY, '1', '--usr', 'x'], /unknown flag --usr. Did you mean --user\?/],
		[['rollback', KEY, '1', '--user'], /--user needs a value/],
		[['history', KEY, '--user', 'x'], /--user is for rollback only/],
		[['history', KEY, '--all'], /--all is for compare only/],
		[['compare', KEY, '1', '2', '--all=yes'], /--all takes no value/]
	])('%j is a usage error', (argv, message) => {
		expect(() => parseDatasetsArgs(argv)).toThrow(message);
	});
});

describeEachEngine('landscape datasets (in process, through the dispatcher)', (engine) => {
	let db: DB;
	beforeAll(async () => {
		// main() opens the database the environment names: a new SQLite file or PostgreSQL database.
		const config = await engine.emptyDatabase();
		if (config.engine === 'postgres') process.env.DATABASE_URL = config.url;
		else {
			delete process.env.DATABASE_URL;
			process.env.LANDSCAPE_DB = config.file;
		}
		db = await initDatabase();
		const run = (file: string, day: number) =>
			importServices(db, readFixture(file), {
				fileName: file,
				datasetName: 'Durham local',
				createdBy: 'Sam',
				now: new Date(Date.UTC(2026, 10, day, 9, 30))
			});
		await run('services-good.csv', 23);
		await run('services-v2.csv', 24);
	}, 120_000);
	afterAll(async () => {
		await closeDatabase();
		delete process.env.DATABASE_URL;
		process.env.LANDSCAPE_DB = path.join(dir, 'in-process.db');
	});

	it('list: every dataset with its current version and how many versions it has', async () => {
		const { code, stdout, stderr } = await landscape('list');
		expect(code).toBe(EXIT_OK);
		expect(stderr).toBe('');
		const lines = stdout.trimEnd().split('\n');
		expect(lines[0]).toMatch(/^key\s+version\s+versions\s+rows\s+title$/);
		expect(lines).toContainEqual(
			expect.stringMatching(/^caseload\s+1\s+1\s+108\s+PDU caseload \(modelled\)$/)
		);
		expect(lines).toContainEqual(
			expect.stringMatching(/^services-durham-local\s+2\s+2\s+4\s+Durham local$/)
		);
	});

	it('history: newest first, the current one marked', async () => {
		const { code, stdout } = await landscape('history', KEY);
		expect(code).toBe(EXIT_OK);
		const lines = stdout.trimEnd().split('\n');
		expect(lines[0]).toBe('Durham local (services-durham-local): 2 versions');
		expect(lines[1]).toMatch(
			/^version\s+current\s+created \(UTC\)\s+by\s+rows\s+sha256\s+file\s+note$/
		);
		expect(lines[2]).toMatch(
			/^2\s+current\s+2026-11-24 09:30\s+Sam\s+4\s+[0-9a-f]{12}…\s+services-v2\.csv$/
		);
		expect(lines[3]).toMatch(
			/^1\s+2026-11-23 09:30\s+Sam\s+4\s+[0-9a-f]{12}…\s+services-good\.csv$/
		);
	});

	it('compare: the counts, then each row added, changed (field by field) and removed', async () => {
		const { code, stdout } = await landscape('compare', KEY, '1', '2');
		expect(code).toBe(EXIT_OK);
		expect(stdout.split('\n')).toEqual([
			'Durham local (services-durham-local): version 1 → version 2',
			'added 1, changed 1, removed 1, unchanged 2',
			'+ service NEW-005 Debt advice drop-in',
			'~ service LOC-001 Housing advice, Durham and Darlington',
			'    annual value (£): 1234.5 → 2000',
			'- service CFO-003 Hub at Derby',
			''
		]);
	});

	it(`compare prints ${MAX_PRINTED_ROWS} rows of a list, then how many more; --all prints all`, async () => {
		await db.transaction().execute((trx) =>
			createDatasetVersion(trx, {
				datasetKey: 'caseload',
				datasetTitle: 'PDU caseload (modelled)',
				description: '',
				provenance: 'modelled',
				fileName: 'empty.csv',
				checksum: 'e'.repeat(64),
				rowCount: 0,
				createdBy: 'test',
				createdAt: new Date().toISOString(),
				note: null
			})
		);
		const capped = await landscape('compare', 'caseload', '1', '2');
		const lines = capped.stdout.trimEnd().split('\n');
		expect(lines[1]).toBe('added 0, changed 0, removed 108, unchanged 0');
		expect(lines).toHaveLength(2 + MAX_PRINTED_ROWS + 1);
		expect(lines.at(-1)).toBe('… and 8 more removed (--all prints every row)');
		expect(lines).toContain('- PDU caseload N54DUR County Durham and Darlington');
		const all = await landscape('compare', 'caseload', '1', '2', '--all');
		expect(all.stdout.trimEnd().split('\n')).toHaveLength(2 + 108);
	});

	it('rollback: a new version copying the old one; then history shows it', async () => {
		const { code, stdout, stderr } = await landscape('rollback', KEY, '1', '--user', 'Priya');
		expect(stderr).toBe('');
		expect(code).toBe(EXIT_OK);
		expect(stdout).toBe(
			'Durham local (services-durham-local) version 3 is now current: a copy of version 1 (4 rows)\n' +
				'Rolled back to version 1 by Priya; versions 1 to 2 are kept\n'
		);
		const history = await landscape('history', KEY);
		expect(history.stdout).toMatch(
			/\n3\s+current\s+\S+ \S+\s+Priya\s+4\s+[0-9a-f]{12}…\s+services-good\.csv\s+Rolled back to version 1 by Priya\n/
		);
		const same = await landscape('compare', KEY, '1', '3');
		expect(same.stdout).toContain('added 0, changed 0, removed 0, unchanged 4');
	});

	it('exits 1 for a rollback to the current version, writing nothing', async () => {
		const before = await databaseState(db);
		const { code, stderr, stdout } = await landscape('rollback', KEY, '3');
		expect(code).toBe(EXIT_INVALID_DATA);
		expect(stdout).toBe('');
		expect(stderr).toBe(
			'Version 3 is already the current version of Durham local, so there is nothing to roll back. Choose an earlier version\n'
		);
		expect(await databaseState(db)).toEqual(before);
	});

	it('exits 1 for reference data that keeps no rows per version', async () => {
		const { code, stderr } = await landscape('compare', 'pdus', '1', '1');
		expect(code).toBe(EXIT_INVALID_DATA);
		expect(stderr).toMatch(/its rows are not kept per version/);
	});

	it.each([
		[
			['history', 'services-durham'],
			/'services-durham' is not a dataset. Did you mean 'services-durham-local'\?/
		],
		[['compare', KEY, '1', '9'], /Durham local has no version 9: its versions are 1 to 3/],
		[['rollback', 'nope', '1'], /'nope' is not a dataset/],
		[['undo', KEY], /unknown action 'undo'/]
	])('exits 2 with usage for %j', async (argv, message) => {
		const before = await databaseState(db);
		const { code, stderr } = await landscape(...argv);
		expect(code).toBe(EXIT_USAGE);
		expect(stderr).toMatch(message);
		expect(stderr).toContain('Usage: npm run landscape -- datasets');
		expect(await databaseState(db)).toEqual(before);
	});

	it('help describes each action', async () => {
		const { io, out } = recorder();
		expect(await main(['help', 'datasets'], io)).toBe(EXIT_OK);
		for (const line of [
			'datasets list',
			'datasets history <key>',
			'datasets compare <key> <a> <b> [--all]',
			'datasets rollback <key> <version> [--user NAME]'
		])
			expect(out.stdout).toContain(line);
	});
});

describeEachEngine('the built CLI (build-cli/landscape.js, run as a child process)', (engine) => {
	/** The database the CLI opens, as an operator names it: LANDSCAPE_DB, or DATABASE_URL. */
	let env: NodeJS.ProcessEnv;
	beforeAll(async () => {
		ensureCliBuild();
		const config = await engine.emptyDatabase();
		env = { ...process.env };
		if (config.engine === 'postgres') env.DATABASE_URL = config.url;
		else {
			delete env.DATABASE_URL;
			env.LANDSCAPE_DB = config.file;
		}
	}, 300_000);

	const run = (...args: string[]) =>
		spawnSync(process.execPath, [CLI_BUNDLE, ...args], {
			cwd: root,
			encoding: 'utf8',
			timeout: 120_000,
			env
		});

	it('imports twice, compares, rolls back and refuses the current version, with real exit codes', () => {
		const file = 'tests/fixtures/import';
		expect(run('import', 'services', `${file}/services-good.csv`, '--dataset', 'CLI').status).toBe(
			EXIT_OK
		);
		expect(run('import', 'services', `${file}/services-v2.csv`, '--dataset', 'CLI').status).toBe(
			EXIT_OK
		);
		const compare = run('datasets', 'compare', 'services-cli', '1', '2');
		expect(compare.status).toBe(EXIT_OK);
		expect(compare.stdout).toContain('added 1, changed 1, removed 1, unchanged 2\n');
		const rollback = run('datasets', 'rollback', 'services-cli', '1', '--user', 'Priya');
		expect(rollback.status).toBe(EXIT_OK);
		expect(rollback.stdout).toMatch(/version 3 is now current: a copy of version 1 \(4 rows\)/);
		expect(run('datasets', 'rollback', 'services-cli', '3').status).toBe(EXIT_INVALID_DATA);
		expect(run('datasets', 'history', 'services-clj').status).toBe(EXIT_USAGE);
	}, 120_000);
});
