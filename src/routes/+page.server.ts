import { getDb } from '$lib/server/context';
import { listRegionSummaries } from '$lib/server/repositories/regions';
import { NATIONAL_CASELOAD } from '$lib/server/seed/catalog';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const regions = await listRegionSummaries(getDb());
	return {
		regions,
		nationalCaseload: { people: NATIONAL_CASELOAD.people, period: NATIONAL_CASELOAD.period }
	};
};
