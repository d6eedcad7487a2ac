import type { CrsCategory } from '../categories';
import type { CoverageService, DemandPdu } from '../coverage';
import type { Subgroup } from '../subgroups';
import type { SupplyRecord } from '../supply';
import type { Route, ScenarioAssumptions } from './assumptions';
import type { PartnerKind, ScenarioChange } from './schema';

/** A PDU as the scenario model sees it: demand plus its names. */
export type ScenarioPdu = DemandPdu & { regionName?: string };

/**
 * A service: what the gap model needs, plus (optionally) what the market measures need. Missing
 * market fields take these defaults: source 'crs' for awards and definitions, 'roif' for grants,
 * 'local' otherwise; no lead organisation id; no subcontractors; no total value.
 */
export type ScenarioService = CoverageService &
	Partial<Pick<SupplyRecord, 'source' | 'leadOrganisationId' | 'subcontractors' | 'totalValueGbp'>>;

/** What is known about an organisation. Null means not known, never "no". */
export interface ScenarioOrganisation {
	id: number;
	name: string;
	/** vcse | private | public | mutual; null: not known */
	orgType: string | null;
	/** £ a year; null: not known (never guessed) */
	annualIncomeGbp: number | null;
	byAndFor: boolean | null;
	/** on the Dynamic Framework at all; null: not known */
	dfRegistered: boolean | null;
	/** categories it is registered for on the Dynamic Framework */
	dfCategories: readonly CrsCategory[];
	/** probation regions it is known to work in (leads, subcontracts or is registered for) */
	regions: readonly string[];
	/** categories it is known to deliver (as lead or subcontractor) */
	categories: readonly CrsCategory[];
	welsh?: boolean | null;
}

/**
 * The plain data a scenario runs on: the server's Baseline (PDUs, need shares, services) plus
 * regions, PCC areas and organisations. A superset of what the gap model needs.
 */
export interface ScenarioBaseline {
	/** dataset key → version, named by every explanation */
	datasetVersions: Record<string, number>;
	regions: readonly { code: string; name: string }[];
	/** names of PCC areas; areas not listed are named by their id */
	pccAreas?: readonly { id: string; name: string; regionCode: string }[];
	pdus: readonly ScenarioPdu[];
	/** category → share (0–1) of people with the need; categories left out have no published share */
	needShares: ReadonlyMap<CrsCategory, number> | readonly (readonly [CrsCategory, number])[];
	services: readonly ScenarioService[];
	organisations: readonly ScenarioOrganisation[];
}

export type ExplainUnit =
	'people' | 'places' | 'GBP' | 'GBP a year' | 'share' | 'count' | 'HHI' | 'years';

export interface ExplainInput {
	name: string;
	value: number | string | boolean | null;
	/** id of the explanation (or `assumption:<key>`) this input comes from */
	ref?: string;
}

/** How one output number was reached. */
export interface ExplainEntry {
	id: string;
	label: string;
	value: number | null;
	unit: ExplainUnit;
	formula: string;
	inputs: ExplainInput[];
	/** assumption keys (see SCENARIO_ASSUMPTION_NOTES) the number depends on */
	assumptions: string[];
	datasetVersions: Record<string, number>;
}

export interface Measure {
	/** reachable places a year */
	places: number;
	/** need − places, floored at 0; null where the need is not known */
	gap: number | null;
	/** places ÷ need; null where the need is not known or zero */
	coverage: number | null;
}

/** One PDU × category × subgroup, before and after the changes. */
export interface ScenarioPduRow {
	pdu: string;
	pduName: string;
	regionCode: string;
	category: CrsCategory;
	subgroup: Subgroup;
	/** people with the need; null where not known */
	needCount: number | null;
	baseline: Measure;
	scenario: Measure;
	/** whether any change reaches this row */
	changed: boolean;
}

export interface Totals {
	/** people with a known need, summed over rows whose need is known */
	needCount: number;
	/** places over all rows */
	places: number;
	/** gap over rows whose need is known */
	gap: number;
	/** places in rows whose need is known ÷ their need; null when no need is known */
	coverage: number | null;
}

export interface Headline {
	category: CrsCategory | null;
	/** PDU × category rows (subgroup "all") whose need is not known: left out of need, gap, coverage */
	needUnknownRows: number;
	baseline: Totals;
	scenario: Totals;
	/** scenario places − baseline places */
	placesAdded: number;
	/** baseline gap − scenario gap (negative: the gap widens) */
	gapClosed: number;
}

export type CannotFixReason = 'need-unknown' | 'no-gap' | 'no-provider-in-reach';

/** A PDU in a partner's area that the money does not reach, and why. */
export interface CannotFix {
	pdu: string;
	pduName: string;
	category: CrsCategory;
	subgroup: Subgroup;
	reason: CannotFixReason;
	detail: string;
	/** the changes and partners whose area includes the PDU */
	partners: { changeId: string; partner: string }[];
}

export interface PartnerShare {
	changeId: string;
	partnerIndex: number;
	partner: string;
	/** £ a year this partner pays for this PDU's new places */
	gbp: number;
	places: number;
	/** this partner's share (0–1) of the PDU's new places */
	share: number;
}

/** New co-commissioned places in one PDU for one category and subgroup (all partners pooled). */
export interface CoCommissionPduRow {
	pdu: string;
	pduName: string;
	regionCode: string;
	category: CrsCategory;
	subgroup: Subgroup;
	/** the gap the money was shared against (after any re-let) */
	gapBefore: number;
	gbp: number;
	placesGained: number;
	/** min(places gained, gap before): the places that close a gap */
	gapClosingPlaces: number;
	gapAfter: number;
	partners: PartnerShare[];
}

