import {
	e2sfca,
	isLowAccess,
	isRural,
	LOW_ACCESS_SHARE,
	RURAL_DENSITY_PER_KM2,
	shareWithinCatchment,
	summariseGroups,
	type GroupMember
} from '$lib/domain/access';
import { defaultAssumptions } from '$lib/domain/assumptions';
import { referralsOpenOn } from '$lib/domain/supply';
import { CRS_CATEGORIES, type CrsCategory } from '$lib/domain/categories';
import { prepareCoverage, servicePlacesFor } from '$lib/domain/coverage';
import type { DB } from '../db';
import { loadBaseline, type Baseline } from '../planning/baseline';
import { listSites } from '../repositories/services';
import {
	indexDistricts,
	LOCATION_RULE,
	matchLocation,
	splitLocations,
	type DistrictName
} from './locations';

/**
 * Travel access to supply (E2SFCA) for every local authority district and PDU, for one CRS
 * category or all: the assembly behind GET /api/v1/access. Demand points are districts'
 * population-weighted centroids; supply sites are the located sites of the services counted on the
 * planning date (as in the coverage model).
 */

export interface AccessReportOptions {
	/** null: every category (a service's places across all of them) */
	category: CrsCategory | null;
	/** d0, km */
	catchmentKm: number;
	/** ISO date deciding which services are running */
	planningDate: string;
}

export interface AccessSite {
	reference: string;
	/** the service whose places the site carries (an award for its definitions' locations) */
	serviceReference: string;
	name: string;
	lat: number;
	lon: number;
	/** places a year at this site: S_j */
	capacity: number;
	/** false: the service's capacity is not known, so the site counts 1 place a year */
	capacityKnown: boolean;
	/** how the site was placed and its capacity found, in a sentence */
	basis: string;
	/** the district it was placed in, for delivery locations; null for recorded sites */
	ladCode: string | null;
}

export interface UnmatchedLocation {
	serviceReference: string;
	regionCode: string | null;
	location: string;
}

export interface AccessReport {
	category: CrsCategory | null;
	catchmentKm: number;
	planningDate: string;
	method: string;
	lads: {
		code: string;
		name: string;
		pduCodes: string[];
		population: number;
		/** A_i: places a year per resident */
		access: number;
		withinCatchment: boolean;
	}[];
	pdus: {
		code: string;
		name: string;
		regionCode: string;
		population: number;
		access: number | null;
		shareWithinCatchment: number | null;
		densityPerKm2: number | null;
		rural: boolean | null;
		lowAccess: boolean;
	}[];
	sites: AccessSite[];
	/** delivery-location names that matched a district, and that did not */
	locations: { matched: number; unmatched: number };
	unmatchedLocations: UnmatchedLocation[];
	/** services delivering the category that are not counted, and why */
	servicesNotCounted: { reference: string; name: string; reason: string }[];
	provenance: { label: 'modelled'; datasetVersions: Record<string, number> };
}

type BaselineService = Baseline['services'][number];

/** Places a year for the category, or across all categories; null when neither is known. */
function placesOf(
	service: BaselineService,
	category: CrsCategory | null,
	unitCostGbp: Record<CrsCategory, number>
): { places: number; basis: string } | null {
	const categories = category ? [category] : CRS_CATEGORIES;
	let places = 0;
	const bases = new Set<string>();
	for (const c of categories) {
		const found = servicePlacesFor(service, c, unitCostGbp);
		if (!found) continue;
		places += found.places;
		bases.add(
			found.basis === 'stated'
				? 'stated places'
				: `annual value ÷ £${unitCostGbp[c].toLocaleString('en-GB')} a person`
		);
	}
	return bases.size ? { places, basis: [...bases].join('; ') } : null;
}

