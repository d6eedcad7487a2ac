import { CRS_CATEGORIES, type CrsCategory } from './categories';
import { admitsSubgroup, type Subgroup } from './subgroups';
import { referralsOpenOn, serviceCoversPdu, type SupplyRecord } from './supply';
import { haversineKm } from './geo';

/** A PDU as demand: its people on probation and the geography that decides what reaches it. */
export interface DemandPdu {
	code: string;
	name: string;
	regionCode: string;
	pccAreaIds: readonly string[];
	/** people on probation */
	caseload: number;
	/** population-weighted centroid, for site catchments */
	centroid: { lat: number; lon: number } | null;
	/** need shares (0–1) known for this PDU (e.g. from an imported caseload), replacing the national ones */
	needShares?: Partial<Record<CrsCategory, number>>;
}

export type CoverageService = Pick<
	SupplyRecord,
	| 'reference'
	| 'name'
	| 'recordType'
	| 'leadProvider'
	| 'categories'
	| 'lotLevel'
	| 'regionCode'
	| 'pccAreas'
	| 'pduCodes'
	| 'sex'
	| 'minAge'
	| 'maxAge'
	| 'startDate'
	| 'endDate'
	| 'referralFrom'
	| 'referralUntil'
	| 'annualValueGbp'
	| 'placesPerYear'
	| 'linkedReferences'
> & { sites?: readonly { lat: number; lon: number }[] };

/** The editable assumptions every gap depends on. Money in £, places in people per year. */
export interface CoverageAssumptions {
	planningDate: string;
	/** £ per person per year, by category: turns annual value into places when none are stated */
	unitCostGbp: Record<CrsCategory, number>;
	/** share of the caseload in each subgroup (0–1), null where none is known */
	subgroupShares: Record<Subgroup, number | null>;
	/** count a 2021 award past its standard term while its R&M definitions still take referrals */
	continueWhileReferralsOpen: boolean;
	/** km from a PDU's population-weighted centroid within which a site reaches it */
	siteCatchmentKm: number;
}

/** One service's contribution to one PDU's places, with the arithmetic behind it. */
export interface Contribution {
	reference: string;
	name: string;
	leadProvider: string | null;
	/** places it adds to this PDU for this category and subgroup */
	places: number;
	/** places for the category across everything it covers */
	servicePlaces: number;
	placesBasis: 'stated' | 'value';
	/** £ a year attributed to the category (value ÷ number of categories) */
	categoryValueGbp: number | null;
	categoryCount: number;
	/** this PDU's share of the need among the PDUs the service covers */
	pduShare: number;
	coveredPduCount: number;
	/** share of its places open to the subgroup */
	subgroupFraction: number;
	continued: boolean;
}

export interface Uncounted {
	reference: string;
	name: string;
	reason: string;
}

export interface GapRow {
	pdu: string;
	pduName: string;
	regionCode: string;
	category: CrsCategory;
	subgroup: Subgroup;
	caseload: number;
	needShare: number | null;
	subgroupShare: number | null;
	/** people with the need; null where the share is not known */
	needCount: number | null;
	/** reachable places a year */
	places: number;
	/** places ÷ need; null where the need is not known or is zero */
	coverage: number | null;
	/** need − places, floored at 0; null where the need is not known */
	gap: number | null;
	services: Contribution[];
	uncounted: Uncounted[];
}

/** Work done once per baseline: which services are open, and which PDUs each one reaches. */
export interface PreparedCoverage {
	pdus: readonly DemandPdu[];
	needShares: ReadonlyMap<CrsCategory, number>;
	assumptions: CoverageAssumptions;
	entries: PreparedService[];
	excluded: Uncounted[];
}

interface PreparedService {
	service: CoverageService;
	continued: boolean;
	pduIndexes: number[];
}

/**
 * Decide, once, which services count on the planning date and which PDUs each reaches.
 * A Refer and Monitor definition linked to a 2021 award is represented by its award (which carries
 * the value), so the same contract is never counted twice.
 */
export function prepareCoverage(
	pdus: readonly DemandPdu[],
	needShares: ReadonlyMap<CrsCategory, number>,
	services: readonly CoverageService[],
	assumptions: CoverageAssumptions
): PreparedCoverage {
	const date = assumptions.planningDate;
	const byReference = new Map(services.map((s) => [s.reference, s]));
	const entries: PreparedService[] = [];
	const excluded: Uncounted[] = [];
	for (const service of services) {
		if (
			service.recordType === 'definition' &&
			service.linkedReferences.some((ref) => byReference.get(ref)?.recordType === 'award')
		)
			continue;
		let continued = false;
		if (service.startDate && service.startDate > date) {
			excluded.push({
				reference: service.reference,
				name: service.name,
				reason: `not started on ${date}`
			});
			continue;
		}
		if (service.endDate && service.endDate < date) {
			const linkedOpen = service.linkedReferences.some((ref) => {
				const linked = byReference.get(ref);
				return linked !== undefined && referralsOpenOn(linked, date);
			});
			if (service.recordType === 'award' && assumptions.continueWhileReferralsOpen && linkedOpen)
				continued = true;
			else {
				excluded.push({
					reference: service.reference,
					name: service.name,
					reason: `ended ${service.endDate}`
				});
				continue;
			}
		}
		if (service.recordType === 'definition' && !referralsOpenOn(service, date)) {
			excluded.push({
				reference: service.reference,
				name: service.name,
				reason: `referral window closed on ${date}`
			});
			continue;
		}
		const pduIndexes: number[] = [];
		pdus.forEach((pdu, i) => {
			if (reaches(service, pdu, date, assumptions.siteCatchmentKm)) pduIndexes.push(i);
		});
		entries.push({ service, continued, pduIndexes });
	}
	return { pdus, needShares, assumptions, entries, excluded };
}

