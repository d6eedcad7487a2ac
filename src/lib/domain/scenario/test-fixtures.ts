import type { CrsCategory } from '../categories';
import { resolveScenarioAssumptions, type ScenarioAssumptions } from './assumptions';
import { scenarioChangesSchema, type ScenarioChange, type ScenarioChangeInput } from './schema';
import type { ScenarioBaseline, ScenarioOrganisation, ScenarioService } from './types';

/**
 * A small hand-worked world for the scenario tests.
 *
 * Region R has PDUs P1 (caseload 1,000), P2 (3,000) in PCC area "a" and P3 (1,000) in PCC area "b";
 * region S has P4 (2,000) in PCC area "c". Accommodation need share 0.5, so need is 500, 1,500, 500
 * and 1,000. No other category has a need share. Unit cost £1,000.
 *
 * Accommodation supply, shared by need (1 : 3 : 1 in R):
 * - S1 award, region R, £100,000 → 100 places: 20, 60, 20 (lead Big Prime, id 1)
 * - S2 award, PCC area a, Accommodation + ETE, £200,000 → £100,000 each → 100 places: 25, 75
 *   (lead Mid Charity, id 2)
 * - S3 ROIF grant, region R, £50,000 → 50 places: 10, 30, 10 (lead Small Charity, id 3)
 * Places 55, 165, 30, 0; gaps 445, 1,335, 470, 1,000.
 */
export const PLANNING_DATE = '2024-01-01';

function service(over: Partial<ScenarioService> & { reference: string }): ScenarioService {
	return {
		name: over.reference,
		recordType: 'award',
		source: 'crs',
		leadProvider: null,
		leadOrganisationId: null,
		subcontractors: [],
		categories: ['Accommodation'],
		lotLevel: 'region',
		regionCode: 'R',
		pccAreas: [],
		pduCodes: [],
		sex: 'any',
		minAge: null,
		maxAge: null,
		startDate: '2021-06-01',
		endDate: '2026-06-01',
		referralFrom: null,
		referralUntil: null,
		annualValueGbp: null,
		totalValueGbp: null,
		placesPerYear: null,
		linkedReferences: [],
		...over
	};
}

export const SERVICES: ScenarioService[] = [
	service({
		reference: 'S1',
		name: 'Accommodation, R',
		leadProvider: 'Big Prime Ltd',
		leadOrganisationId: 1,
		annualValueGbp: 100_000
	}),
	service({
		reference: 'S2',
		name: 'Accommodation and ETE, area a',
		leadProvider: 'Mid Charity',
		leadOrganisationId: 2,
		categories: ['Accommodation', 'Education, Training and Employment'],
		lotLevel: 'pcc-area',
		pccAreas: [{ id: 'a', until: null }],
		annualValueGbp: 200_000
	}),
	service({
		reference: 'S3',
		name: 'ROIF accommodation grant',
		recordType: 'grant',
		source: 'roif',
		leadProvider: 'Small Charity',
		leadOrganisationId: 3,
		annualValueGbp: 50_000
	})
];

function org(
	over: Partial<ScenarioOrganisation> & { id: number; name: string }
): ScenarioOrganisation {
	return {
		orgType: 'vcse',
		annualIncomeGbp: null,
		byAndFor: false,
		dfRegistered: true,
		dfCategories: ['Accommodation'],
		regions: ['R'],
		categories: ['Accommodation'],
		...over
	};
}

export const ORGANISATIONS: ScenarioOrganisation[] = [
	org({ id: 1, name: 'Big Prime Ltd', orgType: 'private', annualIncomeGbp: 50_000_000 }),
	org({ id: 2, name: 'Mid Charity', annualIncomeGbp: 2_000_000 }),
	org({ id: 3, name: 'Small Charity', annualIncomeGbp: 400_000 }),
	org({
		id: 4,
		name: 'Micro By and For',
		annualIncomeGbp: 60_000,
		byAndFor: true,
		dfRegistered: false,
		dfCategories: []
	}),
	org({ id: 5, name: 'Unknown Org', orgType: null, byAndFor: null, dfRegistered: null }),
	org({
		id: 6,
		name: 'Elsewhere Ltd',
		orgType: 'private',
		annualIncomeGbp: 5_000_000,
		regions: ['S'],
		dfCategories: ['Education, Training and Employment'],
		categories: ['Education, Training and Employment']
	})
];

export function makeBaseline(over: Partial<ScenarioBaseline> = {}): ScenarioBaseline {
	return {
		datasetVersions: { pdus: 1, caseload: 2, 'crs-awards-2021': 3 },
		regions: [
			{ code: 'R', name: 'Region R' },
			{ code: 'S', name: 'Region S' }
		],
		pccAreas: [
			{ id: 'a', name: 'Area A', regionCode: 'R' },
			{ id: 'b', name: 'Area B', regionCode: 'R' },
			{ id: 'c', name: 'Area C', regionCode: 'S' }
		],
		pdus: [
			{
				code: 'P1',
				name: 'One',
				regionCode: 'R',
				pccAreaIds: ['a'],
				caseload: 1000,
				centroid: null
			},
			{
				code: 'P2',
				name: 'Two',
				regionCode: 'R',
				pccAreaIds: ['a'],
				caseload: 3000,
				centroid: null
			},
			{
				code: 'P3',
				name: 'Three',
				regionCode: 'R',
				pccAreaIds: ['b'],
				caseload: 1000,
				centroid: null
			},
			{
				code: 'P4',
				name: 'Four',
				regionCode: 'S',
				pccAreaIds: ['c'],
				caseload: 2000,
				centroid: null
			}
		],
		needShares: [['Accommodation', 0.5]] as [CrsCategory, number][],
		services: SERVICES,
		organisations: ORGANISATIONS,
		...over
	};
}

export function makeAssumptions(
	over: Parameters<typeof resolveScenarioAssumptions>[1] = {}
): ScenarioAssumptions {
	return resolveScenarioAssumptions(PLANNING_DATE, {
		subgroupShares: { women: 0.1, men: 0.9 },
		...over
	});
}

/** Changes as the API would receive them, validated (defaults filled in). */
export function changes(...input: ScenarioChangeInput[]): ScenarioChange[] {
	return scenarioChangesSchema.parse(input);
}
