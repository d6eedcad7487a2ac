import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DB } from '../../db';
import { listServices } from '../../repositories/services';
import { forEachEngine } from '../../testing/engines';
import { decodeFiles } from '../commit';
import { loadServiceReferenceData, type ServiceReferenceData } from '../services';
import { DATABASE_HOOK_TIMEOUT, databaseState, fromSeededDatabase, readFixture } from '../testing';
import {
	GRANTS_GUIDE,
	grantSource,
	grants360Importer,
	grants360Reader,
	grantsJsonExample,
	loadGrantGeography,
	type GrantGeography
} from './grants-360giving';

forEachEngine((engine) => {
	let reference: ServiceReferenceData;
	let geography: GrantGeography;
	let db: DB;

	beforeAll(async () => {
		[reference, geography] = await fromSeededDatabase(engine, (db) =>
			Promise.all([loadServiceReferenceData(db), loadGrantGeography(db)])
		);
	}, DATABASE_HOOK_TIMEOUT);

	const run = (file: string) =>
		grants360Importer.run(db, [{ name: file, bytes: readFixture(`grants-360giving/${file}`) }], {
			fileName: file,
			datasetName: 'Example grants',
			reference
		} as Parameters<typeof grants360Importer.run>[2]);

	/** Read a file's text with the reader alone (no database). */
	const read = (text: string, name = 'grants.csv') => {
		const reader = grants360Reader(geography);
		const files = decodeFiles([{ name, bytes: new TextEncoder().encode(text) }]);
		return { person: reader.personFields(files), read: reader.read(files, reference) };
	};
	const lines = (errors: { row: number; column: string; message: string }[]) =>
		errors.map((e) => `${e.row}:${e.column}: ${e.message}`);

	describe('grants-360giving: the source of a grant', () => {
		it.each([
			['Ministry of Justice', 'roif'],
			['Ministry of Justice (HMPPS)', 'roif'],
			['HM Prison and Probation Service', 'roif'],
			['The Probation Service, North East', 'roif'],
			['MoJ', 'roif'],
			['Office of the Durham Police and Crime Commissioner', 'local'],
			['Example County Council', 'local'],
			['Hmppsville Trust', 'local']
		])('%s → %s', (funder, source) => {
			expect(grantSource(funder)).toBe(source);
		});
	});

	describe('grants-360giving: importing', () => {
		beforeEach(async () => {
			db = await engine.freshDatabase({ seed: true });
		}, DATABASE_HOOK_TIMEOUT);
		afterEach(() => db.destroy());

		it('maps the flat CSV: districts to PDUs, a police force area to its PCC area, a region, money a year', async () => {
			const summary = await run('grants.csv');
			expect(summary).toMatchObject({
				status: 'imported',
				datasetKey: 'services-example-grants',
				rowsRead: 3,
				accepted: 3,
				errors: [],
				ignoredColumns: []
			});
			const [one] = await listServices(db, { reference: '360G-EXAMPLE-001' });
			expect(one).toMatchObject({
				source: 'roif', // funded by the Ministry of Justice
				recordType: 'grant',
				mechanism: 'grant',
				name: 'Example mentoring grant (illustrative)',
				funder: 'Ministry of Justice (HMPPS)',
				leadProvider: 'Example Grantee One (illustrative)',
				lotLevel: 'pdu',
				regionCode: 'N54',
				pduCodes: expect.arrayContaining(['N54DUR', 'N54SUND']),
				startDate: '2025-04-01',
				endDate: '2027-03-31',
				totalValueGbp: 50000,
				annualValueGbp: 25000 // £50,000 over 24 months
			});
			expect(one!.pduCodes).toHaveLength(2);
			expect([...one!.categories].sort()).toEqual([
				'Emotional Wellbeing',
				'Lifestyle and Associates'
			]);
			const [two] = await listServices(db, { reference: '360G-EXAMPLE-002' });
			expect(two).toMatchObject({
				source: 'local',
				lotLevel: 'pcc-area',
				pccAreas: [{ id: 'durham', until: null }],
				startDate: '2025-04-01', // a date-time, read as its date
				endDate: '2025-09-30', // start + 6 months
				totalValueGbp: 12000,
				annualValueGbp: 24000
			});
			const [three] = await listServices(db, { reference: '360G-EXAMPLE-003' });
			expect(three).toMatchObject({
				lotLevel: 'region',
				regionCode: 'N54',
				categories: ['Finance, Benefits and Debt'],
				totalValueGbp: 7500,
				annualValueGbp: null // no planned dates: the total only
			});
		});

		it('maps the JSON package: classifications in the crs vocabulary, crsCategories, places by name', async () => {
			const summary = await run('grants.json');
			expect(summary).toMatchObject({ status: 'imported', rowsRead: 2, accepted: 2, errors: [] });
			const [j1] = await listServices(db, { reference: '360G-EXAMPLE-J01' });
			expect(j1).toMatchObject({
				source: 'roif',
				categories: ['Education, Training and Employment'], // 'Young people' is not a CRS category
				pduCodes: ['N54SOT'],
				startDate: '2025-04-01',
				endDate: '2028-03-31',
				annualValueGbp: 12000
			});
			const [j2] = await listServices(db, { reference: '360G-EXAMPLE-J02' });
			expect(j2).toMatchObject({
				source: 'local',
				categories: ['Accommodation'],
				pccAreas: [{ id: 'cleveland', until: null }]
			});
		});

		it('asks for CRS categories on every row when the file has none, and writes nothing', async () => {
			const before = await databaseState(db);
			const summary = await run('grants-no-categories.csv');
			expect(summary).toMatchObject({ status: 'invalid', accepted: 0, rejected: 2 });
			expect(summary.errors.map((e) => `${e.file}:${e.row}:${e.column}`)).toEqual([
				'grants-no-categories.csv:1:CRS categories',
				'grants-no-categories.csv:2:CRS categories'
			]);
			expect(summary.errors[0]!.message).toMatch(
				/^360Giving has no field for CRS categories: add a column 'CRS categories'/
			);
			expect(await databaseState(db)).toEqual(before);
		});

		it('names each bad cell by its 360Giving column, with the nearest name', async () => {
			const before = await databaseState(db);
			const summary = await run('grants-bad.csv');
			expect(summary).toMatchObject({ status: 'invalid', rowsRead: 4, accepted: 1, rejected: 3 });
			expect(lines(summary.errors)).toEqual([
				"1:Beneficiary Location:Geographic Code: 'E06000074' is not a local authority district code Landscape knows (December 2024 or April 2025 codes). Did you mean E06000047 (County Durham)?",
				"2:Currency: 'EUR': Landscape counts money in £ (GBP) only",
				"2:Beneficiary Location:Name: 'Sunderlnd' is not a PDU, PCC area, probation region or local authority district. Did you mean 'Sunderland'?",
				"2:CRS categories: 'Acommodation' is not a CRS category. Did you mean 'Accommodation'?",
				'3:Beneficiary Location:Name: give where the beneficiaries are: a Beneficiary Location with a local authority district or police force area code, or a PDU, PCC area, probation region or district name',
				"3:Amount Awarded: 'lots' is not an amount in £ (write e.g. 1234.50 or £1,234.50)"
			]);
			expect(await databaseState(db)).toEqual(before);
		});

		it('refuses grants to individuals whole', async () => {
			const summary = await run('grants-individual.csv');
			expect(summary.status).toBe('refused');
			expect(summary.errors[0]!.message).toContain(
				"'Recipient Ind:Name' (a grant to an individual person)"
			);
			expect(summary.errors[0]!.message).not.toContain('A Person');
		});
	});

	describe('grants-360giving: reading, with no database', () => {
		it('names missing required columns; other columns outside the standard are listed as ignored', async () => {
			const result = await read('Identifier,Title,Amount,Notes\nG1,Example,10,x\n').read;
			expect(lines(result.errors)).toEqual([
				'0:Amount Awarded: this column is missing',
				'0:Recipient Org:Name: this column is missing',
				'0:Funding Org:Name: this column is missing'
			]);
			expect(result.ignoredColumns).toEqual(['Amount', 'Notes']);
		});

		it('reads several indexed locations, regions with other places standing for their PCC areas', async () => {
			const pending = read(
				[
					'Identifier,Title,Amount Awarded,Recipient Org:Name,Funding Org:Name,Beneficiary Location:0:Name,Beneficiary Location:1:Name,CRS categories',
					'G1,Example,1000,Example grantee,Example funder,North East,Gwent,Accommodation'
				].join('\n')
			);
			const result = await pending.read;
			expect(result.errors).toEqual([]);
			expect(result.rows[0]!.service).toMatchObject({
				lotLevel: 'pcc-area',
				pccAreaIds: expect.arrayContaining(['cleveland', 'durham', 'northumbria', 'gwent']),
				regionCode: null // two regions
			});
		});

		it('a district recoded in April 2025 is known by its new code too', async () => {
			const recoded = geography.lads.find((l) => l.successorCode && l.pduCodes.length > 0);
			expect(recoded).toBeDefined();
			const result = await read(
				[
					'Identifier,Title,Amount Awarded,Recipient Org:Name,Funding Org:Name,Beneficiary Location:Geographic Code,CRS categories',
					`G1,Example,1000,Example grantee,Example funder,${recoded!.successorCode},Accommodation`
				].join('\n')
			).read;
			expect(result.errors).toEqual([]);
			expect(result.rows[0]!.service.pduCodes).toEqual(recoded!.pduCodes);
		});

		it('a JSON file that is not a 360Giving package, or not JSON, is a file-level error', async () => {
			expect((await read('{"grant": []}', 'g.json').read).errors).toEqual([
				{
					file: 'g.json',
					row: 0,
					column: 'grants',
					message: 'a 360Giving JSON file is an object with a "grants" list ({"grants": […]})'
				}
			]);
			const broken = await read('{"grants": [', 'g.json').read;
			expect(broken.errors[0]).toMatchObject({ row: 0, column: '-' });
			expect(broken.errors[0]!.message).toMatch(/^is not valid JSON/);
		});

		it('JSON errors name the field path and the grant’s index in the list', async () => {
			const grant = {
				id: 'G1',
				title: 'Example',
				amountAwarded: 'lots',
				recipientOrganization: [{ id: 'X', name: 'Example grantee' }],
				fundingOrganization: [{ id: 'Y', name: 'Example funder' }],
				beneficiaryLocation: [{ geoCode: 'E06000047' }],
				classifications: [{ vocabulary: 'crs', title: 'Acommodation' }]
			};
			const ok = {
				...grant,
				id: 'G0',
				amountAwarded: 5,
				classifications: [],
				crsCategories: 'Accommodation'
			};
			const result = await read(JSON.stringify({ grants: [ok, grant] }), 'g.json').read;
			expect(lines(result.errors)).toEqual([
				"2:classifications.title: 'Acommodation' is not a CRS category. Did you mean 'Accommodation'?",
				"2:amountAwarded: 'lots' is not an amount in £ (write e.g. 1234.50 or £1,234.50)"
			]);
			expect(result.rows.map((r) => r.row)).toEqual([1]);
		});

		it('refuses a JSON package naming a contact person; organisation names and addresses are fine', () => {
			const grant = {
				id: 'G1',
				recipientOrganization: [{ name: 'Example grantee', streetAddress: '1 Example Street' }],
				fundingOrganization: [{ name: 'Example funder', contactName: 'A Person' }]
			};
			expect(read(JSON.stringify({ grants: [grant] }), 'g.json').person).toEqual([
				{ column: 'grants.fundingOrganization.contactName', what: "a contact person's name" }
			]);
			const clean = { ...grant, fundingOrganization: [{ name: 'Example funder' }] };
			expect(read(JSON.stringify({ grants: [clean] }), 'g.json').person).toEqual([]);
		});

		it('the CSV template and the JSON example are valid files of one illustrative grant', async () => {
			const { body } = grants360Importer.template();
			expect(body.split('\r\n')[0]).toBe(GRANTS_GUIDE.map((f) => f.column).join(','));
			for (const [text, name] of [
				[body, 'template.csv'],
				[grantsJsonExample(), 'example.json']
			] as const) {
				const result = await read(text, name).read;
				expect(result.errors).toEqual([]);
				expect(result.rows).toHaveLength(1);
				expect(result.rows[0]!.service).toMatchObject({
					pduCodes: ['N54DUR'],
					annualValueGbp: 25000
				});
			}
		});
	});
});
