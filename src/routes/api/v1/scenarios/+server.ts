import { getDb } from '$lib/server/context';
import { getScenarios, postScenario } from '$lib/server/api/scenarios';
import { errorResponse } from '$lib/server/api/respond';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ locals }) => getScenarios(getDb(), locals.user);
export const POST: RequestHandler = ({ request, locals }) =>
	postScenario(getDb(), request, locals.user.name);
export const fallback: RequestHandler = ({ request }) =>
	errorResponse(405, `method: ${request.method} is not allowed here. Valid: GET, HEAD, POST`, {
		allow: 'GET, HEAD, POST'
	});
