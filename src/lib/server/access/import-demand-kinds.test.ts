import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DB } from '../db';
import { databaseState } from '../import/testing';
import { listCaseloads } from '../repositories/demand';
import { listOrganisations } from '../repositories/organisations';
import { freshDatabase } from '../testing/fresh-db';
import { EXIT_INVALID_DATA, EXIT_OK } from './cli-kit';
import { createImportCommand, runImport } from './import-command';
import { cliRecorder } from './cli-testing';

/** `landscape import caseload|organisations …`, run in process against a fresh seeded database. */

const root = path.resolve(import.meta.dirname, '../../../..');
const fixture = (kind: string, name: string) => `tests/fixtures/import/${kind}/${name}`;

const recorder = cliRecorder;

let db: DB;
let command: ReturnType<typeof createImportCommand>;
const cwd = process.cwd();
beforeAll(() => process.chdir(root));
afterAll(() => process.chdir(cwd));
beforeEach(async () => {
	db = (await freshDatabase({ seed: true })).db;
	command = createImportCommand(() => Promise.resolve(db));
});

/** Counts of every table an import of these kinds writes, and the current versions. */
async function state() {
	const count = async (table: 'pdu_caseloads' | 'pdu_need_shares' | 'organisation_facts') =>
		Number(
			(
				await db
					.selectFrom(table)
					.select((eb) => eb.fn.countAll<number>().as('n'))
					.executeTakeFirstOrThrow()
			).n
		);
	return {
		...(await databaseState(db)),
		pdu_caseloads: await count('pdu_caseloads'),
		pdu_need_shares: await count('pdu_need_shares'),
		organisation_facts: await count('organisation_facts')
	};
}

describe('landscape import caseload', () => {
	it('exits 0 with the counts and the new version; again, a no-op; the PDUs use the figures', async () => {
		const argv = ['caseload', fixture('caseload', 'good.csv'), '--dataset', 'North East'];
		const first = recorder();
		expect(await runImport(argv, first.io, command)).toBe(EXIT_OK);
		expect(first.out.stdout.split('\n')).toEqual([
			'rows read 4, accepted 4, rejected 0',
			'dataset caseload-north-east version 1: added 4, changed 0, removed 0, unchanged 0, new organisations 0',
			''
		]);
		expect(first.out.stderr).toBe('');
		expect((await listCaseloads(db, 'N54DUR'))[0]).toMatchObject({
			caseload: 2000,
			source: 'published (imported from good.csv, version 1)'
		});

		const before = await state();
		const again = recorder();
		expect(await runImport(argv, again.io, command)).toBe(EXIT_OK);
		expect(again.out.stdout).toMatch(
			/unchanged: the file is the same \(sha256 [0-9a-f]{12}…\) as dataset caseload-north-east version 1; nothing written/
		);
		expect(await state()).toEqual(before);

		const v2 = recorder();
		expect(
			await runImport(
				['caseload', fixture('caseload', 'v2.csv'), '--dataset', 'North East', '--user', 'Sam'],
				v2.io,
				command
			)
		).toBe(EXIT_OK);
		expect(v2.out.stdout).toContain(
			'dataset caseload-north-east version 2: added 1, changed 1, removed 1, unchanged 2'
		);
	});

	it('--dry-run exits 0 and writes nothing', async () => {
		const before = await state();
		const { io, out } = recorder();
		expect(
			await runImport(['caseload', fixture('caseload', 'good.csv'), '--dry-run'], io, command)
		).toBe(EXIT_OK);
		expect(out.stdout).toContain('would be dataset caseload-good version 1: added 4');
		expect(out.stdout).toMatch(/dry run: nothing written\n$/);
		expect(await state()).toEqual(before);
	});

	it('exits 1 printing file:row:column: message for each error, and writes nothing', async () => {
		const before = await state();
		const { io, out } = recorder();
		const file = fixture('caseload', 'bad-rows.csv');
		expect(await runImport(['caseload', file], io, command)).toBe(EXIT_INVALID_DATA);
		expect(out.stderr.split('\n')).toEqual([
			`${file}:1:pdu: 'Sunderlnd' is not a PDU (give its code or name). Did you mean 'Sunderland (N54SUND)'?`,
			`${file}:2:period: '2025-Q5' is not a period: write 2025-12-31, 31/12/2025, 2025-Q4 or December 2025`,
			`${file}:2:post_release: community (1200) + post_release (900) = 2100, more than the caseload (2000)`,
			`${file}:2:accommodation_share: '39' is not a share from 0 to 1: for a percentage write 39%; for a number of people use the _count column`,
			`${file}:2:ete_count: 2500 is more than the caseload (2000)`,
			`${file}:4:pdu: Newcastle Upon Tyne (N54NUTY) is also on row 3; give each PDU once`,
			`${file}:5:pdu: 'Staffordshire and Stoke' is no longer a PDU: it was split into Staffordshire North and Staffordshire South on 2024-12-09. Give the figures for each of those`,
			''
		]);
		expect(out.stdout).toContain('rows read 5, accepted 1, rejected 4\n');
		expect(await state()).toEqual(before);
	});

	it('exits 1 refusing person-level columns, naming them and nothing else', async () => {
		const before = await state();
		const { io, out } = recorder();
		const file = fixture('caseload', 'person-level.csv');
		expect(await runImport(['caseload', file], io, command)).toBe(EXIT_INVALID_DATA);
		expect(out.stderr).toMatch(/person-level\.csv:0:-: refused: .*'CRN'.*data minimisation/);
		expect(out.stderr).not.toContain('X123456');
		expect(await state()).toEqual(before);
	});
});

