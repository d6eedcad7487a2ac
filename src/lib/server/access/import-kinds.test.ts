import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DB } from '../db';
import { databaseState } from '../import/testing';
import { freshDatabase } from '../testing/fresh-db';
import { EXIT_INVALID_DATA, EXIT_OK } from './cli-kit';
import { createImportCommand, runImport } from './import-command';
import { cliRecorder } from './cli-testing';

/** `landscape import` for the supply kinds other than the services template, run in process. */

const root = path.resolve(import.meta.dirname, '../../../..');
const fixture = (name: string) => `tests/fixtures/import/${name}`;

const recorder = cliRecorder;

interface KindCase {
	kind: string;
	good: string;
	rows: number;
	bad: string;
	/** the first error line the bad file prints */
	firstError: string;
	/** a file (or folder) with person-identifying fields */
	refused: string;
}

const CASES: KindCase[] = [
	{
		kind: 'cfo-sites',
		good: fixture('cfo-sites/good.csv'),
		rows: 3,
		bad: fixture('cfo-sites/bad.csv'),
		firstError: `${fixture('cfo-sites/bad.csv')}:2:type: 'kiosk' is not one of hub, satellite, wing`,
		refused: fixture('cfo-sites/person-level.csv')
	},
	{
		kind: 'grants-360giving',
		good: fixture('grants-360giving/grants.csv'),
		rows: 3,
		bad: fixture('grants-360giving/grants-no-categories.csv'),
		firstError: `${fixture('grants-360giving/grants-no-categories.csv')}:1:CRS categories: 360Giving has no field for CRS categories: add a column 'CRS categories'`,
		refused: fixture('grants-360giving/grants-individual.csv')
	},
	{
		kind: 'rm-contracts',
		good: fixture('rm-contracts/good'),
		rows: 2,
		bad: fixture('rm-contracts/bad'),
		firstError: `${fixture('rm-contracts/bad/EXAMPLE_0003.json')}:1:eligibility.allows_female: 'yes' is not true or false`,
		refused: fixture('rm-contracts/person-level')
	},
	{
		kind: 'oruk',
		good: fixture('oruk/services-v1.json'),
		rows: 2,
		bad: fixture('oruk/services-bad.json'),
		firstError: `${fixture('oruk/services-bad.json')}:1:service_taxonomys.taxonomy.name: no CRS category`,
		refused: fixture('oruk/services-with-contacts.json')
	}
];

describe.each(CASES)('landscape import $kind', (c) => {
	let db: DB;
	let command: ReturnType<typeof createImportCommand>;
	beforeEach(async () => {
		db = (await freshDatabase({ seed: true })).db;
		command = createImportCommand(() => Promise.resolve(db));
	});
	const cwd = process.cwd();
	beforeAll(() => process.chdir(root));
	afterAll(() => process.chdir(cwd));

	it('--dry-run exits 0 and writes nothing', async () => {
		const before = await databaseState(db);
		const { io, out } = recorder();
		expect(
			await runImport([c.kind, c.good, '--dry-run', '--dataset', 'Example'], io, command)
		).toBe(EXIT_OK);
		expect(out.stdout).toContain(
			`would be dataset services-example version 1: added ${c.rows}, changed 0, removed 0, unchanged 0`
		);
		expect(out.stdout).toMatch(/dry run: nothing written\n$/);
		expect(await databaseState(db)).toEqual(before);
	});

	it('imports with exit 0, then again as a no-op', async () => {
		const argv = [c.kind, c.good, '--dataset', 'Example'];
		const first = recorder();
		expect(await runImport(argv, first.io, command)).toBe(EXIT_OK);
		expect(first.out.stdout).toMatch(
			new RegExp(
				`^(.*\\n)?rows read \\d+, accepted ${c.rows}, rejected 0\\ndataset services-example version 1: added ${c.rows}, changed 0, removed 0, unchanged 0, new organisations \\d+\\n$`
			)
		);
		const again = recorder();
		const before = await databaseState(db);
		expect(await runImport(argv, again.io, command)).toBe(EXIT_OK);
		expect(again.out.stdout).toMatch(
			/unchanged: the file is the same .* version 1; nothing written/
		);
		expect(await databaseState(db)).toEqual(before);
	});

	it('exits 1 on invalid data, printing file:row:column: message, and writes nothing', async () => {
		const before = await databaseState(db);
		const { io, out } = recorder();
		expect(await runImport([c.kind, c.bad], io, command)).toBe(EXIT_INVALID_DATA);
		expect(out.stderr.split('\n')[0]).toContain(c.firstError);
		expect(out.stdout).toContain('nothing written');
		expect(await databaseState(db)).toEqual(before);
	});

	it('exits 1 refusing person-level data', async () => {
		const before = await databaseState(db);
		const { io, out } = recorder();
		expect(await runImport([c.kind, c.refused], io, command)).toBe(EXIT_INVALID_DATA);
		expect(out.stderr).toMatch(
			/:0:-: refused: the file has columns that identify people: .*data minimisation/
		);
		expect(await databaseState(db)).toEqual(before);
	});
});
