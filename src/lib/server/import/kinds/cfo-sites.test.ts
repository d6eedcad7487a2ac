import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DB } from '../../db';
import { listServices, listSites } from '../../repositories/services';
import { forEachEngine } from '../../testing/engines';
import { decodeFiles } from '../commit';
import { loadServiceReferenceData, type ServiceReferenceData } from '../services';
import { DATABASE_HOOK_TIMEOUT, databaseState, fromSeededDatabase, readFixture } from '../testing';
import { CFO_FUNDER, CFO_GUIDE, cfoReference, cfoSitesImporter, cfoSitesReader } from './cfo-sites';

forEachEngine((engine) => {
	let reference: ServiceReferenceData;
	let db: DB;

	beforeAll(async () => {
		reference = await fromSeededDatabase(engine, loadServiceReferenceData);
	}, DATABASE_HOOK_TIMEOUT);
	/** A fresh seeded database for each test of a describe that writes. */
	const withDatabase = () => {
		beforeEach(async () => {
			db = await engine.freshDatabase({ seed: true });
		}, DATABASE_HOOK_TIMEOUT);
		afterEach(() => db.destroy());
	};

	const run = (file: string, options: { dryRun?: boolean; onlyValidRows?: boolean } = {}) =>
		cfoSitesImporter.run(db, [{ name: file, bytes: readFixture(`cfo-sites/${file}`) }], {
			fileName: file,
			datasetName: 'CFO sites',
			reference,
			...options
		} as Parameters<typeof cfoSitesImporter.run>[2]);

	/** Read CSV text with the reader alone (no database). */
	const read = (text: string) =>
		cfoSitesReader.read(
			decodeFiles([{ name: 'sites.csv', bytes: new TextEncoder().encode(text) }]),
			reference
		);

	describe('cfo-sites: mapping', () => {
		withDatabase();
		it('imports each site as a CFO service like the shipped hubs: a contract let at site level, placed', async () => {
			const summary = await run('good.csv');
			expect(summary).toMatchObject({
				status: 'imported',
				datasetKey: 'services-cfo-sites',
				rowsRead: 3,
				accepted: 3,
				rejected: 0,
				errors: []
			});
			const hub = (await listServices(db, { reference: 'CFO-EXAMPLE-CFO-HUB-ILLUSTRATIVE' }))[0]!;
			const shipped = (await listServices(db, { reference: 'CFO3-NW-MAN' }))[0]!;
			// The fields the seed sets for every hub, the same for an imported one.
			for (const field of [
				'source',
				'recordType',
				'mechanism',
				'funder',
				'lotLevel',
				'categories'
			] as const)
				expect(hub[field]).toEqual(shipped[field]);
			expect(hub).toMatchObject({
				source: 'cfo',
				recordType: 'site-service',
				mechanism: 'contract',
				funder: CFO_FUNDER,
				leadProvider: 'Example Hub Provider (illustrative)',
				lotLevel: 'site',
				regionCode: 'N54', // from the site: DH1 lies in County Durham
				categories: [],
				sex: 'any',
				minAge: 18,
				startDate: '2025-04-01',
				endDate: '2027-03-31'
			});
			const satellite = (
				await listServices(db, { reference: 'CFO-EXAMPLE-CFO-SATELLITE-ILLUSTRATIVE' })
			)[0]!;
			expect(satellite).toMatchObject({ sex: 'male', regionCode: 'N54', endDate: null });
			const wing = (await listServices(db, { reference: 'CFO-EXAMPLE-CFO-WING-ILLUSTRATIVE' }))[0]!;
			expect(wing).toMatchObject({
				sex: 'female',
				minAge: 21,
				regionCode: 'N53',
				categories: ['Education, Training and Employment', 'Emotional Wellbeing']
			});
			const sites = await listSites(db, { kind: 'service-site' });
			expect(
				sites.map((s) => [
					s.serviceReference,
					s.postcode,
					s.lat,
					s.lon,
					s.locationPrecision,
					s.ladCode
				])
			).toEqual([
				[
					'CFO-EXAMPLE-CFO-HUB-ILLUSTRATIVE',
					'DH1 1AA',
					54.7821,
					-1.5655,
					'postcode-district',
					'E06000047'
				],
				['CFO-EXAMPLE-CFO-SATELLITE-ILLUSTRATIVE', null, 54.9062, -1.378, 'exact', 'E08000024'],
				[
					'CFO-EXAMPLE-CFO-WING-ILLUSTRATIVE',
					'DE1',
					52.922,
					-1.4773,
					'postcode-district',
					'E06000015'
				]
			]);
		});
	});

	describe('cfo-sites: validation', () => {
		withDatabase();
		it('names file, row and column for each problem, suggests the nearest name, and writes nothing', async () => {
			const before = await databaseState(db);
			const summary = await run('bad.csv');
			expect(summary.status).toBe('invalid');
			expect(summary).toMatchObject({ rowsRead: 5, accepted: 1, rejected: 4 });
			expect(summary.errors.map((e) => `${e.file}:${e.row}:${e.column}: ${e.message}`)).toEqual([
				"bad.csv:2:type: 'kiosk' is not one of hub, satellite, wing",
				"bad.csv:3:postcode: give the site's postcode, or its lat and lon",
				"bad.csv:4:region: 'Nort East' is not a probation region (give its name, nDelius code such as N54, or Refer and Monitor letter such as A). Did you mean 'North East'?",
				"bad.csv:4:postcode: postcode district 'ZZ9' is not known, so the site cannot be placed",
				"bad.csv:5:site: 'CFO-EXAMPLE-CFO-HUB-ILLUSTRATIVE' is also the reference on row 1; each service needs its own"
			]);
			expect(await databaseState(db)).toEqual(before);
		});

		it('refuses a file with person-identifying columns whole', async () => {
			const before = await databaseState(db);
			const summary = await run('person-level.csv');
			expect(summary.status).toBe('refused');
			expect(summary.errors[0]!.message).toMatch(/'Date of Birth' \(date of birth\)/);
			expect(summary.errors[0]!.message).not.toMatch(/1990/);
			expect(await databaseState(db)).toEqual(before);
		});
	});

	describe('cfo-sites: reading, with no database', () => {
		it.each([
			['Example CFO hub (illustrative)', 'CFO-EXAMPLE-CFO-HUB-ILLUSTRATIVE'],
			['Hub & wing, Derby', 'CFO-HUB-AND-WING-DERBY'],
			['  café  ', 'CFO-CAFE']
		])('the reference of a site given none: %j → %s', (site, expected) => {
			expect(cfoReference(site)).toBe(expected);
		});

		it('a reference column wins over the one made from the name', async () => {
			const result = await read(
				'reference,site,type,postcode,provider\nHUB-1,Example hub,hub,DH1,Example provider\n'
			);
			expect(result.errors).toEqual([]);
			expect(result.rows.map((r) => r.service.reference)).toEqual(['HUB-1']);
		});
		it('a misspelt column is an error with a suggestion; a missing required one is named', async () => {
			const result = await read(
				'site,type,postcode,provder\nExample hub,hub,DH1,Example provider\n'
			);
			expect(result.errors).toEqual([
				{
					file: 'sites.csv',
					row: 0,
					column: 'provder',
					message: "is not a column of the CFO sites template. Did you mean 'provider'?"
				},
				{ file: 'sites.csv', row: 0, column: 'provider', message: 'this column is missing' }
			]);
			expect(result.rows).toEqual([]);
		});

		it('site type, gender provision and ages are checked; a blank site name is named once', async () => {
			const result = await read(
				[
					'site,type,postcode,provider,gender_provision,min_age,max_age',
					',hub,DH1,Example provider,,,',
					'Example hub,hub,DH1,Example provider,everyone,,',
					'Example hub 2,hub,DH1,Example provider,women,30,20'
				].join('\n')
			);
			expect(result.errors.map((e) => `${e.row}:${e.column}: ${e.message}`)).toEqual([
				'1:site: the site name is required',
				"2:gender_provision: 'everyone' is not one of 'any', 'female', 'male'",
				'3:max_age: is below min_age (30)'
			]);
		});

		it('the template is a valid file of one illustrative site', async () => {
			const { body, fileName } = cfoSitesImporter.template();
			expect(fileName).toBe('cfo-sites-template.csv');
			expect(body.split('\r\n')[0]).toBe(CFO_GUIDE.map((f) => f.column).join(','));
			const result = await read(body);
			expect(result.errors).toEqual([]);
			expect(result.rows).toHaveLength(1);
		});
	});
});