describe('landscape import organisations', () => {
	it('without --confirm: exits 1, lists the matches by name alone, writes nothing', async () => {
		const before = await state();
		const { io, out } = recorder();
		const file = fixture('organisations', 'good.csv');
		expect(await runImport(['organisations', file], io, command)).toBe(EXIT_INVALID_DATA);
		expect(out.stdout.split('\n')).toEqual([
			'rows read 5, accepted 5, rejected 0',
			'nothing written: Confirm 2 organisations matched by name alone; check the warnings, then run again with --confirm',
			''
		]);
		expect(out.stderr.split('\n')).toEqual([
			`${file}:3:Name: warning: matched 'Nacro' by name alone to existing organisation 'Nacro'`,
			`${file}:4:Name: warning: matched 'Catch 22' by name alone to existing organisation 'Catch22 Charity Limited'`,
			''
		]);
		expect(await state()).toEqual(before);
	});

	it('--dry-run exits 0 saying what to confirm; --confirm imports', async () => {
		const file = fixture('organisations', 'good.csv');
		const before = await state();
		const dry = recorder();
		expect(await runImport(['organisations', file, '--dry-run'], dry.io, command)).toBe(EXIT_OK);
		expect(dry.out.stdout).toContain(
			'would be dataset organisations-good version 1: added 5, changed 0, removed 0, unchanged 0, new organisations 3\n' +
				'to import: Confirm 2 organisations matched by name alone, then run again with --confirm\n' +
				'dry run: nothing written\n'
		);
		expect(await state()).toEqual(before);

		const real = recorder();
		expect(
			await runImport(
				['organisations', file, '--confirm', '--dataset', 'DF suppliers'],
				real.io,
				command
			)
		).toBe(EXIT_OK);
		expect(real.out.stdout).toContain(
			'dataset organisations-df-suppliers version 1: added 5, changed 0, removed 0, unchanged 0, new organisations 3'
		);
		// The warnings are still printed, on stderr, for the record.
		expect(real.out.stderr).toContain("warning: matched 'Nacro' by name alone");
		const nacro = (await listOrganisations(db)).find((o) => o.name === 'Nacro')!;
		expect(nacro.dfCategories).toEqual(['Accommodation']);
	});

	it('exits 1 printing each bad row, and writes nothing', async () => {
		const before = await state();
		const { io, out } = recorder();
		const file = fixture('organisations', 'bad-rows.csv');
		expect(await runImport(['organisations', file, '--confirm'], io, command)).toBe(
			EXIT_INVALID_DATA
		);
		expect(out.stderr).toContain(
			`${file}:2:df_categories: 'Acommodation' is not a Dynamic Framework category. Did you mean 'Accommodation'?\n`
		);
		expect(out.stderr).toContain(
			`${file}:4:name: 'Illustrative B Ltd' is the same organisation as 'Illustrative B' on row 3; give each organisation once\n`
		);
		expect(out.stdout).toContain('rows read 6, accepted 2, rejected 4\n');
		expect(await state()).toEqual(before);
	});
});
