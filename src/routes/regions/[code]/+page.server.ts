import { error } from '@sveltejs/kit';
import { subcontractorsViaLinks } from '$lib/domain/supply';
import { getDb } from '$lib/server/context';
import { listOrganisations } from '$lib/server/repositories/organisations';
import { listPdus } from '$lib/server/repositories/pdus';
import {
	findRegionCode,
	listPccAreas,
	listRegionSummaries
} from '$lib/server/repositories/regions';
import { listServices, listSites } from '$lib/server/repositories/services';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => {
	const db = getDb();
	const code = await findRegionCode(db, params.code);
	if (!code) error(404, 'Page not found');
	const [regions, pdus, pccAreas, services, organisations, hubs] = await Promise.all([
		listRegionSummaries(db),
		listPdus(db, { regionCode: code }),
		listPccAreas(db, code),
		listServices(db, { regionCode: code }),
		listOrganisations(db, { regionCode: code }),
		listSites(db, { regionCode: code, kind: 'cfo' })
	]);
	const awards = services.filter((s) => s.recordType === 'award');
	const definitions = services.filter((s) => s.recordType === 'definition');
	return {
		region: regions.find((r) => r.code === code)!,
		pdus,
		pccAreas,
		awards,
		definitions,
		subcontractorsOf: subcontractorsViaLinks(awards, definitions),
		organisations,
		hubs
	};
};
