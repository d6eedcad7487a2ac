import { auditCsv, auditFilterSchema, listAudit } from '$lib/server/auth/audit';
import { getDb } from '$lib/server/context';
import type { RequestHandler } from './$types';

/** Every entry matching the page's filter, as CSV (cells starting = + - @ neutralised). */
export const GET: RequestHandler = async ({ url }) => {
	const filter = auditFilterSchema.safeParse(Object.fromEntries(url.searchParams));
	if (!filter.success)
		return new Response(
			`${filter.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('\n')}\n`,
			{
				status: 400,
				headers: { 'content-type': 'text/plain; charset=utf-8' }
			}
		);
	const { entries } = await listAudit(getDb(), filter.data, 1_000_000);
	return new Response(auditCsv(entries), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="landscape-audit-${new Date().toISOString().slice(0, 10)}.csv"`,
			'cache-control': 'no-store'
		}
	});
};
