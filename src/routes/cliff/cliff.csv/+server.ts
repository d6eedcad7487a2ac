import { todayIso } from '$lib/dates';
import { buildCliffReport, cliffCsv, readChoice } from '$lib/server/api/cliff-market';
import { errorResponse } from '$lib/server/api/respond';
import { getDb } from '$lib/server/context';
import type { RequestHandler } from './$types';

/** The contract cliff page's numbers as CSV: the same report and rounding as the page. */
export const GET: RequestHandler = async ({ url }) => {
	const db = getDb();
	const read = await readChoice(db, url.searchParams);
	if (!read.ok) return errorResponse(400, read.errors.join('; '));
	const { regionCode, category } = read.choice;
	const report = await buildCliffReport(db, { regionCode, category, asOf: todayIso() });
	const slug = [regionCode, category?.toLowerCase().replace(/[^a-z]+/g, '-'), report.asOf]
		.filter(Boolean)
		.join('-');
	return new Response(cliffCsv(report), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="landscape-contract-cliff-${slug}.csv"`,
			'cache-control': 'no-store'
		}
	});
};
