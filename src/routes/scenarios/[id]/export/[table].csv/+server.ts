import { error } from '@sveltejs/kit';
import { toCsv } from '$lib/csv';
import { getDb } from '$lib/server/context';
import { runSavedScenario } from '$lib/server/scenarios/run-saved';
import { scenarioCsv, SCENARIO_TABLES } from '$lib/server/scenarios/export';
import type { RequestHandler } from './$types';

/** One of a scenario's tables as CSV: /scenarios/{id}/export/{table}.csv[?version=N]. */
export const GET: RequestHandler = async ({ params, url }) => {
	const table = SCENARIO_TABLES.find((t) => t === params.table);
	if (!table)
		error(404, `No table '${params.table}': the tables are ${SCENARIO_TABLES.join(', ')}`);
	const raw = url.searchParams.get('version');
	const version = raw === null ? undefined : Number(raw);
	if (version !== undefined && !(Number.isInteger(version) && version >= 1))
		error(400, 'That is not a version number');
	const data = url.searchParams.get('data') === 'current' ? 'current' : 'saved';
	const run = await runSavedScenario(getDb(), params.id, version, undefined, data);
	if (!run) error(404, 'Page not found');
	const { header, rows } = scenarioCsv(run.result, table);
	const slug = run.scenario.name
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '');
	return new Response(toCsv(header, rows), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${slug || 'scenario'}-v${run.scenario.version}-${table}.csv"`
		}
	});
};
