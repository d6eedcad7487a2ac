import { getDb } from '$lib/server/context';
import { getMarket } from '$lib/server/api/cliff-market';
import { methodNotAllowed } from '$lib/server/api/respond';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ url }) => getMarket(getDb(), url.searchParams);
export const fallback: RequestHandler = ({ request }) => methodNotAllowed(request.method);