function methodText(options: AccessReportOptions, unitCostGbp: number): string {
	const d0 = options.catchmentKm;
	return [
		`Enhanced two-step floating catchment (E2SFCA) with catchment d0 = ${d0} km: W(d) = (e^(−½(d/d0)²) − e^(−½)) / (1 − e^(−½)) for d ≤ d0, else 0;`,
		'R_j = S_j / Σ_k P_k·W(d_kj), or 0 where that sum is 0; A_i = Σ_j R_j·W(d_ij); d is the haversine great-circle distance in km (Earth radius 6371.0088 km).',
		'Demand P: each local authority district at its approximate population-weighted centroid, with its 2021 Census population.',
		`Supply: the services running on ${options.planningDate} (as in the coverage model: a Refer and Monitor definition linked to a 2021 award counts through the award) that deliver ${options.category ?? 'any CRS category'}.`,
		'Sites: a site-based service (e.g. a CFO hub) at its recorded location; a Refer and Monitor definition at its delivery locations, where',
		`${LOCATION_RULE}; an award at the delivery locations of its linked definitions (those taking referrals on the date, or all of them when none is).`,
		`Capacity S_j: the service's places a year for ${options.category ? 'the category' : 'all its categories'} (stated places, else annual value ÷ £${unitCostGbp.toLocaleString('en-GB')} a person, split evenly over its categories), split equally over its located sites;`,
		'a service whose capacity is not known counts 1 place a year per site and is flagged capacityKnown: false.',
		'Access is places a year per resident, distance-weighted. A PDU’s access is the population-weighted mean of its districts’ (a district split between PDUs counts half);',
		`shareWithinCatchment is the share of its population in districts with any site within d0; rural means fewer than ${RURAL_DENSITY_PER_KM2} people per km² (population ÷ area of its districts, split districts counted half);`,
		`lowAccess means rural and shareWithinCatchment below ${LOW_ACCESS_SHARE}.`
	].join(' ');
}

