import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DB } from '../../db';
import { listServices, listSites } from '../../repositories/services';
import { forEachEngine } from '../../testing/engines';
import { decodeFiles } from '../commit';
import { loadServiceReferenceData, type ServiceReferenceData } from '../services';
import { DATABASE_HOOK_TIMEOUT, databaseState, fromSeededDatabase, readFixture } from '../testing';
import { orukExample, orukImporter, orukReader } from './oruk';

forEachEngine((engine) => {
	let reference: ServiceReferenceData;
	let db: DB;

	beforeAll(async () => {
		reference = await fromSeededDatabase(engine, loadServiceReferenceData);
	}, DATABASE_HOOK_TIMEOUT);

	const run = (file: string) =>
		orukImporter.run(db, [{ name: file, bytes: readFixture(`oruk/${file}`) }], {
			fileName: file,
			datasetName: 'Local services',
			reference
		} as Parameters<typeof orukImporter.run>[2]);
	const files = (json: unknown) =>
		decodeFiles([
			{
				name: 'oruk.json',
				bytes: new TextEncoder().encode(typeof json === 'string' ? json : JSON.stringify(json))
			}
		]);
	const read = (json: unknown) => orukReader.read(files(json), reference);
	const lines = (errors: { row: number; column: string; message: string }[]) =>
		errors.map((e) => `${e.row}:${e.column}: ${e.message}`);

	/** A minimal valid version 1 service; tests change one thing at a time. */
	const service = {
		id: 's1',
		name: 'Example service (illustrative)',
		organization: { id: 'o1', name: 'Example charity' },
		service_at_locations: [
			{ id: 'sl1', location: { id: 'l1', latitude: 54.77, longitude: -1.57 } }
		],
		service_taxonomys: [
			{ id: 't1', taxonomy: { id: 'x', name: 'Social Inclusion', vocabulary: 'crs' } }
		]
	};

	describe('oruk: importing', () => {
		beforeEach(async () => {
			db = await engine.freshDatabase({ seed: true });
		}, DATABASE_HOOK_TIMEOUT);
		afterEach(() => db.destroy());

		it('maps nested version 1 services: organisation, funding, site, eligibility and CRS taxonomy', async () => {
			const summary = await run('services-v1.json');
			expect(summary).toMatchObject({
				status: 'imported',
				datasetKey: 'services-local-services',
				rowsRead: 3,
				accepted: 2,
				rejected: 0,
				errors: []
			});
			expect(lines(summary.warnings)).toEqual([
				"1:service_at_locations: 2 locations: only the first is kept as the service's site",
				'3:status: left out: the service is defunct'
			]);
			const [one] = await listServices(db, { reference: 'example-oruk-1' });
			expect(one).toMatchObject({
				source: 'local',
				recordType: 'site-service',
				mechanism: 'in-kind',
				funder: 'Example County Council (illustrative)',
				leadProvider: 'Example Community Charity (illustrative)',
				categories: ['Emotional Wellbeing'], // 'Mental health' is in another vocabulary
				lotLevel: 'site',
				regionCode: 'N54',
				sex: 'any',
				minAge: 18,
				maxAge: 65
			});
			const [two] = await listServices(db, { reference: 'example-oruk-2' });
			expect(two).toMatchObject({
				funder: null,
				categories: ['Family and Significant Others'], // a CRS name in a local vocabulary
				sex: 'female'
			});
			const sites = await listSites(db, { kind: 'service-site' });
			expect(
				sites.map((s) => [s.serviceReference, s.postcode, s.lat, s.lon, s.locationPrecision])
			).toEqual([
				['example-oruk-1', 'DH1 1AA', 54.7761, -1.5733, 'exact'],
				['example-oruk-2', 'NE1 4XX', 54.9724, -1.6115, 'postcode-district']
			]);
		});

		it('joins an export with one list per table by id', async () => {
			const summary = await run('tables.json');
			expect(summary).toMatchObject({ status: 'imported', accepted: 1, errors: [] });
			const [s] = await listServices(db, { reference: 'example-t-1' });
			expect(s).toMatchObject({
				leadProvider: 'Example Advice Charity (illustrative)',
				funder: 'Example PCC (illustrative)',
				categories: ['Finance, Benefits and Debt'],
				regionCode: 'N55',
				sex: 'male',
				minAge: 18
			});
		});

		it('reads a version 3 API page: attributes with taxonomy terms, ages on the service, addresses', async () => {
			const summary = await run('services-v3.json');
			expect(summary).toMatchObject({ status: 'imported', accepted: 1, errors: [] });
			const [s] = await listServices(db, { reference: 'example-v3-1' });
			expect(s).toMatchObject({
				funder: 'Example Integrated Care Board (illustrative)',
				categories: ['Dependency and Recovery'],
				regionCode: 'N50',
				minAge: 18
			});
		});

		it('names the record and field of each problem and writes nothing', async () => {
			const before = await databaseState(db);
			const summary = await run('services-bad.json');
			expect(summary).toMatchObject({ status: 'invalid', rowsRead: 3, accepted: 0, rejected: 3 });
			expect(lines(summary.errors)).toEqual([
				"1:service_taxonomys.taxonomy.name: no CRS category: add a taxonomy term whose vocabulary is 'crs' and whose name is one of Accommodation, Education, Training and Employment, Finance, Benefits and Debt, Dependency and Recovery, Lifestyle and Associates, Family and Significant Others, Emotional Wellbeing, Social Inclusion",
				'2:service_at_locations: no location to place the service: give a location with latitude and longitude, or a postal_code in its physical_addresses',
				"2:service_taxonomys.taxonomy.name: 'Acommodation' is not a CRS category. Did you mean 'Accommodation'?",
				"3:eligibilitys.minimum_age: 'eighteen' is not a number"
			]);
			expect(await databaseState(db)).toEqual(before);
		});

		it('refuses a file naming contact people, whole', async () => {
			const before = await databaseState(db);
			const summary = await run('services-with-contacts.json');
			expect(summary.status).toBe('refused');
			expect(summary.errors[0]!.message).toContain("'contacts.name' (a person's name)");
			expect(summary.errors[0]!.message).not.toContain('A Person');
			expect(await databaseState(db)).toEqual(before);
		});
	});

	describe('oruk: reading, with no database', () => {
		it('names of services, organisations, places and terms, and address lines, are not people', () => {
			expect(
				orukReader.personFields(files(JSON.parse(readFixture('oruk/services-v1.json').toString())))
			).toEqual([]);
			expect(
				orukReader.personFields(files(JSON.parse(readFixture('oruk/tables.json').toString())))
			).toEqual([]);
			expect(
				orukReader.personFields(
					files([{ ...service, referrer: { name: 'x', date_of_birth: 'y' } }])
				)
			).toEqual([
				{ column: 'referrer.name', what: "a person's name" },
				{ column: 'referrer.date_of_birth', what: 'date of birth' }
			]);
		});

		it('an organization_id that names no organization is an error', async () => {
			const result = await read({
				services: [{ ...service, organization: undefined, organization_id: 'nobody' }],
				organizations: []
			});
			expect(lines(result.errors)).toEqual([
				"1:organization_id: 'nobody' is not the id of any organization in the file"
			]);
		});

		it('a file of another shape, or not JSON, is a file-level error', async () => {
			expect(lines((await read({ hello: 'world' })).errors)).toEqual([
				'0:-: is not an Open Referral UK file: give a list of services ([…]), an API page ({"content": […]}) or an export with a "services" list'
			]);
			expect((await read('[{')).errors[0]).toMatchObject({ row: 0, column: '-' });
			expect(lines((await read([])).errors)).toEqual(['0:services: the file holds no services']);
		});

		it('a service id used twice is an error on the second; a long funding text is cut', async () => {
			const long = 'Funded by '.padEnd(400, 'x');
			const result = await read([{ ...service, fundings: [{ source: long }] }, service]);
			expect(lines(result.errors)).toEqual([
				"2:id: 's1' is also the reference on row 1; each service needs its own"
			]);
			expect(result.rows[0]!.service.funder).toHaveLength(300);
			expect(result.rows[0]!.service.funder!.endsWith('…')).toBe(true);
		});

		it('the broadest age range of its eligibility records; women-only or men-only from their words', async () => {
			const result = await read([
				{
					...service,
					eligibilitys: [
						{ eligibility: 'Women', minimum_age: 25, maximum_age: 30 },
						{ eligibility: 'adult', minimum_age: 18, maximum_age: 64 }
					]
				}
			]);
			expect(result.rows[0]!.service).toMatchObject({ sex: 'female', minAge: 18, maxAge: 64 });
		});

		it('the example file is a valid service', async () => {
			const result = await read(orukExample());
			expect(result.errors).toEqual([]);
			expect(result.rows[0]!.service).toMatchObject({
				leadProvider: 'Example charity',
				categories: ['Emotional Wellbeing'],
				regionCode: 'N54'
			});
		});
	});
});
