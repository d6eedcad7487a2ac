import { getDb } from '$lib/server/context';
import { getDatasetComparison } from '$lib/server/api/datasets';
import { methodNotAllowed } from '$lib/server/api/respond';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ params, url }) =>
	getDatasetComparison(getDb(), params.key, url.searchParams);
export const fallback: RequestHandler = ({ request }) => methodNotAllowed(request.method);
