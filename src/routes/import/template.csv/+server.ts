import { templateCsv } from '../template.server';
import type { RequestHandler } from './$types';

/** The services template: its header row and one example row to replace. */
export const GET: RequestHandler = () =>
	new Response(templateCsv(), {
		headers: {
			'Content-Type': 'text/csv; charset=utf-8',
			'Content-Disposition': 'attachment; filename="services-template.csv"'
		}
	});