function reaches(
	service: CoverageService,
	pdu: DemandPdu,
	date: string,
	catchmentKm: number
): boolean {
	if (service.lotLevel === 'site') {
		if (!pdu.centroid || !service.sites?.length) return false;
		const c = pdu.centroid;
		return service.sites.some((s) => haversineKm(c.lat, c.lon, s.lat, s.lon) <= catchmentKm);
	}
	return serviceCoversPdu(service, pdu, date);
}

/** Places a year a service offers for one category: stated places, else value ÷ unit cost, split evenly over its categories. */
export function servicePlacesFor(
	service: Pick<CoverageService, 'categories' | 'placesPerYear' | 'annualValueGbp'>,
	category: CrsCategory,
	unitCostGbp: Record<CrsCategory, number>
): { places: number; basis: 'stated' | 'value'; categoryValueGbp: number | null } | null {
	if (!service.categories.includes(category)) return null;
	const n = service.categories.length;
	if (service.placesPerYear !== null)
		return { places: service.placesPerYear / n, basis: 'stated', categoryValueGbp: null };
	if (service.annualValueGbp !== null) {
		const categoryValueGbp = service.annualValueGbp / n;
		const cost = unitCostGbp[category];
		if (!(cost > 0)) return null;
		return { places: categoryValueGbp / cost, basis: 'value', categoryValueGbp };
	}
	return null;
}

/**
 * Need, reachable places, coverage and gap for every PDU, for one category and subgroup.
 * Need = caseload × need share × subgroup share. A service's places for the category are shared
 * among the PDUs it reaches in proportion to their need, and only the share of its places open to
 * the subgroup counts (all of them for a group-specific service, the subgroup's share otherwise).
 */
export function computeGaps(
	prepared: PreparedCoverage,
	category: CrsCategory,
	subgroup: Subgroup
): GapRow[] {
	const { pdus, needShares, assumptions } = prepared;
	const national = needShares.get(category) ?? null;
	const shareOf = (pdu: DemandPdu) => pdu.needShares?.[category] ?? national;
	const subShare = subgroup === 'all' ? 1 : assumptions.subgroupShares[subgroup];
	const weights = pdus.map((p) => p.caseload * (shareOf(p) ?? 1));
	const rows: GapRow[] = pdus.map((pdu) => {
		const needShare = shareOf(pdu);
		const needCount =
			needShare === null || subShare === null ? null : pdu.caseload * needShare * subShare;
		return {
			pdu: pdu.code,
			pduName: pdu.name,
			regionCode: pdu.regionCode,
			category,
			subgroup,
			caseload: pdu.caseload,
			needShare,
			subgroupShare: subShare,
			needCount,
			places: 0,
			coverage: null,
			gap: null,
			services: [],
			uncounted: []
		};
	});
	for (const entry of prepared.entries) {
		const { service } = entry;
		if (!service.categories.includes(category) || entry.pduIndexes.length === 0) continue;
		if (!admitsSubgroup(service, subgroup)) continue;
		const capacity = servicePlacesFor(service, category, assumptions.unitCostGbp);
		if (!capacity) {
			for (const i of entry.pduIndexes)
				rows[i]!.uncounted.push({
					reference: service.reference,
					name: service.name,
					reason: 'capacity not known: no stated places and no value'
				});
			continue;
		}
		const fraction = subgroupFraction(service, subgroup, assumptions.subgroupShares);
		const totalWeight = entry.pduIndexes.reduce((sum, i) => sum + weights[i]!, 0);
		for (const i of entry.pduIndexes) {
			const pduShare = totalWeight > 0 ? weights[i]! / totalWeight : 1 / entry.pduIndexes.length;
			const places = capacity.places * pduShare * fraction;
			rows[i]!.places += places;
			rows[i]!.services.push({
				reference: service.reference,
				name: service.name,
				leadProvider: service.leadProvider,
				places,
				servicePlaces: capacity.places,
				placesBasis: capacity.basis,
				categoryValueGbp: capacity.categoryValueGbp,
				categoryCount: service.categories.length,
				pduShare,
				coveredPduCount: entry.pduIndexes.length,
				subgroupFraction: fraction,
				continued: entry.continued
			});
		}
	}
	for (const row of rows) {
		if (row.needCount === null) continue;
		row.coverage = row.needCount > 0 ? row.places / row.needCount : null;
		row.gap = Math.max(0, row.needCount - row.places);
	}
	return rows;
}

/**
 * The share of a service's places open to a subgroup: all of them when the service serves only
 * that group (e.g. a women's service and women), else the subgroup's share of the people the service
 * admits (e.g. women among everyone). Unknown shares count nothing, rather than everything.
 */
export function subgroupFraction(
	service: Pick<CoverageService, 'sex'>,
	subgroup: Subgroup,
	shares: Record<Subgroup, number | null>
): number {
	if (subgroup === 'all') return 1;
	const sub = shares[subgroup];
	if (sub === null) return 0;
	const women = shares.women;
	const eligible =
		service.sex === 'female'
			? women
			: service.sex === 'male'
				? women === null
					? null
					: 1 - women
				: 1;
	if (eligible === null || eligible <= 0) return 0;
	return Math.min(1, sub / eligible);
}

/** Every category × subgroup at once (for maps, exports and benchmarks). */
export function computeAllGaps(
	prepared: PreparedCoverage,
	subgroups: readonly Subgroup[]
): GapRow[] {
	const rows: GapRow[] = [];
	for (const category of CRS_CATEGORIES)
		for (const subgroup of subgroups) rows.push(...computeGaps(prepared, category, subgroup));
	return rows;
}
