import { CRS_CATEGORIES, type CrsCategory } from './categories';
import type { CoverageAssumptions } from './coverage';
import { SUBGROUPS, type Subgroup } from './subgroups';

/**
 * The default unit cost, £ per person per year, for turning a contract's annual value into places.
 * No CRS unit cost is published (FACTS.md §8, "not found"), so this is Landscape's stated
 * assumption, the same for every category; users set their own on every gap and scenario view.
 */
export const DEFAULT_UNIT_COST_GBP = 1_000;

export const DEFAULT_UNIT_COSTS: Record<CrsCategory, number> = Object.fromEntries(
	CRS_CATEGORIES.map((c) => [c, DEFAULT_UNIT_COST_GBP])
) as Record<CrsCategory, number>;

/** Where each default subgroup share comes from; null share = none published, so no default. */
export const SUBGROUP_SHARE_SOURCES: Record<Subgroup, { share: number | null; source: string }> = {
	all: { share: 1, source: 'Everyone on probation' },
	women: {
		share: 0.11,
		source:
			'26,158 women (11%) on the probation caseload at 31 March 2010: Women in Prison FOI, Justice Committee written evidence PB 53a. The latest published share found; it is old.'
	},
	men: { share: 0.89, source: 'The rest of the caseload: 1 − the women’s share (11%, 2010).' },
	'young-adults': {
		share: null,
		source: 'No current published share of 18–25-year-olds on the caseload was found.'
	},
	'ethnic-minority': {
		share: null,
		source:
			'No current published share was found (13% of probation starts in Oct–Dec 2004 is too old to use).'
	},
	veterans: { share: null, source: 'No published share was found.' },
	disabled: { share: null, source: 'No published share was found.' },
	'no-fixed-abode': {
		share: null,
		source:
			'12–14% of the whole caseload had no fixed address or no recorded postcode (PQ answered by Nicholas Dakin, 2024); that mixes no fixed abode with missing data, so no default is set.'
	}
};

export function defaultAssumptions(planningDate: string): CoverageAssumptions {
	return {
		planningDate,
		unitCostGbp: { ...DEFAULT_UNIT_COSTS },
		subgroupShares: Object.fromEntries(
			SUBGROUPS.map((s) => [s, SUBGROUP_SHARE_SOURCES[s].share])
		) as Record<Subgroup, number | null>,
		continueWhileReferralsOpen: true,
		siteCatchmentKm: 30
	};
}
