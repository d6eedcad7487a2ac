import { describe, expect, it } from 'vitest';
import { resolveScenarioAssumptions, defaultScenarioAssumptions } from './assumptions';
import { toScenarioOrganisations, validateChanges } from './baseline';
import { changes, makeBaseline, SERVICES } from './test-fixtures';

describe('toScenarioOrganisations', () => {
	it('works out regions and categories from the services an organisation leads or subcontracts', () => {
		const services = [
			...SERVICES,
			{
				...SERVICES[0]!,
				reference: 'X',
				regionCode: 'S',
				leadOrganisationId: 9,
				subcontractors: [{ id: 3, name: 'Small Charity' }]
			},
			{
				...SERVICES[0]!,
				reference: 'DF',
				source: 'dynamic-framework' as const,
				regionCode: 'S',
				leadOrganisationId: 3,
				categories: ['Social Inclusion' as const]
			}
		];
		const [small, unknown] = toScenarioOrganisations(
			[
				{
					id: 3,
					name: 'Small Charity',
					orgType: 'vcse',
					annualIncomeGbp: 400_000,
					byAndFor: null,
					dfRegistered: true
				},
				{
					id: 7,
					name: 'Named nowhere',
					orgType: null,
					annualIncomeGbp: null,
					byAndFor: null,
					dfRegistered: null
				}
			],
			services
		);
		expect(small).toEqual({
			id: 3,
			name: 'Small Charity',
			orgType: 'vcse',
			annualIncomeGbp: 400_000,
			byAndFor: null,
			dfRegistered: true,
			dfCategories: ['Social Inclusion'],
			regions: ['R', 'S'],
			categories: ['Accommodation'],
			welsh: null
		});
		expect(unknown).toMatchObject({ regions: [], categories: [], dfCategories: [] });
	});
});

describe('validateChanges', () => {
	it('names geography the baseline does not know, with its path', () => {
		const issues = validateChanges(
			makeBaseline(),
			changes(
				{
					type: 'co-commission',
					partners: [
						{
							name: 'A',
							kind: 'pcc',
							annualGbp: 1,
							category: 'Accommodation',
							area: { pccArea: 'durham' }
						},
						{
							name: 'B',
							kind: 'nhs',
							annualGbp: 1,
							category: 'Accommodation',
							area: { pdus: ['P1', 'P9'] }
						},
						{
							name: 'C',
							kind: 'other',
							annualGbp: 1,
							category: 'Accommodation',
							area: { region: 'R' }
						}
					]
				},
				{
					type: 'relet',
					region: 'Z',
					category: 'Accommodation',
					lotGeography: { groups: [{ pdus: ['P0'] }] }
				}
			)
		);
		expect(issues).toEqual([
			{ path: [0, 'partners', 0, 'area', 'pccArea'], message: 'unknown PCC area "durham"' },
			{ path: [0, 'partners', 1, 'area', 'pdus', 1], message: 'unknown PDU "P9"' },
			{ path: [1, 'region'], message: 'unknown probation region "Z"' },
			{ path: [1, 'lotGeography', 'groups', 0, 'pdus', 0], message: 'unknown PDU "P0"' }
		]);
	});
});

describe('scenario assumptions', () => {
	it('defaults are visible and editable; overrides merge into nested groups', () => {
		const d = defaultScenarioAssumptions('2025-01-01');
		expect(d.unitCostGbp.Accommodation).toBe(1000);
		expect(d.thresholds.contract).toEqual({ turnoverMultiple: 2, dfRegistrationRequired: true });
		expect(d.thresholds.grant.turnoverMultiple).toBeLessThanOrEqual(
			d.thresholds.contract.turnoverMultiple
		);
		const r = resolveScenarioAssumptions('2025-01-01', {
			unitCostGbp: { Accommodation: 1500 },
			thresholds: { contract: { turnoverMultiple: 3 }, smallIncomeGbp: 500_000 },
			transactionCosts: { grant: { bidderPerBidGbp: 500 } },
			subgroups: ['women', 'women']
		});
		expect(r.unitCostGbp.Accommodation).toBe(1500);
		expect(r.unitCostGbp['Social Inclusion']).toBe(1000);
		expect(r.thresholds.contract).toEqual({ turnoverMultiple: 3, dfRegistrationRequired: true });
		expect(r.thresholds.smallIncomeGbp).toBe(500_000);
		expect(r.thresholds.microIncomeGbp).toBe(100_000);
		expect(r.transactionCosts.grant).toEqual({ commissionerPerLotGbp: 5000, bidderPerBidGbp: 500 });
		expect(r.subgroups).toEqual(['women']);
		expect(
			resolveScenarioAssumptions('2025-01-01', { planningDate: '2026-04-01' }).planningDate
		).toBe('2026-04-01');
	});
});
