import { error } from '@sveltejs/kit';
import { parseCategory } from '$lib/domain/categories';
import { toCsv } from '$lib/csv';
import { getDb } from '$lib/server/context';
import { listScenarios } from '$lib/server/repositories/scenarios';
import { MAX_COMPARED, compareScenarios } from '$lib/server/scenarios/compare';
import { visibleScenarios } from '$lib/server/scenarios/visible';
import type { RequestHandler } from './$types';

/** The comparison by PDU: places, gap and coverage for the baseline and each scenario. */
export const GET: RequestHandler = async ({ url, locals }) => {
	const ids = [...new Set(url.searchParams.getAll('ids').filter(Boolean))];
	const category = parseCategory(url.searchParams.get('category') ?? 'Accommodation');
	if (!category) error(400, 'category: not a CRS category');
	if (ids.length === 0 || ids.length > MAX_COMPARED)
		error(400, `ids: give 1 to ${MAX_COMPARED} scenario ids`);
	const visible = visibleScenarios(locals.user, await listScenarios(getDb()));
	const unseen = ids.find((id) => !visible.some((s) => s.id === id));
	if (unseen) error(404, `ids: there is no scenario '${unseen}'`);
	const comparison = await compareScenarios(getDb(), ids, category);
	if ('missing' in comparison) error(404, `ids: there is no scenario '${comparison.missing}'`);
	const { columns } = comparison;
	const pdus = Object.keys(columns[0]!.places).sort();
	const versions = Object.entries(comparison.datasetVersions)
		.map(([k, v]) => `${k} v${v}`)
		.join('; ');
	const header = [
		'pdu_code',
		'category',
		'dataset_versions',
		...columns.flatMap((c) => {
			const name = c.id ? `${c.name} (v${c.version})` : 'baseline';
			return [`${name}: places`, `${name}: gap`, `${name}: coverage`];
		})
	];
	const rows = pdus.map((pdu) => [
		pdu,
		category,
		versions,
		...columns.flatMap((c) => [
			c.places[pdu] ?? null,
			c.gap[pdu] ?? null,
			c.coverage[pdu] === null || c.coverage[pdu] === undefined
				? null
				: Number(c.coverage[pdu]!.toFixed(4))
		])
	]);
	return new Response(toCsv(header, rows), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="scenario-comparison-${category.toLowerCase().replace(/[^a-z]+/g, '-')}.csv"`
		}
	});
};