/** Build the access report from the current dataset versions. */
export async function buildAccessReport(
	db: DB,
	options: AccessReportOptions
): Promise<AccessReport> {
	const { category, catchmentKm, planningDate } = options;
	const [baseline, ladRows, pduLadRows, siteRows] = await Promise.all([
		loadBaseline(db),
		db
			.selectFrom('lads')
			.select([
				'code',
				'name',
				'region_code',
				'population_2021',
				'pop_centroid_lat',
				'pop_centroid_lon',
				'area_km2'
			])
			.orderBy('code')
			.execute(),
		db
			.selectFrom('pdu_lads as pl')
			.innerJoin('pdus as p', 'p.code', 'pl.pdu_code')
			.where('p.valid_to', 'is', null)
			.select(['pl.pdu_code', 'pl.lad_code', 'pl.coverage'])
			.orderBy('pl.pdu_code')
			.orderBy('pl.lad_code')
			.execute(),
		listSites(db)
	]);
	const assumptions = defaultAssumptions(planningDate);
	const unitCostGbp = assumptions.unitCostGbp;
	const delivers = (s: BaselineService) => (category ? s.categories.includes(category) : true);
	const prepared = prepareCoverage(
		baseline.pdus,
		baseline.needShares,
		baseline.services,
		assumptions
	);
	const byReference = new Map(baseline.services.map((s) => [s.reference, s]));
	const districts: DistrictName[] = ladRows.map((l) => ({
		code: l.code,
		name: l.name,
		regionCode: l.region_code
	}));
	const districtIndex = indexDistricts(districts);
	const ladByCode = new Map(ladRows.map((l) => [l.code, l]));
	const recordedSites = new Map<string, typeof siteRows>();
	for (const site of siteRows) {
		if (!site.serviceReference || site.lat === null || site.lon === null) continue;
		recordedSites.set(site.serviceReference, [
			...(recordedSites.get(site.serviceReference) ?? []),
			site
		]);
	}

	const sites: AccessSite[] = [];
	const unmatchedLocations: UnmatchedLocation[] = [];
	const locations = { matched: 0, unmatched: 0 };
	const servicesNotCounted = prepared.excluded
		.filter((e) => {
			const s = byReference.get(e.reference);
			return s !== undefined && delivers(s);
		})
		.map((e) => ({ reference: e.reference, name: e.name, reason: e.reason }));

	for (const { service } of prepared.entries) {
		const s = byReference.get(service.reference);
		if (!s || !delivers(s)) continue;
		const capacity = placesOf(s, category, unitCostGbp);
		// Where the service is delivered: recorded sites, else Refer and Monitor delivery locations.
		const placed: Omit<AccessSite, 'capacity' | 'capacityKnown' | 'basis'>[] = [];
		const placedHow: string[] = [];
		const recorded = recordedSites.get(s.reference) ?? [];
		for (const site of recorded)
			placed.push({
				reference: site.reference,
				serviceReference: s.reference,
				name: site.name,
				lat: site.lat!,
				lon: site.lon!,
				ladCode: null
			});
		if (recorded.length) placedHow.push('recorded site');
		else {
			const definitions =
				s.recordType === 'definition'
					? [s]
					: s.linkedReferences
							.map((ref) => byReference.get(ref))
							.filter((d): d is BaselineService => d?.recordType === 'definition');
			const open = definitions.filter((d) => referralsOpenOn(d, planningDate));
			const seen = new Set<string>();
			for (const definition of open.length ? open : definitions) {
				for (const name of splitLocations(definition.deliveryLocations)) {
					const district = definition.regionCode
						? matchLocation(name, definition.regionCode, districtIndex)
						: undefined;
					if (!district) {
						locations.unmatched++;
						unmatchedLocations.push({
							serviceReference: definition.reference,
							regionCode: definition.regionCode,
							location: name
						});
						continue;
					}
					locations.matched++;
					if (seen.has(district.code)) continue;
					seen.add(district.code);
					const lad = ladByCode.get(district.code)!;
					placed.push({
						reference: `${s.reference}@${district.code}`,
						serviceReference: s.reference,
						name: `${s.name}: ${district.name}`,
						lat: lad.pop_centroid_lat,
						lon: lad.pop_centroid_lon,
						ladCode: district.code
					});
				}
			}
			if (placed.length)
				placedHow.push(
					`Refer and Monitor delivery location${s.recordType === 'award' ? ` of linked definition${definitions.length === 1 ? '' : 's'}` : ''}, at the district's population-weighted centroid`
				);
		}
		if (!placed.length) {
			servicesNotCounted.push({
				reference: s.reference,
				name: s.name,
				reason: 'no recorded site and no delivery location that names a district of its region'
			});
			continue;
		}
		const share = capacity ? capacity.places / placed.length : 1;
		const capacityBasis = capacity
			? `${capacity.basis}, split equally over ${placed.length} site${placed.length === 1 ? '' : 's'}`
			: 'capacity not known: counted as 1 place a year';
		for (const site of placed)
			sites.push({
				...site,
				capacity: share,
				capacityKnown: capacity !== null,
				basis: `${placedHow.join('; ')}; ${capacityBasis}`
			});
	}

	// E2SFCA over district centroids and the located sites.
	const result = e2sfca(
		{
			lat: Float64Array.from(ladRows, (l) => l.pop_centroid_lat),
			lon: Float64Array.from(ladRows, (l) => l.pop_centroid_lon),
			population: Float64Array.from(ladRows, (l) => l.population_2021)
		},
		{
			lat: Float64Array.from(sites, (s) => s.lat),
			lon: Float64Array.from(sites, (s) => s.lon),
			capacity: Float64Array.from(sites, (s) => s.capacity)
		},
		catchmentKm
	);
	const within = shareWithinCatchment(
		{
			lat: Float64Array.from(ladRows, (l) => l.pop_centroid_lat),
			lon: Float64Array.from(ladRows, (l) => l.pop_centroid_lon)
		},
		{ lat: Float64Array.from(sites, (s) => s.lat), lon: Float64Array.from(sites, (s) => s.lon) },
		catchmentKm
	);
	const ladIndex = new Map(ladRows.map((l, i) => [l.code, i]));
	const pdusOfLad = new Map<string, string[]>();
	const membersOfPdu = new Map<string, GroupMember[]>();
	for (const row of pduLadRows) {
		const point = ladIndex.get(row.lad_code);
		if (point === undefined) continue;
		pdusOfLad.set(row.lad_code, [...(pdusOfLad.get(row.lad_code) ?? []), row.pdu_code]);
		membersOfPdu.set(row.pdu_code, [
			...(membersOfPdu.get(row.pdu_code) ?? []),
			{ point, weight: row.coverage === 'part' ? 0.5 : 1 }
		]);
	}
	const population = ladRows.map((l) => l.population_2021);
	const groups = baseline.pdus.map((p) => membersOfPdu.get(p.code) ?? []);
	const summaries = summariseGroups(population, result.access, within, groups);

	return {
		category,
		catchmentKm,
		planningDate,
		method: methodText(options, category ? unitCostGbp[category] : unitCostGbp.Accommodation),
		lads: ladRows.map((l, i) => ({
			code: l.code,
			name: l.name,
			pduCodes: pdusOfLad.get(l.code) ?? [],
			population: l.population_2021,
			access: result.access[i]!,
			withinCatchment: within[i] === 1
		})),
		pdus: baseline.pdus.map((p, g) => {
			const summary = summaries[g]!;
			const area = groups[g]!.reduce(
				(sum, m) => sum + m.weight * (ladRows[m.point]?.area_km2 ?? 0),
				0
			);
			const rural = isRural(summary.population, area);
			return {
				code: p.code,
				name: p.name,
				regionCode: p.regionCode,
				population: Math.round(summary.population),
				access: summary.access,
				shareWithinCatchment: summary.shareWithinCatchment,
				densityPerKm2: area > 0 ? Math.round((summary.population / area) * 10) / 10 : null,
				rural,
				lowAccess: isLowAccess(rural, summary.shareWithinCatchment)
			};
		}),
		sites,
		locations,
		unmatchedLocations,
		servicesNotCounted,
		provenance: { label: 'modelled', datasetVersions: baseline.datasetVersions }
	};
}
