import { getDb } from '$lib/server/context';
import { getRegion } from '$lib/server/api/handlers';
import { methodNotAllowed } from '$lib/server/api/respond';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ params, url }) =>
	getRegion(getDb(), params.code, url.searchParams);
export const fallback: RequestHandler = ({ request }) => methodNotAllowed(request.method);
