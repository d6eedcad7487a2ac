import { getDb } from '$lib/server/context';
import { countVersions } from '$lib/server/import/versions';
import { listDatasets } from '$lib/server/repositories/datasets';
import { listNeedShares } from '$lib/server/repositories/demand';
import {
	CASELOAD_METHOD,
	NATIONAL_CASELOAD,
	NEEDS_METHOD,
	NEEDS_SOURCE
} from '$lib/server/seed/catalog';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const db = getDb();
	const [datasets, needShares, versionCounts] = await Promise.all([
		listDatasets(db),
		listNeedShares(db),
		countVersions(db)
	]);
	return {
		datasets,
		versionCounts,
		needShares,
		methods: {
			caseload: CASELOAD_METHOD,
			needs: NEEDS_METHOD,
			caseloadSource: NATIONAL_CASELOAD,
			needsSource: NEEDS_SOURCE
		}
	};
};
