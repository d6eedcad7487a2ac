import { getDb } from '$lib/server/context';
import { listOrganisations } from '$lib/server/repositories/organisations';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const organisations = await listOrganisations(getDb());
	return { organisations: organisations.filter((o) => o.leadCount + o.subcontractCount > 0) };
};
