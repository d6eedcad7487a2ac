import { getDb } from '$lib/server/context';
import { postRun } from '$lib/server/api/scenarios';
import { errorResponse } from '$lib/server/api/respond';
import type { RequestHandler } from './$types';

/** Stateless: run the changes in the body on the current baseline; nothing is saved. */
export const POST: RequestHandler = ({ request }) => postRun(getDb(), request);
export const fallback: RequestHandler = ({ request }) =>
	errorResponse(405, `method: ${request.method} is not allowed here. Valid: POST`, {
		allow: 'POST'
	});
