import { getDb } from '$lib/server/context';
import { getDatasets } from '$lib/server/api/handlers';
import { methodNotAllowed } from '$lib/server/api/respond';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ url }) => getDatasets(getDb(), url.searchParams);
export const fallback: RequestHandler = ({ request }) => methodNotAllowed(request.method);
