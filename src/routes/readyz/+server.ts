import { json } from '@sveltejs/kit';
import { openedDb } from '$lib/server/context';
import { checkReadiness } from '$lib/server/health';
import type { RequestHandler } from './$types';

/** Readiness: the database is reachable and its migrations are current (503 otherwise). */
export const GET: RequestHandler = async () => {
	const readiness = await checkReadiness(openedDb());
	return json(readiness, {
		status: readiness.ready ? 200 : 503,
		headers: { 'cache-control': 'no-store' }
	});
};
