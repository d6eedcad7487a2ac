import { getDb } from '$lib/server/context';
import { getDatasetVersions } from '$lib/server/api/datasets';
import { methodNotAllowed } from '$lib/server/api/respond';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ params, url }) =>
	getDatasetVersions(getDb(), params.key, url.searchParams);
export const fallback: RequestHandler = ({ request }) => methodNotAllowed(request.method);
