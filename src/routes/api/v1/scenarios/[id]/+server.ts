import { getDb } from '$lib/server/context';
import { getScenario, putScenario } from '$lib/server/api/scenarios';
import { errorResponse } from '$lib/server/api/respond';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ params, url }) =>
	getScenario(getDb(), params.id, url.searchParams);
export const PUT: RequestHandler = ({ params, request, locals }) =>
	putScenario(getDb(), params.id, request, locals.user);
export const fallback: RequestHandler = ({ request }) =>
	errorResponse(405, `method: ${request.method} is not allowed here. Valid: GET, HEAD, PUT`, {
		allow: 'GET, HEAD, PUT'
	});
