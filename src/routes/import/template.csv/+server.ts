import { templateCsv } from '$lib/server/import/services-guide';
import type { RequestHandler } from './$types';

/** The services template (its address before there were other kinds): header row and an example row. */
export const GET: RequestHandler = () =>
	new Response(templateCsv(), {
		headers: {
			'Content-Type': 'text/csv; charset=utf-8',
			'Content-Disposition': 'attachment; filename="services-template.csv"'
		}
	});
