import { toCsv } from '$lib/csv';
import { SUPPRESSION_LABELS, suppressSubgroupView } from '$lib/domain/disclosure';
import { SUBGROUP_DEFINITIONS } from '$lib/domain/subgroups';
import { parseGapQuery } from '$lib/gap-query';
import { computeGapView } from '$lib/gap-view';
import { errorResponse } from '$lib/server/api/respond';
import { getDb } from '$lib/server/context';
import { loadGapBaseline } from '$lib/server/planning/gap-baseline';
import type { RequestHandler } from './$types';
import { todayIso } from '$lib/dates';

/** The gap table as CSV: the same function and rounding as the page. */
export const GET: RequestHandler = async ({ url }) => {
	const today = todayIso();
	const parsed = parseGapQuery(url.searchParams, today);
	if (!parsed.ok)
		return errorResponse(400, parsed.errors.map((e) => `${e.field}: ${e.message}`).join('; '));
	const { query } = parsed;
	const baseline = await loadGapBaseline(getDb());
	if (query.region && !baseline.regions.some((r) => r.code === query.region))
		return errorResponse(400, `region: '${query.region}' is not a probation region`);
	const view = computeGapView(baseline, query);
	// Disclosure control: a subgroup's small counts, and those that would give them away, are hidden.
	const marks = suppressSubgroupView(
		query.subgroup,
		(subgroup) => computeGapView(baseline, { ...query, subgroup, region: null }).rows
	);
	const hidden = (r: (typeof view.rows)[number]) => marks?.cell(r.category, r.subgroup, r.pdu);
	const round = (n: number | null) => (n === null ? null : Math.round(n));
	const shownGap = (r: (typeof view.rows)[number]) => (hidden(r) ? -1 : (r.gap ?? -1));
	const rows = [...view.rows]
		.sort((a, b) => shownGap(b) - shownGap(a) || a.pduName.localeCompare(b.pduName))
		.map((r) => [
			r.pdu,
			r.pduName,
			r.regionCode,
			r.category,
			SUBGROUP_DEFINITIONS[r.subgroup].label,
			query.date,
			r.caseload,
			r.needShare,
			r.subgroupShare,
			hidden(r) ? SUPPRESSION_LABELS[hidden(r)!] : round(r.needCount),
			round(r.places),
			hidden(r)
				? SUPPRESSION_LABELS.secondary
				: r.coverage === null
					? null
					: Math.round(r.coverage * 1000) / 10,
			hidden(r) ? SUPPRESSION_LABELS.secondary : round(r.gap),
			r.services.map((s) => s.reference).join(';'),
			'modelled'
		]);
	const csv = toCsv(
		[
			'pdu_code',
			'pdu',
			'region_code',
			'category',
			'people',
			'planning_date',
			'caseload',
			'need_share',
			'subgroup_share',
			'need_count',
			'places',
			'coverage_percent',
			'gap',
			'services',
			'provenance'
		],
		rows
	);
	const name = `landscape-gaps-${query.category.toLowerCase().replace(/[^a-z]+/g, '-')}-${query.subgroup}${query.region ? `-${query.region}` : ''}.csv`;
	return new Response(csv, {
		headers: {
			'Content-Type': 'text/csv; charset=utf-8',
			'Content-Disposition': `attachment; filename="${name}"`
		}
	});
};
