import { getDb } from '$lib/server/context';
import { getAccess } from '$lib/server/api/access';
import { methodNotAllowed } from '$lib/server/api/respond';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ url }) => getAccess(getDb(), url.searchParams);
export const fallback: RequestHandler = ({ request }) => methodNotAllowed(request.method);