export interface FundingByPartner {
	changeId: string;
	partnerIndex: number;
	name: string;
	kind: PartnerKind;
	category: CrsCategory;
	subgroup: Subgroup;
	area: { type: 'region' | 'pcc-area' | 'pdus'; codes: string[]; label: string };
	annualGbp: number;
	/** £ a year spent on places in PDUs with a gap */
	allocatedGbp: number;
	/** £ a year no PDU in the area could use (no gap, need unknown or no provider) */
	unallocatedGbp: number;
	places: number;
	gapClosingPlaces: number;
	/** £ per place bought (the unit cost); null when it buys none */
	gbpPerPlace: number | null;
	/** £ per place that closes a gap (allocated £ ÷ gap-closing places); null when none */
	gbpPerGapClosingPlace: number | null;
	pdus: { pdu: string; pduName: string; gbp: number; places: number; share: number }[];
}

export interface LotOrganisation {
	id: number;
	name: string;
	via: 'alone' | 'consortium';
}

export interface AttributeReach {
	/** £ a year in lots an organisation with the attribute could lead */
	valueGbp: number;
	/** that ÷ all £ a year in the lots; null when the lots are worth nothing */
	share: number | null;
}

/** One lot (or part of a lot) as it would be let. */
export interface LotRow {
	changeId: string;
	id: string;
	/** the geographic lot it is part of */
	lotGroup: string;
	name: string;
	regionCode: string;
	category: CrsCategory;
	pdus: string[];
	annualValueGbp: number;
	route: Route;
	/** reserved for lots led by small (or specialist) organisations */
	setAside: boolean;
	turnoverMultiple: number;
	turnoverThresholdGbp: number;
	dfRegistrationRequired: boolean;
	consortiaAllowed: boolean;
	/** organisations known to work in the region on the category */
	candidates: number;
	eligible: LotOrganisation[];
	/** candidates whose eligibility cannot be decided: what is missing is named */
	notKnown: { id: number; name: string; missing: string[] }[];
	ineligible: number;
	/** distinct bids that eligible organisations could make (alone or in consortia) */
	potentialBids: number;
	expectedBids: number;
	atRisk: boolean;
	canLead: { small: boolean; micro: boolean; vcse: boolean; byAndFor: boolean };
	commissionerCostGbp: number;
	bidderCostGbp: number;
}

export interface LotShares {
	small: AttributeReach;
	micro: AttributeReach;
	vcse: AttributeReach;
	byAndFor: AttributeReach;
	/** £ in lots where subcontracting is allowed and a known small organisation works in the region */
	smallAsSubcontractor: AttributeReach;
}

export interface LotCosts {
	commissionerGbp: number;
	biddersGbp: number;
	capacityBuildingGbp: number;
	/** commissioner + bidders + capacity building, once per term */
	totalGbp: number;
	perYearGbp: number;
}

export interface LotSummary {
	lots: number;
	lotsAtRisk: string[];
	shares: LotShares;
	costs: LotCosts;
}

/** A re-let (with any inclusion measures) of one category in one region. */
export interface LotDesign {
	changeId: string;
	/** the inclusion change applied to it, if any */
	inclusionChangeId: string | null;
	regionCode: string;
	regionName: string;
	category: CrsCategory;
	/** relet: a re-let change; current-spend: an inclusion on the category's current contracts */
	basis: 'relet' | 'current-spend';
	mechanism: Route;
	termYears: number;
	lotGeography: string;
	/** £ a year across all lots */
	annualGbp: number;
	/** £ a year of the contracts it replaces */
	currentSpendGbp: number;
	replaced: {
		reference: string;
		name: string;
		leadProvider: string | null;
		annualValueGbp: number | null;
	}[];
	lots: LotRow[];
	summary: LotSummary;
	/** the same lots without the inclusion measures (null without an inclusion change) */
	withoutInclusion: LotSummary | null;
	eligibleOrganisations: number;
	notKnownOrganisations: number;
	minInsuranceGbp: number | null;
	/** places and gap for the category across the region's PDUs, subgroup "all" */
	coverage: { placesBefore: number; placesAfter: number; gapBefore: number; gapAfter: number };
}

export interface Concentration {
	/** £ a year in scope */
	valueGbp: number;
	hhi: number | null;
	top3Share: number | null;
}

/** Lead-provider concentration for a region and category, before and after a lot design. */
export interface MarketChange {
	changeId: string;
	regionCode: string;
	category: CrsCategory;
	before: Concentration & { leads: number };
	/** every new lot won by a different organisation (the least concentrated outcome) */
	afterLow: Concentration;
	/** every new lot won by one organisation (the most concentrated outcome) */
	afterHigh: Concentration;
	/** the same, without the inclusion measures (null without an inclusion change) */
	withoutInclusion: { afterLow: Concentration; afterHigh: Concentration } | null;
}

export interface ScenarioResult {
	assumptions: ScenarioAssumptions;
	datasetVersions: Record<string, number>;
	/** the changes as applied, each with its id */
	changes: (ScenarioChange & { id: string })[];
	/** one row per PDU × category × subgroup in assumptions.subgroups */
	pdus: ScenarioPduRow[];
	headline: Headline;
	byCategory: Headline[];
	coCommission: CoCommissionPduRow[];
	fundingByPartner: FundingByPartner[];
	lots: LotDesign[];
	market: MarketChange[];
	cannotFix: CannotFix[];
	/** how every number above was reached, each under a stable id (see explainId) */
	explanations: ExplainEntry[];
	warnings: string[];
}
