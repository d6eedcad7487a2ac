import { canCreateScenario } from '$lib/server/auth/scenarios';
import { getDb } from '$lib/server/context';
import { listDatasets } from '$lib/server/repositories/datasets';
import { listScenarios } from '$lib/server/repositories/scenarios';
import { MAX_COMPARED } from '$lib/server/scenarios/compare';
import { visibleScenarios } from '$lib/server/scenarios/visible';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const db = getDb();
	const [all, datasets] = await Promise.all([listScenarios(db), listDatasets(db)]);
	const scenarios = visibleScenarios(locals.user, all);
	const current = new Map(datasets.map((d) => [d.key, d.version]));
	return {
		maxCompared: MAX_COMPARED,
		// national scenarios are open to every role that creates scenarios at all
		canCreate: canCreateScenario(locals.user, null),
		scenarios: scenarios.map((s) => {
			const pinned = Object.entries(s.datasetVersions);
			const changed = pinned.filter(([k, v]) => current.get(k) !== v).map(([k]) => k);
			const added = [...current.keys()].filter((k) => !(k in s.datasetVersions));
			return {
				id: s.id,
				name: s.name,
				description: s.description,
				owner: s.owner,
				version: s.version,
				savedAt: s.savedAt,
				savedBy: s.savedBy,
				visibility: s.visibility,
				newerData: changed.length + added.length
			};
		})
	};
};
