import { describe, expect, it } from 'vitest';
import {
	changeIdOf,
	scenarioAssumptionsSchema,
	scenarioChangeSchema,
	scenarioChangesSchema,
	scenarioRunBodySchema
} from './schema';

describe('scenario schemas', () => {
	it('accepts the issue’s sample body', () => {
		const body = scenarioRunBodySchema.parse(
			JSON.parse(
				'{"changes":[{"type":"co-commission","partners":[{"name":"Durham PCC","kind":"pcc","annualGbp":400000,"category":"Accommodation","area":{"pccArea":"durham"}}]}]}'
			)
		);
		expect(body.changes[0]).toEqual({
			type: 'co-commission',
			partners: [
				{
					name: 'Durham PCC',
					kind: 'pcc',
					annualGbp: 400000,
					category: 'Accommodation',
					area: { pccArea: 'durham' }
				}
			]
		});
	});

	it('fills the documented defaults of a re-let and an inclusion change', () => {
		expect(scenarioChangeSchema.parse({ type: 'relet', region: 'N54', category: 'ETE' })).toEqual({
			type: 'relet',
			region: 'N54',
			category: 'Education, Training and Employment',
			lotGeography: 'region',
			mechanism: 'contract',
			termYears: 3,
			eligibility: {},
			consortiaAllowed: true,
			subcontractingAllowed: true
		});
		expect(
			scenarioChangeSchema.parse({ type: 'inclusion', region: 'N54', category: 'Accommodation' })
		).toMatchObject({
			setAsidePercent: 0,
			setAsideFor: 'small-or-specialist',
			grantRouteUnderGbp: null,
			capacityBuildingFundGbp: 0,
			maxLotGbp: null
		});
	});

	it.each([
		['an unknown type', { type: 'merge' }],
		['an unknown category', { type: 'relet', region: 'N54', category: 'Housing' }],
		['negative money', { type: 'relet', region: 'N54', category: 'Accommodation', annualGbp: -1 }],
		[
			'a set-aside over 100%',
			{ type: 'inclusion', region: 'N54', category: 'Accommodation', setAsidePercent: 120 }
		],
		[
			'an area with two kinds',
			{
				type: 'co-commission',
				partners: [
					{
						name: 'X',
						kind: 'pcc',
						annualGbp: 1,
						category: 'Accommodation',
						area: { region: 'N54', pccArea: 'durham' }
					}
				]
			}
		],
		[
			'an unknown partner kind',
			{
				type: 'co-commission',
				partners: [
					{
						name: 'X',
						kind: 'bank',
						annualGbp: 1,
						category: 'Accommodation',
						area: { region: 'N54' }
					}
				]
			}
		],
		['no partners', { type: 'co-commission', partners: [] }],
		['an unknown field', { type: 'relet', region: 'N54', category: 'Accommodation', lots: 3 }],
		[
			'a bad lot geography',
			{ type: 'relet', region: 'N54', category: 'Accommodation', lotGeography: 'lad' }
		],
		[
			'a zero maximum lot',
			{ type: 'inclusion', region: 'N54', category: 'Accommodation', maxLotGbp: 0 }
		],
		['a bad id', { type: 'relet', id: 'a b', region: 'N54', category: 'Accommodation' }]
	])('refuses %s', (_, change) => {
		expect(scenarioChangeSchema.safeParse(change).success).toBe(false);
	});

	it('refuses repeated ids and a second re-let of the same region and category', () => {
		const relet = { type: 'relet', region: 'N54', category: 'Accommodation' };
		const twice = scenarioChangesSchema.safeParse([
			relet,
			{ ...relet, category: 'ETE', id: 'relet-1' }
		]);
		expect(twice.success).toBe(false);
		expect(twice.error!.issues[0]!.message).toMatch(/used twice/);
		const same = scenarioChangesSchema.safeParse([relet, relet]);
		expect(same.error!.issues[0]!.message).toMatch(/only one relet/);
		expect(scenarioChangesSchema.safeParse([relet, { ...relet, type: 'inclusion' }]).success).toBe(
			true
		);
	});

	it('names changes by type and position unless given an id', () => {
		expect(changeIdOf({ type: 'relet' }, 0)).toBe('relet-1');
		expect(changeIdOf({ type: 'relet', id: 'mine' }, 4)).toBe('mine');
	});

	it('validates assumption overrides', () => {
		expect(scenarioAssumptionsSchema.safeParse({ planningDate: '2025-02-29' }).success).toBe(false);
		expect(scenarioAssumptionsSchema.safeParse({ unitCostGbp: { Accommodation: 0 } }).success).toBe(
			false
		);
		expect(scenarioAssumptionsSchema.safeParse({ unitCostGbp: { Housing: 10 } }).success).toBe(
			false
		);
		expect(
			scenarioAssumptionsSchema.parse({
				unitCostGbp: { Accommodation: 1500 },
				thresholds: { contract: { turnoverMultiple: 3 } },
				subgroups: ['all', 'women']
			})
		).toEqual({
			unitCostGbp: { Accommodation: 1500 },
			thresholds: { contract: { turnoverMultiple: 3 } },
			subgroups: ['all', 'women']
		});
	});
});
