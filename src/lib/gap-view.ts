import type { CrsCategory } from '$lib/domain/categories';
import type { Provenance } from '$lib/domain/provenance';
import {
	computeGaps,
	prepareCoverage,
	type CoverageService,
	type DemandPdu,
	type CoverageAssumptions,
	type GapRow,
	type PreparedCoverage,
	type Uncounted
} from '$lib/domain/coverage';
import { assumptionsFor, type GapQuery } from '$lib/gap-query';

/** What the gap views need from the baseline, as plain serialisable data (sent to the browser). */
export interface GapBaseline {
	datasetVersions: Record<string, number>;
	regions: { code: string; name: string }[];
	/** `caseloadSource`: where the PDU's caseload comes from, e.g. "published (imported from x.csv, version 2)" */
	pdus: (DemandPdu & {
		regionName: string;
		population: number;
		caseloadSource?: string;
		/** the caseload's provenance (so the API can say whether need is modelled or derived) */
		caseloadProvenance?: Provenance;
	})[];
	needShares: [CrsCategory, number][];
	needShareNotes: [CrsCategory, { measure: string; note: string }][];
	services: CoverageService[];
	/** delivery points to show on maps: probation offices and CFO sites */
	sites: {
		reference: string;
		name: string;
		kind: string;
		lat: number;
		lon: number;
		regionCode: string | null;
		precision: string;
	}[];
}

export interface GapView {
	rows: GapRow[];
	excluded: Uncounted[];
	totals: { needCount: number | null; places: number; gap: number | null; coverage: number | null };
}

/**
 * The gap table for a view: the same function behind the page, the map, the CSV and the API, so
 * their numbers cannot disagree. Places are shared across every PDU a service reaches before the
 * region filter is applied.
 */
export function computeGapView(baseline: GapBaseline, query: GapQuery): GapView {
	const prepared = preparedFor(baseline, assumptionsFor(query));
	const all = gapsFor(prepared, query.category, query.subgroup);
	const rows = query.region ? all.filter((r) => r.regionCode === query.region) : all;
	const known = rows.every((r) => r.needCount !== null);
	const needCount = known ? rows.reduce((s, r) => s + r.needCount!, 0) : null;
	const places = rows.reduce((s, r) => s + r.places, 0);
	const gap = known ? rows.reduce((s, r) => s + r.gap!, 0) : null;
	return {
		rows,
		excluded: prepared.excluded,
		totals: { needCount, places, gap, coverage: needCount ? places / needCount : null }
	};
}

/**
 * Which services count and which PDUs each reaches, decided once per baseline and set of
 * assumptions: a baseline object is reused until its data changes (the server's follows the current
 * dataset versions), so views of other categories, subgroups and regions share the work.
 */
const preparedOf = new WeakMap<GapBaseline, Map<string, PreparedCoverage>>();
const PREPARED_PER_BASELINE = 16;

function preparedFor(baseline: GapBaseline, assumptions: CoverageAssumptions): PreparedCoverage {
	let byAssumptions = preparedOf.get(baseline);
	if (!byAssumptions) preparedOf.set(baseline, (byAssumptions = new Map()));
	const key = JSON.stringify(assumptions);
	let prepared = byAssumptions.get(key);
	if (!prepared) {
		prepared = prepareCoverage(
			baseline.pdus,
			new Map(baseline.needShares),
			baseline.services,
			assumptions
		);
		byAssumptions.set(key, prepared);
		if (byAssumptions.size > PREPARED_PER_BASELINE)
			byAssumptions.delete(byAssumptions.keys().next().value!);
	}
	return prepared;
}

/** computeGaps' rows for each prepared coverage, category and subgroup (rows are never changed). */
const gapsOf = new WeakMap<PreparedCoverage, Map<string, GapRow[]>>();

function gapsFor(
	prepared: PreparedCoverage,
	category: GapQuery['category'],
	subgroup: GapQuery['subgroup']
): GapRow[] {
	let byView = gapsOf.get(prepared);
	if (!byView) gapsOf.set(prepared, (byView = new Map()));
	const key = `${category}|${subgroup}`;
	let rows = byView.get(key);
	if (!rows) byView.set(key, (rows = computeGaps(prepared, category, subgroup)));
	return rows;
}
