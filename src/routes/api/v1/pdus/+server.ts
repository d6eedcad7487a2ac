import { getDb } from '$lib/server/context';
import { getPdus } from '$lib/server/api/handlers';
import { methodNotAllowed } from '$lib/server/api/respond';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ url }) => getPdus(getDb(), url.searchParams);
export const fallback: RequestHandler = ({ request }) => methodNotAllowed(request.method);
