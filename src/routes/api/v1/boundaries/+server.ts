import { getDb } from '$lib/server/context';
import { errorResponse, methodNotAllowed } from '$lib/server/api/respond';
import { loadBoundaries } from '$lib/server/planning/boundaries';
import type { RequestHandler } from './$types';

/** PDU (default) or region boundaries as GeoJSON, merged from the shipped district boundaries. */
export const GET: RequestHandler = async ({ url }) => {
	const level = url.searchParams.get('level') ?? 'pdu';
	if (level !== 'pdu' && level !== 'region')
		return errorResponse(400, `level: '${level}' is not a boundary level. Valid: pdu, region`);
	const boundaries = await loadBoundaries(getDb());
	return new Response(JSON.stringify(level === 'pdu' ? boundaries.pdus : boundaries.regions), {
		headers: { 'Content-Type': 'application/geo+json', 'Cache-Control': 'public, max-age=3600' }
	});
};
export const fallback: RequestHandler = ({ request }) => methodNotAllowed(request.method);
