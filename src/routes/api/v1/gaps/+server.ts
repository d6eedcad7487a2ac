import { DISCLOSURE_RULE, SUPPRESSION_LABELS, suppressSubgroupView } from '$lib/domain/disclosure';
import { parseGapQuery, gapQueryParams } from '$lib/gap-query';
import { computeGapView } from '$lib/gap-view';
import { gapRowProvenance } from '$lib/server/api/gap-provenance';
import { ApiError, errorResponse, methodNotAllowed, respond } from '$lib/server/api/respond';
import { getDb } from '$lib/server/context';
import { loadGapBaseline } from '$lib/server/planning/gap-baseline';
import type { RequestHandler } from './$types';
import { todayIso } from '$lib/dates';

// measure and pdu only change what the page shows; they are accepted so a page's query string works here too.
const ALLOWED = new Set([
	'region',
	'category',
	'subgroup',
	'date',
	'unitCost',
	'continued',
	'measure',
	'pdu'
]);

/** Need, places, coverage and gap per PDU, with the services counted and the provenance of every input. */
export const GET: RequestHandler = async ({ url }) => {
	const unknown = [...url.searchParams.keys()].filter((k) => !ALLOWED.has(k));
	if (unknown.length)
		return errorResponse(
			400,
			`${unknown.join(', ')}: unknown parameter. Valid: ${[...ALLOWED].join(', ')}`
		);
	const today = todayIso();
	const parsed = parseGapQuery(url.searchParams, today);
	if (!parsed.ok)
		return errorResponse(400, parsed.errors.map((e) => `${e.field}: ${e.message}`).join('; '));
	const { query } = parsed;
	return respond(async () => {
		const baseline = await loadGapBaseline(getDb());
		if (query.region && !baseline.regions.some((r) => r.code === query.region))
			throw new ApiError(
				400,
				`region: '${query.region}' is not a probation region. Valid: ${baseline.regions.map((r) => `${r.code} (${r.name})`).join(', ')}`
			);
		const view = computeGapView(baseline, query);
		const pduByCode = new Map(baseline.pdus.map((p) => [p.code, p]));
		// Disclosure control: a subgroup's small counts, and those that would give them away, are hidden.
		const marks = suppressSubgroupView(
			query.subgroup,
			(subgroup) => computeGapView(baseline, { ...query, subgroup, region: null }).rows
		);
		const label = (s: 'primary' | 'secondary' | null | undefined) =>
			s ? SUPPRESSION_LABELS[s] : null;
		const totalHidden = query.region
			? marks?.regionTotal(query.category, query.subgroup, query.region)
			: marks?.nationalTotal(query.category, query.subgroup);
		return {
			query: {
				region: query.region,
				category: query.category,
				subgroup: query.subgroup,
				date: query.date,
				unitCostGbp: query.unitCost,
				continued: query.continued
			},
			view: `/gaps?${gapQueryParams(query, today)}`,
			totals: totalHidden
				? {
						...view.totals,
						needCount: null,
						coverage: null,
						gap: null,
						suppressed: label(totalHidden)
					}
				: view.totals,
			pdus: view.rows.map((r) => {
				const hidden = marks?.cell(r.category, r.subgroup, r.pdu);
				return {
					pdu: r.pdu,
					pduName: r.pduName,
					regionCode: r.regionCode,
					caseload: r.caseload,
					needShare: r.needShare,
					subgroupShare: r.subgroupShare,
					needCount: hidden ? null : r.needCount,
					places: r.places,
					coverage: hidden ? null : r.coverage,
					gap: hidden ? null : r.gap,
					...(marks && { suppressed: label(hidden) }),
					services: r.services,
					uncounted: r.uncounted,
					provenance: gapRowProvenance(pduByCode.get(r.pdu), r.category, r.subgroup, r.needShare)
				};
			}),
			...(marks && {
				disclosure: {
					rule: DISCLOSURE_RULE.join(' '),
					method: '/data-sources#disclosure-control'
				}
			}),
			excluded: view.excluded,
			provenance: { datasetVersions: baseline.datasetVersions, method: '/data-sources#method-gaps' }
		};
	});
};

export const fallback: RequestHandler = ({ request }) => methodNotAllowed(request.method);
