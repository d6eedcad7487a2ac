import { putScenarioVisibility } from '$lib/server/api/scenarios';
import { errorResponse } from '$lib/server/api/respond';
import { clientAddress } from '$lib/server/auth/guard';
import { getDb } from '$lib/server/context';
import type { RequestHandler } from './$types';

/** Who can see a scenario: `{ "visibility": "published", "from": "shared" }`. */
export const PUT: RequestHandler = (event) =>
	putScenarioVisibility(getDb(), event.params.id, event.request, event.locals.user, {
		actor: event.locals.user.name,
		requestId: event.locals.requestId,
		ip: clientAddress(event)
	});
export const fallback: RequestHandler = ({ request }) =>
	errorResponse(405, `method: ${request.method} is not allowed here. Valid: PUT`, { allow: 'PUT' });
