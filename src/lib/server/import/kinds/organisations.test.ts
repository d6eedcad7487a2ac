import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DB } from '../../db';
import { buildMarketReport } from '../../api/cliff-market';
import { listDatasets } from '../../repositories/datasets';
import {
	findOrganisation,
	listOrganisationFacts,
	listOrganisations
} from '../../repositories/organisations';
import { forEachEngine } from '../../testing/engines';
import { findImporter } from '../registry';
import { readTable } from '../read';
import { DATABASE_HOOK_TIMEOUT, databaseState, readFixture } from '../testing';
import type { ImportOptions } from '../types';
import {
	ORGANISATIONS_GUIDE,
	importOrganisations,
	organisationsImporter,
	parseCharityNumber,
	parseCompanyNumber,
	parseIncome,
	readOrganisations,
	type OrganisationsReference
} from './organisations';

forEachEngine((engine) => {
	let db: DB;
	/** A fresh seeded database for each test of a block that writes. */
	const withDatabase = () => {
		beforeEach(async () => {
			db = await engine.freshDatabase({ seed: true });
		}, DATABASE_HOOK_TIMEOUT);
		afterEach(() => db.destroy());
	};

	const now = new Date('2026-11-29T12:00:00Z');
	const fixture = (name: string) => `tests/fixtures/import/organisations/${name}`;
	const run = (name: string, options: Partial<ImportOptions> = {}) =>
		importOrganisations(
			db,
			[{ name: fixture(name), bytes: readFixture(`organisations/${name}`) }],
			{
				fileName: fixture(name),
				datasetName: 'DF suppliers (illustrative)',
				now,
				...options
			}
		);
	const KEY = 'organisations-df-suppliers-illustrative';

	async function state(): Promise<Record<string, number | string>> {
		const facts = await db
			.selectFrom('organisation_facts')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.executeTakeFirstOrThrow();
		return { ...(await databaseState(db)), organisation_facts: Number(facts.n) };
	}

	const byName = async (name: string) => (await listOrganisations(db)).find((o) => o.name === name);

	describe('cell parsers', () => {
		it.each([
			['1123456', '1123456'],
			['112345', '112345'],
			['1123456-1', '1123456-1'],
			['sc012345', 'SC012345'],
			['NIC 100002', 'NIC100002']
		])('reads the charity number %s as %s', (raw, value) => {
			expect(parseCharityNumber(raw)).toEqual({ ok: true, value });
		});

		it.each(['123', 'ABC1234', '12345678', 'SC12345'])('refuses the charity number %s', (raw) => {
			expect(parseCharityNumber(raw)).toEqual({
				ok: false,
				message: `'${raw}' is not a charity number (England and Wales: 6 or 7 digits such as 1123456; Scotland: SC012345; Northern Ireland: NIC100002)`
			});
		});

		it.each([
			['01234567', '01234567'],
			['1234567', '01234567'],
			['123', '00000123'],
			['sc 123456', 'SC123456']
		])('reads the company number %s as %s', (raw, value) => {
			expect(parseCompanyNumber(raw)).toEqual({ ok: true, value });
		});

		it('refuses a company number that is not 8 characters', () => {
			expect(parseCompanyNumber('123456789')).toEqual({
				ok: false,
				message:
					"'123456789' is not a Companies House number (8 characters, such as 01234567 or SC123456)"
			});
		});

		it.each([
			['250000', 250_000],
			['£250,000', 250_000],
			['£250k', 250_000],
			['1.2m', 1_200_000],
			['£1.2 million', 1_200_000]
		])('reads the income %s as £%d', (raw, value) => {
			expect(parseIncome(raw)).toEqual({ ok: true, value });
		});

		it('refuses an income that is not an amount', () => {
			expect(parseIncome('lots')).toEqual({
				ok: false,
				message: "'lots' is not an amount in £ (write 250000, £250,000 or £1.2m)"
			});
		});
	});

	describe('readOrganisations: matching', () => {
		const ref: OrganisationsReference = {
			organisations: [
				{ id: 1, name: 'Alpha Trust', charityNumber: '1000001', companyNumber: null },
				{ id: 2, name: 'Beta Limited', charityNumber: null, companyNumber: '00000002' },
				{ id: 3, name: 'Gamma', charityNumber: null, companyNumber: null }
			],
			aliases: [{ alias: 'G Charity', canonical: 'Gamma' }],
			regions: [{ code: 'N54', rmCode: 'A', name: 'North East', deliusName: 'North East Region' }]
		};
		const read = (rows: string[]) =>
			readOrganisations(
				readTable(['name,charity_number,company_number', ...rows].join('\n'), 'f.csv'),
				'f.csv',
				ref
			);

		it('matches by charity number, then company number, then name (asking to confirm the last)', () => {
			const result = read([
				'Alpha Trust (renamed),1000001,',
				'Beta,,2',
				'the G Charity,,',
				'Delta,,'
			]);
			expect(result.errors).toEqual([]);
			expect(
				result.rows.map((r) => [r.row, r.key, r.value.matchedBy, r.value.canonicalName])
			).toEqual([
				[1, '1', 'charity-number', 'Alpha Trust'],
				[2, '2', 'company-number', 'Beta Limited'],
				[3, '3', 'name', 'Gamma'],
				[4, 'new:delta', 'new', 'Delta']
			]);
			expect(result.warnings).toEqual([
				{
					file: 'f.csv',
					row: 3,
					column: 'name',
					message: "matched 'the G Charity' by name alone to existing organisation 'Gamma'"
				}
			]);
			expect(result.needsConfirmation).toBe('Confirm 1 organisation matched by name alone');
			expect(result.newOrganisations).toBe(1);
		});

		it('a number beats the name, with a warning when the name is another organisation', () => {
			const result = read(['Gamma,1000001,']);
			expect(result.rows[0]!.value).toMatchObject({
				organisationId: 1,
				matchedBy: 'charity-number'
			});
			expect(result.warnings).toEqual([
				{
					file: 'f.csv',
					row: 1,
					column: 'name',
					message:
						"the name 'Gamma' is that of another known organisation; matched 'Alpha Trust' by charity number 1000001"
				}
			]);
			expect(result.needsConfirmation).toBeNull();
		});

		it('refuses numbers that point at two organisations, or disagree with the named one', () => {
			const result = read(['Alpha Trust,1000001,2', 'Alpha Trust,1000009,', 'Beta Limited,,3']);
			expect(result.errors).toEqual([
				{
					file: 'f.csv',
					row: 1,
					column: 'company_number',
					message:
						"00000002 is the company number of 'Beta Limited', but charity number 1000001 is that of 'Alpha Trust': check both numbers"
				},
				{
					file: 'f.csv',
					row: 2,
					column: 'charity_number',
					message:
						"'Alpha Trust' has the name of 'Alpha Trust', whose charity number is 1000001, not 1000009: correct the number, or the name if they are different organisations"
				},
				{
					file: 'f.csv',
					row: 3,
					column: 'company_number',
					message:
						"'Beta Limited' has the name of 'Beta Limited', whose company number is 00000002, not 00000003: correct the number, or the name if they are different organisations"
				}
			]);
			expect(result.rows).toEqual([]);
		});

		it('refuses an organisation given twice, however it is written', () => {
			const result = read([
				'Alpha Trust,1000001,',
				'ALPHA TRUST,,',
				'Delta,1000002,',
				'Delta Ltd,1000002,'
			]);
			expect(result.errors).toEqual([
				{
					file: 'f.csv',
					row: 2,
					column: 'name',
					message:
						"'ALPHA TRUST' is the same organisation as 'Alpha Trust' on row 1; give each organisation once"
				},
				{
					file: 'f.csv',
					row: 4,
					column: 'name',
					message:
						"'Delta Ltd' is the same organisation as 'Delta' on row 3; give each organisation once"
				}
			]);
			expect(result.rows.map((r) => r.row)).toEqual([1, 3]);
		});
	});

	describe('importOrganisations: a supplier list', () => {
		withDatabase();

		it('writes nothing until the matches by name alone are confirmed', async () => {
			const before = await state();
			const summary = await run('good.csv');
			expect(summary).toMatchObject({
				kind: 'organisations',
				status: 'invalid',
				datasetKey: KEY,
				rowsRead: 5,
				accepted: 5,
				rejected: 0,
				added: 5,
				newOrganisations: 3,
				errors: [],
				needsConfirmation: 'Confirm 2 organisations matched by name alone'
			});
			const file = fixture('good.csv');
			expect(summary.warnings).toEqual([
				{
					file,
					row: 3,
					column: 'Name',
					message: "matched 'Nacro' by name alone to existing organisation 'Nacro'"
				},
				{
					file,
					row: 4,
					column: 'Name',
					message:
						"matched 'Catch 22' by name alone to existing organisation 'Catch22 Charity Limited'"
				}
			]);
			expect(await state()).toEqual(before);
			// A dry run says the same and is not an error.
			const dry = await run('good.csv', { dryRun: true });
			expect(dry).toMatchObject({
				status: 'dry-run',
				version: 1,
				needsConfirmation: summary.needsConfirmation
			});
			expect(await state()).toEqual(before);
		});

		it('confirmed: version 1, new organisations created, facts read back everywhere', async () => {
			const nacroBefore = (await byName('Nacro'))!;
			const summary = await run('good.csv', { confirmed: true });
			expect(summary).toMatchObject({
				status: 'imported',
				version: 1,
				accepted: 5,
				newOrganisations: 3
			});
			expect((await listDatasets(db)).find((d) => d.key === KEY)).toMatchObject({
				version: 1,
				rowCount: 5,
				provenance: 'published',
				fileName: 'good.csv'
			});

			const housing = (await byName('Illustrative Housing Trust'))!;
			expect(housing).toMatchObject({
				orgType: 'vcse',
				charityNumber: '1199001',
				companyNumber: null,
				annualIncomeGbp: 850_000,
				byAndFor: false,
				dfRegistered: true,
				dfCategories: ['Accommodation', 'Finance, Benefits and Debt'],
				regions: ['N54', 'N55'],
				factSources: [`imported from good.csv (${KEY}, version 1), row 1`],
				leadCount: 0
			});
			expect(housing.orgTypeBasis).toBe(
				`As given in the supplier list imported from good.csv (${KEY}, version 1), row 1`
			);
			expect(await byName('Illustrative Employment Ltd')).toMatchObject({
				companyNumber: '00123456',
				annualIncomeGbp: 2_500_000,
				orgType: 'private',
				regions: ['N54', 'N51']
			});
			// Nacro keeps its services and its id; blank cells leave what was known.
			const nacro = (await findOrganisation(db, nacroBefore.id))!;
			expect(nacro).toMatchObject({
				leadCount: nacroBefore.leadCount,
				orgType: 'vcse',
				annualIncomeGbp: null,
				dfRegistered: true, // implied by its Dynamic Framework categories
				dfCategories: ['Accommodation']
			});
			expect(nacro.regions).toHaveLength(12);
			expect((await byName('Catch22 Charity Limited'))!.dfCategories).toEqual([
				'Young Adults (18–25)'
			]);

			const facts = await listOrganisationFacts(db);
			expect(facts.find((f) => f.name === "Illustrative Women's Centre (by and for)")).toEqual({
				id: expect.any(Number),
				name: "Illustrative Women's Centre (by and for)",
				orgType: 'vcse',
				annualIncomeGbp: 120_000,
				byAndFor: true,
				dfRegistered: true,
				dfCategories: ['Emotional Wellbeing'], // CRS categories only; 'Women' is a DF cohort
				regions: ['N03']
			});
			// Organisations no list covers keep what the seed knows.
			expect(facts.find((f) => f.name === 'Ingeus UK Limited')).toMatchObject({
				orgType: 'private',
				annualIncomeGbp: null,
				dfRegistered: null,
				dfCategories: [],
				regions: []
			});
			expect(facts).toHaveLength((await listOrganisations(db)).length);
		});

		it('is a no-op when the same file is imported again', async () => {
			await run('good.csv', { confirmed: true });
			const before = await state();
			const again = await run('good.csv');
			expect(again).toMatchObject({ status: 'unchanged', version: 1, unchanged: 5, added: 0 });
			expect(await state()).toEqual(before);
		});

		it('version 2 matches by number, compares by organisation, and keeps version 1', async () => {
			await run('good.csv', { confirmed: true });
			const v2 = await run('v2.csv', { confirmed: true, createdBy: 'Sam Planner' });
			expect(v2).toMatchObject({
				status: 'imported',
				version: 2,
				previousVersion: 1,
				added: 1, // Illustrative Debt Advice CIC
				changed: 1, // the housing trust's income, categories and regions
				removed: 2, // Nacro and Catch22
				unchanged: 2, // the employment company (by company number) and the women's centre
				newOrganisations: 1,
				// The women's centre was new in version 1, with no numbers: matched by name alone again.
				needsConfirmation: 'Confirm 1 organisation matched by name alone'
			});
			expect(v2.warnings.map((w) => w.row)).toEqual([3]);
			const versions = await db
				.selectFrom('dataset_versions')
				.where('dataset_key', '=', KEY)
				.select(['version', 'is_current', 'created_by'])
				.orderBy('version')
				.execute();
			expect(versions).toEqual([
				{ version: 1, is_current: 0, created_by: 'command line' },
				{ version: 2, is_current: 1, created_by: 'Sam Planner' }
			]);
			const kept = await db
				.selectFrom('organisation_facts as f')
				.innerJoin('dataset_versions as v', 'v.id', 'f.dataset_version_id')
				.where('v.dataset_key', '=', KEY)
				.select(['v.version'])
				.execute();
			expect(kept.filter((k) => k.version === 1)).toHaveLength(5);
			// Matched by charity number: the same organisation, not a new one named "… Limited".
			expect(await byName('Illustrative Housing Trust Limited')).toBeUndefined();
			expect(await byName('Illustrative Housing Trust')).toMatchObject({
				annualIncomeGbp: 900_000,
				dfCategories: ['Accommodation'],
				regions: ['N54']
			});
			// Nacro is in no current list now: back to what the seed knows.
			expect(await byName('Nacro')).toMatchObject({
				dfRegistered: null,
				dfCategories: [],
				factSources: []
			});
			expect(await byName('Illustrative Debt Advice CIC')).toMatchObject({
				companyNumber: 'SC654321',
				dfRegistered: true
			});
		});

		it('the newest current list wins field by field; blanks do not hide an older value', async () => {
			await run('good.csv', { confirmed: true });
			const later = [
				'name,charity_number,annual_income_gbp,org_type',
				'Illustrative Housing Trust,1199001,"£1,000,000",'
			].join('\n');
			const summary = await importOrganisations(
				db,
				[{ name: 'later.csv', bytes: new TextEncoder().encode(later) }],
				{
					fileName: 'later.csv',
					datasetName: 'Another list'
				}
			);
			expect(summary).toMatchObject({
				status: 'imported',
				datasetKey: 'organisations-another-list'
			});
			expect(await byName('Illustrative Housing Trust')).toMatchObject({
				annualIncomeGbp: 1_000_000, // the newer list
				orgType: 'vcse', // blank in the newer list: the older one's
				dfCategories: ['Accommodation', 'Finance, Benefits and Debt'],
				factSources: [
					'imported from later.csv (organisations-another-list, version 1), row 1',
					`imported from good.csv (${KEY}, version 1), row 1`
				]
			});
		});

		it('imported income, type and "by and for" reach the market shape', async () => {
			const before = await buildMarketReport(db, { regionCode: null, category: null });
			expect(before.provenance.organisations).toMatch(/not recorded for any organisation yet/);
			const lines = ['name,annual_income_gbp,by_and_for', 'Nacro,"£500,000",no'];
			await importOrganisations(
				db,
				[{ name: 'nacro.csv', bytes: new TextEncoder().encode(lines.join('\n')) }],
				{
					fileName: 'nacro.csv',
					datasetName: 'Nacro facts (illustrative)',
					confirmed: true
				}
			);
			const after = await buildMarketReport(db, { regionCode: null, category: null });
			expect(after.scope.incomeUnder1m.knownValueGbp).toBeGreaterThan(
				before.scope.incomeUnder1m.knownValueGbp
			);
			expect(after.scope.byAndFor.knownValueGbp).toBeGreaterThan(0);
			expect(after.provenance.organisations).toMatch(/1 organisation/);
		});
	});

	describe('importOrganisations: nothing is written unless the whole file is good', () => {
		withDatabase();

		it('a file with bad rows: every error by row and column, nothing written', async () => {
			const before = await state();
			const summary = await run('bad-rows.csv');
			const file = fixture('bad-rows.csv');
			expect(summary).toMatchObject({ status: 'invalid', rowsRead: 6, accepted: 2, rejected: 4 });
			expect(summary.errors).toEqual([
				{ file, row: 1, column: 'name', message: "the organisation's name is required" },
				{
					file,
					row: 1,
					column: 'charity_number',
					message:
						"'123' is not a charity number (England and Wales: 6 or 7 digits such as 1123456; Scotland: SC012345; Northern Ireland: NIC100002)"
				},
				{
					file,
					row: 2,
					column: 'org_type',
					message: "'charity shop' is not an organisation type (vcse, private, public, mutual)."
				},
				{
					file,
					row: 2,
					column: 'annual_income_gbp',
					message: "'£12.3.4' is not an amount in £ (write 250000, £250,000 or £1.2m)"
				},
				{ file, row: 2, column: 'by_and_for', message: "'maybe' is not yes or no" },
				{
					file,
					row: 2,
					column: 'df_categories',
					message:
						"'Acommodation' is not a Dynamic Framework category. Did you mean 'Accommodation'?"
				},
				{
					file,
					row: 2,
					column: 'regions',
					message:
						'\'Narnia\' is not a probation region (give its name, nDelius code such as N54, or Refer and Monitor letter such as A; or "all").'
				},
				{
					file,
					row: 4,
					column: 'name',
					message:
						"'Illustrative B Ltd' is the same organisation as 'Illustrative B' on row 3; give each organisation once"
				},
				{
					file,
					row: 5,
					column: 'df_registered',
					message:
						"is 'no', but the row gives Dynamic Framework categories (Accommodation): say yes, or leave df_categories blank"
				}
			]);
			expect(await state()).toEqual(before);
		});

		it('writes just the valid rows when the user chooses to', async () => {
			const summary = await run('bad-rows.csv', { onlyValidRows: true });
			expect(summary).toMatchObject({ status: 'imported', accepted: 2, newOrganisations: 2 });
			expect(await byName('Illustrative B')).toMatchObject({ charityNumber: '1199002' });
			expect(await byName('Illustrative D')).toMatchObject({
				orgType: 'private',
				regions: ['N54']
			});
			expect(await byName('Illustrative A')).toBeUndefined();
		});

		it('refuses a file with person-level columns, naming them', async () => {
			const before = await state();
			const summary = await run('person-level.csv');
			expect(summary.status).toBe('refused');
			expect(summary.errors[0]!.message).toMatch(
				/'Date of Birth' \(date of birth\), 'NI Number' \(National Insurance \(NI\) number\)/
			);
			expect(JSON.stringify(summary)).not.toContain('QQ123456C');
			expect(await state()).toEqual(before);
		});
	});

	describe('the organisations importer', () => {
		withDatabase();

		it('is registered, with a template whose columns are its field guide', () => {
			expect(findImporter('organisations')).toBe(organisationsImporter);
			const [header] = organisationsImporter.template().body.split('\r\n');
			expect(header!.split(',')).toEqual(ORGANISATIONS_GUIDE.map((f) => f.column));
			expect(organisationsImporter.datasetKey('DF suppliers 2026')).toBe(
				'organisations-df-suppliers-2026'
			);
		});

		it("the template's example row is valid (a dry run accepts it as a new organisation)", async () => {
			const body = organisationsImporter.template().body;
			const summary = await organisationsImporter.run(
				db,
				[{ name: 't.csv', bytes: new TextEncoder().encode(body) }],
				{
					fileName: 't.csv',
					dryRun: true
				}
			);
			expect(summary).toMatchObject({
				status: 'dry-run',
				accepted: 1,
				newOrganisations: 1,
				errors: []
			});
		});
	});
});
