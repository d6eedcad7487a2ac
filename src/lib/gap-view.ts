import type { CrsCategory } from '$lib/domain/categories';
import {
	computeGaps,
	prepareCoverage,
	type CoverageService,
	type DemandPdu,
	type GapRow,
	type Uncounted
} from '$lib/domain/coverage';
import { assumptionsFor, type GapQuery } from '$lib/gap-query';

/** What the gap views need from the baseline, as plain serialisable data (sent to the browser). */
export interface GapBaseline {
	datasetVersions: Record<string, number>;
	regions: { code: string; name: string }[];
	/** `caseloadSource`: where the PDU's caseload comes from, e.g. "published (imported from x.csv, version 2)" */
	pdus: (DemandPdu & { regionName: string; population: number; caseloadSource?: string })[];
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
	const prepared = prepareCoverage(
		baseline.pdus,
		new Map(baseline.needShares),
		baseline.services,
		assumptionsFor(query)
	);
	const all = computeGaps(prepared, query.category, query.subgroup);
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
