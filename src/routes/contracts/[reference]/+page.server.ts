import { error } from '@sveltejs/kit';
import { getDb } from '$lib/server/context';
import { findService, listSites } from '$lib/server/repositories/services';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => {
	const db = getDb();
	const service = await findService(db, params.reference);
	if (!service) error(404, 'Page not found');
	const [linked, sites] = await Promise.all([
		Promise.all(service.linkedReferences.map((ref) => findService(db, ref))),
		service.lotLevel === 'site'
			? listSites(db, { regionCode: service.regionCode ?? undefined })
			: Promise.resolve([])
	]);
	return {
		service,
		linked: linked.filter((s) => s !== undefined),
		sites: sites.filter((s) => s.serviceReference === service.reference)
	};
};
