import {
	suppressSubgroupView,
	type DisclosureMarks,
	type Suppression
} from '$lib/domain/disclosure';
import type { GapRow } from '$lib/domain/coverage';
import type { GapQuery } from '$lib/gap-query';
import { computeGapView, type GapBaseline, type GapView } from '$lib/gap-view';

/** A gap row as shown: with its count, coverage and gap taken out when they are hidden. */
export type ShownGapRow = GapRow & { suppressed: Suppression | null };

export interface ShownGapView extends Omit<GapView, 'rows' | 'totals'> {
	rows: ShownGapRow[];
	totals: GapView['totals'] & { suppressed: Suppression | null };
	/** how many PDU counts are hidden; null when disclosure control does not apply */
	hidden: DisclosureMarks['hidden'] | null;
}

/**
 * Which figures of a gap view to hide: the same marks the CSV and the API use, worked out over
 * every PDU (not just the region shown) for the subgroup and its partition partners, so a region's
 * view hides exactly what the national view hides. Null for "all people on probation".
 */
export function gapDisclosureMarks(baseline: GapBaseline, query: GapQuery) {
	return suppressSubgroupView(
		query.subgroup,
		(subgroup) => computeGapView(baseline, { ...query, subgroup, region: null }).rows
	);
}

/**
 * The gap view as published: hidden counts, and the coverage and gap worked out from them, are
 * taken out of the data (null), not just out of sight, so nothing drawn from it (table, map,
 * tooltips, legend, totals, explanations) can show them. With `disclose` false the view is as
 * computed, with nothing marked.
 */
export function showGapView(
	baseline: GapBaseline,
	query: GapQuery,
	view: GapView,
	disclose: boolean
): ShownGapView {
	const marks = disclose ? gapDisclosureMarks(baseline, query) : null;
	const rows = view.rows.map((row): ShownGapRow => {
		const suppressed = marks?.cell(row.category, row.subgroup, row.pdu) ?? null;
		return suppressed
			? { ...row, needCount: null, coverage: null, gap: null, suppressed }
			: { ...row, suppressed: null };
	});
	const totalMark =
		(query.region
			? marks?.regionTotal(query.category, query.subgroup, query.region)
			: marks?.nationalTotal(query.category, query.subgroup)) ?? null;
	const totals = totalMark
		? { ...view.totals, needCount: null, coverage: null, gap: null, suppressed: totalMark }
		: { ...view.totals, suppressed: null };
	return { excluded: view.excluded, rows, totals, hidden: marks?.hidden ?? null };
}
