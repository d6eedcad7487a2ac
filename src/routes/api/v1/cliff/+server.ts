import { getDb } from '$lib/server/context';
import { getCliff } from '$lib/server/api/cliff-market';
import { methodNotAllowed } from '$lib/server/api/respond';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ url }) => getCliff(getDb(), url.searchParams);
export const fallback: RequestHandler = ({ request }) => methodNotAllowed(request.method);
