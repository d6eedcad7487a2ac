import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DB } from '../../db';
import { listServices } from '../../repositories/services';
import { forEachEngine } from '../../testing/engines';
import { decodeFiles } from '../commit';
import { loadServiceReferenceData, type ServiceReferenceData } from '../services';
import {
	DATABASE_HOOK_TIMEOUT,
	databaseState,
	fromSeededDatabase,
	IMPORT_FIXTURES
} from '../testing';
import type { ImportFile } from '../types';
import { categoriesOfContractType } from '$lib/domain/categories';
import {
	loadRmProviders,
	rmContractsImporter,
	rmContractsReader,
	rmExample,
	rmFunder,
	type RmProvider
} from './rm-contracts';

forEachEngine((engine) => {
	let reference: ServiceReferenceData;
	let providers: RmProvider[];
	let db: DB;

	beforeAll(async () => {
		[reference, providers] = await fromSeededDatabase(engine, (db) =>
			Promise.all([loadServiceReferenceData(db), loadRmProviders(db)])
		);
	}, DATABASE_HOOK_TIMEOUT);

	/** A fixture folder's files, named as the CLI names them. */
	function folder(name: string): ImportFile[] {
		const dir = path.join(IMPORT_FIXTURES, 'rm-contracts', name);
		return fs
			.readdirSync(dir)
			.sort()
			.map((n) => ({ name: `${name}/${n}`, bytes: fs.readFileSync(path.join(dir, n)) }));
	}
	const run = (files: ImportFile[], name: string) =>
		rmContractsImporter.run(db, files, {
			fileName: name,
			datasetName: 'R&M contracts',
			reference
		} as Parameters<typeof rmContractsImporter.run>[2]);
	/** Read JSON texts with the reader alone. */
	const read = (...texts: { name: string; json: unknown }[]) =>
		rmContractsReader(providers).read(
			decodeFiles(
				texts.map((t) => ({
					name: t.name,
					bytes: new TextEncoder().encode(
						typeof t.json === 'string' ? t.json : JSON.stringify(t.json)
					)
				}))
			),
			reference
		);
	const lines = (errors: { file: string; row: number; column: string; message: string }[]) =>
		errors.map((e) => `${e.file}:${e.row}:${e.column}: ${e.message}`);

	/** PRJ_5549 as Refer and Monitor publishes it (the fields Landscape reads). */
	const PRJ_5549 = {
		contract_reference: 'PRJ_5549',
		contract_type_id: 'ACC',
		region: { nps_region_code: 'F', pcc_region_code: null },
		eligibility: { allows_female: false, allows_male: true, minimum_age: 18, maximum_age: null },
		scheduling: { hide_before: '2021-01-01', hide_after: null },
		providers: { prime_provider_code: 'NACRO', subcontractor_codes: ['THE_BRIDGE_EM', 'SHELTER'] },
		intervention_title: 'Accommodation Services - East Midlands',
		activities: [{ need_area: 'Accommodation', delivery_location: 'Nottingham City' }]
	};

	describe('rm-contracts: importing', () => {
		beforeEach(async () => {
			db = await engine.freshDatabase({ seed: true });
		}, DATABASE_HOOK_TIMEOUT);
		afterEach(() => db.destroy());

		it('imports a folder of definitions as one version: region by letter, PCC area by id, providers by code', async () => {
			const summary = await run(folder('good'), 'rm-contracts/good');
			expect(summary).toMatchObject({
				status: 'imported',
				datasetKey: 'services-r-and-m-contracts',
				rowsRead: 2,
				accepted: 2,
				newOrganisations: 0,
				errors: []
			});
			const [east] = await listServices(db, { reference: 'EXAMPLE_0001' });
			expect(east).toMatchObject({
				source: 'crs',
				mechanism: 'call-off',
				funder: 'HMPPS (Probation Service)',
				leadProvider: 'Nacro',
				subcontractors: [expect.objectContaining({ name: 'Shelter' })],
				categories: ['Accommodation'],
				lotLevel: 'region',
				regionCode: 'N53',
				sex: 'male',
				minAge: 18,
				maxAge: null,
				startDate: '2025-04-01', // referrals open
				endDate: '2027-03-31' // referrals close (the time is dropped)
			});
			const [gwent] = await listServices(db, { reference: 'EXAMPLE_0002' });
			expect(gwent).toMatchObject({
				leadProvider: 'The Nelson Trust',
				subcontractors: [],
				lotLevel: 'pcc-area',
				regionCode: 'N03',
				pccAreas: [{ id: 'gwent', until: null }],
				sex: 'female'
			});
			// No activities: a Women's Services contract covers all eight, as the seed says.
			expect(gwent!.categories).toHaveLength(8);
		});

		it('maps a definition as the seed maps the same contract from the R&M extract', async () => {
			const files = [
				{ name: 'PRJ_5549.json', bytes: new TextEncoder().encode(JSON.stringify(PRJ_5549)) }
			];
			expect((await run(files, 'PRJ_5549.json')).status).toBe('imported');
			const both = await listServices(db, { reference: 'PRJ_5549' });
			expect(both).toHaveLength(2);
			const seeded = both.find((s) => s.recordType === 'definition')!;
			const imported = both.find((s) => s.recordType !== 'definition')!;
			for (const field of [
				'source',
				'name',
				'mechanism',
				'funder',
				'leadProvider',
				'categories',
				'lotLevel',
				'regionCode',
				'pccAreas',
				'sex',
				'minAge',
				'maxAge'
			] as const)
				expect(imported[field], field).toEqual(seeded[field]);
			expect(imported.subcontractors.map((s) => s.name).sort()).toEqual(
				seeded.subcontractors.map((s) => s.name).sort()
			);
			expect(imported.startDate).toBe(seeded.referralFrom);
			expect(imported.endDate).toBe(seeded.referralUntil);
		});

		it('does not keep the referral mailbox in the stored record', async () => {
			await run(folder('good'), 'rm-contracts/good');
			const row = await db
				.selectFrom('services')
				.where('reference', '=', 'EXAMPLE_0001')
				.select('source_record')
				.executeTakeFirstOrThrow();
			expect(row.source_record).toContain('"contract_reference":"EXAMPLE_0001"');
			expect(row.source_record).not.toContain('referrals@example.org');
		});

		it('names the file, record and field of each problem, suggests codes, and writes nothing', async () => {
			const before = await databaseState(db);
			const summary = await run(folder('bad'), 'rm-contracts/bad');
			expect(summary).toMatchObject({ status: 'invalid', rowsRead: 2, accepted: 1, rejected: 1 });
			const unknown =
				'is not an R&M provider code Landscape knows (add the provider to data/facts/crs_providers_refer_monitor.csv, or check the code).';
			expect(lines(summary.errors)).toEqual([
				"bad/EXAMPLE_0003.json:1:eligibility.allows_female: 'yes' is not true or false",
				`bad/EXAMPLE_0003.json:1:providers.prime_provider_code: 'NACRROO' ${unknown} Did you mean 'NACRO'?`,
				`bad/EXAMPLE_0003.json:1:providers.subcontractor_codes: 'SHELTR' ${unknown} Did you mean 'SHELTER'?`,
				"bad/EXAMPLE_0003.json:1:activities.need_area: no activity names a CRS category, and contract type 'XYZ' gives none: give an activity whose need_area is one of Accommodation, Education, Training and Employment, Finance, Benefits and Debt, Dependency and Recovery, Lifestyle and Associates, Family and Significant Others, Emotional Wellbeing, Social Inclusion",
				"bad/EXAMPLE_0003.json:1:region.nps_region_code: 'Q' is not a probation region (give its name, nDelius code such as N54, or Refer and Monitor letter such as A).",
				"bad/EXAMPLE_0003.json:1:scheduling.hide_before: '2025-04-31' is not a date on the calendar"
			]);
			expect(await databaseState(db)).toEqual(before);
		});
	});

	describe('rm-contracts: reading, with no database', () => {
		it('a contract reference used in two files is an error on the second', async () => {
			const result = await read(
				{ name: 'a.json', json: PRJ_5549 },
				{ name: 'b.json', json: PRJ_5549 }
			);
			expect(lines(result.errors)).toEqual([
				"b.json:1:contract_reference: 'PRJ_5549' is also the reference on a.json row 1; each service needs its own"
			]);
			expect(result.rows).toHaveLength(1);
		});

		it('a file that is not JSON is a file-level error; a list of definitions is read record by record', async () => {
			const broken = await read({ name: 'x.json', json: '{"contract_reference": ' });
			expect(broken.errors).toHaveLength(1);
			expect(broken.errors[0]).toMatchObject({ file: 'x.json', row: 0, column: '-' });
			const list = await read({
				name: 'list.json',
				json: [PRJ_5549, { ...PRJ_5549, contract_reference: 'PRJ_X', region: {} }]
			});
			expect(lines(list.errors)).toEqual([
				'list.json:2:region: give region.nps_region_code (a region letter, A to L) or region.pcc_region_code (a PCC area id)'
			]);
		});

		it('a definition allowing neither women nor men, or of the wrong type, is refused', async () => {
			const result = await read({
				name: 'a.json',
				json: {
					...PRJ_5549,
					eligibility: { allows_female: false, allows_male: false, minimum_age: 'adult' },
					providers: { prime_provider_code: 'NACRO', subcontractor_codes: 'SHELTER' }
				}
			});
			expect(lines(result.errors)).toEqual([
				'a.json:1:eligibility.allows_male: allows neither women nor men: one must be true',
				'a.json:1:providers.subcontractor_codes: should be a list ([…])',
				"a.json:1:eligibility.minimum_age: 'adult' is not a number"
			]);
		});

		it('refuses a definition with a field naming a person', () => {
			expect(
				rmContractsReader(providers).personFields(
					decodeFiles([{ name: 'a.json', bytes: new TextEncoder().encode(rmExample()) }])
				)
			).toEqual([]);
			const named = decodeFiles([
				{
					name: 'dir/a.json',
					bytes: new TextEncoder().encode(JSON.stringify({ ...PRJ_5549, surname: 'x' }))
				}
			]);
			expect(rmContractsReader(providers).personFields(named)).toEqual([
				{ column: 'a.json: surname', what: "a person's name" }
			]);
		});

		it.each([
			['ACC', ['Accommodation']],
			['ETE', ['Education, Training and Employment']],
			['DNR-SW', ['Dependency and Recovery']],
			['FBD-NE', ['Finance, Benefits and Debt']],
			[
				'PWB',
				[
					'Lifestyle and Associates',
					'Family and Significant Others',
					'Emotional Wellbeing',
					'Social Inclusion'
				]
			],
			['MTR', []]
		])('contract type %s gives %j', (code, categories) => {
			expect(categoriesOfContractType(code)).toEqual(categories);
		});

		it('Greater Manchester’s DN671065 contracts are co-commissioned by GMCA, as the seed says', () => {
			expect(rmFunder('DN671065_BOLTON_FBD', 'L')).toBe(
				'Greater Manchester Combined Authority (co-commissioned)'
			);
			expect(rmFunder('DN671065_WIGAN_PWB', '', 'greater-manchester')).toBe(
				'Greater Manchester Combined Authority (co-commissioned)'
			);
			expect(rmFunder('PRJ_5549', 'F')).toBe('HMPPS (Probation Service)');
		});

		it('the example file is a valid definition', async () => {
			const result = await read({ name: 'example.json', json: rmExample() });
			expect(result.errors).toEqual([]);
			expect(result.rows[0]!.service).toMatchObject({
				leadProvider: 'Nacro',
				subcontractors: ['Shelter'],
				regionCode: 'N53'
			});
		});
	});
});
