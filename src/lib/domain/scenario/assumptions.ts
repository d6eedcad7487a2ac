import { defaultAssumptions } from '../assumptions';
import type { CoverageAssumptions } from '../coverage';
import type { Subgroup } from '../subgroups';
import type { ScenarioAssumptionsInput } from './schema';

export type Route = 'contract' | 'grant';

export interface RouteThresholds {
	/** turnover must be at least this × the lot's annual value */
	turnoverMultiple: number;
	dfRegistrationRequired: boolean;
}

export interface RouteCosts {
	/** £ per lot, once per competition, for the commissioner */
	commissionerPerLotGbp: number;
	/** £ per bid, once per competition, for the bidder */
	bidderPerBidGbp: number;
}

/**
 * Everything a scenario's numbers depend on besides the data and the changes: the gap model's
 * assumptions plus thresholds and transaction costs. All are editable, and returned with every result.
 */
export interface ScenarioAssumptions extends CoverageAssumptions {
	/** the subgroups the result's PDU rows cover ('all' is always computed for the headline) */
	subgroups: Subgroup[];
	thresholds: {
		contract: RouteThresholds;
		grant: RouteThresholds;
		/** "small": known annual income below this, £ */
		smallIncomeGbp: number;
		/** "micro": known annual income below this, £ */
		microIncomeGbp: number;
		/** where consortia are allowed, at most this many organisations bid together */
		maxConsortiumSize: number;
		/** a lot is at risk when fewer bids than this could be formed */
		atRiskBelowBids: number;
	};
	transactionCosts: {
		contract: RouteCosts;
		grant: RouteCosts;
		/** share (0–1) of the bids that could be formed that are expected to be made */
		expectedBidShare: number;
	};
}

/**
 * The defaults. None of the thresholds or transaction costs is published for CRS; each is a
 * Landscape assumption, stated in SCENARIO_ASSUMPTION_NOTES and editable on every scenario.
 */
export function defaultScenarioAssumptions(planningDate: string): ScenarioAssumptions {
	return {
		...defaultAssumptions(planningDate),
		subgroups: ['all'],
		thresholds: {
			contract: { turnoverMultiple: 2, dfRegistrationRequired: true },
			grant: { turnoverMultiple: 1, dfRegistrationRequired: false },
			smallIncomeGbp: 1_000_000,
			microIncomeGbp: 100_000,
			maxConsortiumSize: 3,
			atRiskBelowBids: 2
		},
		transactionCosts: {
			contract: { commissionerPerLotGbp: 20_000, bidderPerBidGbp: 8_000 },
			grant: { commissionerPerLotGbp: 5_000, bidderPerBidGbp: 1_500 },
			expectedBidShare: 1
		}
	};
}

/** Where each assumption comes from, keyed as in explanations' `assumptions` lists. */
export const SCENARIO_ASSUMPTION_NOTES: Record<string, string> = {
	planningDate: 'The date services must be open on to count.',
	unitCostGbp:
		'£ per person per year for each category. No CRS unit cost is published: Landscape assumes £1,000 for every category unless you set your own.',
	subgroupShares:
		'Share of the caseload in each subgroup; unknown shares leave the subgroup need unknown.',
	continueWhileReferralsOpen:
		'Count a 2021 award past its standard term while its Refer and Monitor definitions still take referrals.',
	siteCatchmentKm:
		'A site reaches a PDU whose population-weighted centroid is within this many km.',
	'thresholds.contract.turnoverMultiple':
		'Financial standing for contracts: turnover at least 2 × the lot’s annual value. A common procurement rule of thumb, not a published CRS rule.',
	'thresholds.contract.dfRegistrationRequired':
		'Contracts are let as call-offs under the Dynamic Framework, so bidders must be registered for the category.',
	'thresholds.grant.turnoverMultiple':
		'Proportionate threshold for grants: income at least 1 × the annual grant. Assumption; a grant route never uses a higher multiple than the contract route.',
	'thresholds.grant.dfRegistrationRequired':
		'Grants (like ROIF) are open to organisations not on the Dynamic Framework.',
	'thresholds.smallIncomeGbp': 'Small organisation: known annual income under £1m (DOMAIN.md §5).',
	'thresholds.microIncomeGbp':
		'Micro organisation: known annual income under £100k (DOMAIN.md §5).',
	'thresholds.maxConsortiumSize':
		'Where consortia are allowed, up to 3 organisations may bid together and pass the turnover test on their combined income.',
	'thresholds.atRiskBelowBids': 'A lot is at risk when fewer than 2 bids could be formed.',
	'transactionCosts.contract.commissionerPerLotGbp':
		'£20,000 per contract lot for the commissioner (specification, evaluation, award). Assumption: no published figure.',
	'transactionCosts.contract.bidderPerBidGbp':
		'£8,000 per contract bid for the bidder. Assumption: no published figure.',
	'transactionCosts.grant.commissionerPerLotGbp':
		'£5,000 per grant for the commissioner. Assumption: no published figure.',
	'transactionCosts.grant.bidderPerBidGbp':
		'£1,500 per grant application. Assumption: no published figure.',
	'transactionCosts.expectedBidShare':
		'Share of the bids that could be formed that are made: 1 (every one), an upper bound.',
	minInsuranceGbp:
		'Insurance thresholds are recorded but cannot be checked: the organisations data holds no insurance cover.'
};

/** The defaults with a validated set of overrides applied (nested objects merged, not replaced). */
export function resolveScenarioAssumptions(
	planningDate: string,
	overrides: ScenarioAssumptionsInput = {}
): ScenarioAssumptions {
	const base = defaultScenarioAssumptions(overrides.planningDate ?? planningDate);
	const t = overrides.thresholds ?? {};
	const c = overrides.transactionCosts ?? {};
	return {
		...base,
		continueWhileReferralsOpen:
			overrides.continueWhileReferralsOpen ?? base.continueWhileReferralsOpen,
		siteCatchmentKm: overrides.siteCatchmentKm ?? base.siteCatchmentKm,
		unitCostGbp: { ...base.unitCostGbp, ...definedOnly(overrides.unitCostGbp) },
		subgroupShares: { ...base.subgroupShares, ...definedOnly(overrides.subgroupShares) },
		subgroups: overrides.subgroups ? [...new Set(overrides.subgroups)] : base.subgroups,
		thresholds: {
			...base.thresholds,
			...definedOnly({
				smallIncomeGbp: t.smallIncomeGbp,
				microIncomeGbp: t.microIncomeGbp,
				maxConsortiumSize: t.maxConsortiumSize,
				atRiskBelowBids: t.atRiskBelowBids
			}),
			contract: { ...base.thresholds.contract, ...definedOnly(t.contract) },
			grant: { ...base.thresholds.grant, ...definedOnly(t.grant) }
		},
		transactionCosts: {
			...base.transactionCosts,
			...definedOnly({ expectedBidShare: c.expectedBidShare }),
			contract: { ...base.transactionCosts.contract, ...definedOnly(c.contract) },
			grant: { ...base.transactionCosts.grant, ...definedOnly(c.grant) }
		}
	};
}

function definedOnly<T extends object>(value: T | undefined): Partial<T> {
	if (!value) return {};
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
