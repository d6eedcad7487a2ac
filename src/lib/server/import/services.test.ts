import { beforeAll, describe, expect, it } from 'vitest';
import { forEachEngine } from '../testing/engines';
import { readTable } from './read';
import { DATABASE_HOOK_TIMEOUT } from './testing';
import {
	loadServiceReferenceData,
	validateServices,
	type ImportedService,
	type ServiceReferenceData
} from './services';

forEachEngine((engine) => {
	let reference: ServiceReferenceData;

	beforeAll(async () => {
		const db = await engine.freshDatabase({ seed: true });
		reference = await loadServiceReferenceData(db);
		await db.destroy();
	}, DATABASE_HOOK_TIMEOUT);

	const BASE = {
		source: 'local',
		reference: 'R1',
		name: 'A service',
		mechanism: 'grant',
		categories: 'Accommodation'
	};

	/** Validate one row: the base row with some cells changed. */
	function validate(cells: Record<string, string>) {
		const row = { ...BASE, ...cells };
		const header = Object.keys(row).join(',');
		const values = Object.values(row)
			.map((v) => `"${v.replace(/"/g, '""')}"`)
			.join(',');
		return validateServices(readTable(`${header}\n${values}\n`, 'f.csv'), 'f.csv', reference);
	}

	function accepted(cells: Record<string, string>): ImportedService {
		const result = validate(cells);
		expect(result.errors).toEqual([]);
		return result.rows[0]!.service;
	}

	function errorsOf(cells: Record<string, string>): string[] {
		return validate(cells).errors.map((e) => `${e.column}: ${e.message}`);
	}

	describe('services rows: geography and lot level', () => {
		it.each([
			[{ region: 'North East' }, 'N54'],
			[{ region: 'N54' }, 'N54'],
			[{ region: 'A' }, 'N54'],
			[{ region: 'north east region' }, 'N54'],
			[{ region: 'wales' }, 'N03']
		])('region %j → %s at region level', (cells, code) => {
			expect(accepted(cells)).toMatchObject({ regionCode: code, lotLevel: 'region' });
		});

		it('PCC areas by name or id, region derived from them', () => {
			expect(accepted({ pcc_areas: 'Durham; cleveland' })).toMatchObject({
				lotLevel: 'pcc-area',
				regionCode: 'N54',
				pccAreaIds: ['durham', 'cleveland']
			});
		});

		it('PDUs by code or name, which win over PCC areas for the lot level', () => {
			expect(
				accepted({ pdus: 'N54DUR;Sunderland', pcc_areas: 'Durham', region: 'N54' })
			).toMatchObject({ lotLevel: 'pdu', pduCodes: ['N54DUR', 'N54SUND'] });
		});

		it('a site alone: lot level site, region from the district it lies in', () => {
			expect(accepted({ site_postcode: 'ne1 4st' })).toMatchObject({
				lotLevel: 'site',
				regionCode: 'N54',
				site: { postcode: 'NE1 4ST', precision: 'postcode-district', ladCode: 'E08000021' }
			});
			expect(accepted({ lat: '51.5', lon: '-0.12' })).toMatchObject({
				lotLevel: 'site',
				site: { precision: 'exact', lat: 51.5, lon: -0.12 }
			});
		});

		it.each([
			[
				{ region: 'Nort East' },
				/region: 'Nort East' is not a probation region.*Did you mean 'North East'\?/
			],
			[{ pcc_areas: 'Durhma' }, /pcc_areas: 'Durhma' is not a PCC area. Did you mean 'Durham'\?/],
			[
				{ pdus: 'N54DURR' },
				/pdus: 'N54DURR' is not a PDU.*Did you mean 'County Durham and Darlington'\?/
			],
			[{ region: 'Wales', pdus: 'Sunderland' }, /pdus: 'Sunderland' is not in Wales/],
			[{ region: 'Wales', pcc_areas: 'Durham' }, /pcc_areas: 'Durham' is not in Wales/],
			[{ site_postcode: 'ZZ9 9ZZ' }, /site_postcode: postcode district 'ZZ9' is not known/],
			[{ site_postcode: 'not a postcode' }, /site_postcode: 'not a postcode' is not a UK postcode/],
			[{ lat: '54.9' }, /lon: give both lat and lon, or neither/],
			[{ lat: '40', lon: '-1' }, /lat: '40' is not a latitude in Great Britain/],
			[{}, /region: the service has no geography/]
		])('%j is an error', (cells, message) => {
			expect(errorsOf(cells).join('\n')).toMatch(message);
		});
	});

	describe('services rows: the other fields', () => {
		it('reads every field, in the forms people type them', () => {
			expect(
				accepted({
					region: 'Wales',
					source: 'Dynamic Framework',
					mechanism: 'Call Off',
					categories: 'ETE; d&r ;Emotional Well-being; ETE',
					subcontractors: 'A Ltd; B CIC;',
					start_date: '01/04/2025',
					end_date: '46477',
					annual_value_gbp: '£12,000',
					total_value_gbp: '24000.50',
					places_per_year: '1,200',
					sex: 'Women',
					min_age: '18',
					max_age: '25'
				})
			).toMatchObject({
				source: 'dynamic-framework',
				mechanism: 'call-off',
				categories: [
					'Education, Training and Employment',
					'Dependency and Recovery',
					'Emotional Wellbeing'
				],
				subcontractors: ['A Ltd', 'B CIC'],
				startDate: '2025-04-01',
				endDate: '2027-03-31',
				annualValueGbp: 12000,
				totalValueGbp: 24000.5,
				placesPerYear: 1200,
				sex: 'female',
				minAge: 18,
				maxAge: 25
			});
		});

		it('blank optional cells are null, and sex defaults to any', () => {
			expect(accepted({ region: 'Wales', funder: '', sex: '' })).toMatchObject({
				funder: null,
				leadProvider: null,
				sex: 'any',
				startDate: null,
				annualValueGbp: null
			});
		});

		it.each([
			[
				{ categories: 'Acommodation' },
				"'Acommodation' is not a CRS category. Did you mean 'Accommodation'?"
			],
			[
				{ categories: 'debt' },
				"'debt' is not a CRS category. Did you mean 'Finance, Benefits and Debt'?"
			],
			[{ categories: '' }, 'at least one CRS category is required'],
			[{ source: 'crss' }, "'crss' is not a supply source. Did you mean 'crs'?"],
			[{ mechanism: 'loan' }, "'loan' is not a mechanism."],
			[{ name: '' }, 'the service name is required'],
			[{ annual_value_gbp: '-5' }, "'-5' is not an amount in £ (write e.g. 1234.50 or £1,234.50)"],
			[
				{ start_date: '2027-01-01', end_date: '2026-01-01' },
				'ends (2026-01-01) before it starts (2027-01-01)'
			],
			[{ min_age: '25', max_age: '18' }, 'is below min_age (25)'],
			[{ min_age: '17.5' }, "'17.5' is not a whole number from 0 to 120"],
			[{ sex: 'nobody' }, "'nobody' is not one of 'any', 'female', 'male'"]
		])('%j: %s', (cells, message) => {
			expect(
				errorsOf({ region: 'Wales', ...cells }).map((e) => e.replace(/^[^:]+: /, ''))
			).toContain(message);
		});

		it('columns not in the template are ignored unless they look like a misspelt one', () => {
			const result = validate({ region: 'Wales', notes: 'x', 'Lead Provdier': 'y' });
			expect(result.ignoredColumns).toEqual(['notes']);
			expect(result.errors.map((e) => e.message)).toEqual([
				"is not a column of the services template. Did you mean 'lead_provider'?"
			]);
		});
	});
});
