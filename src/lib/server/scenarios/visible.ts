import { canSeeScenario } from '../auth';
import type { AppUser } from '../auth/roles';
import type { SavedScenario } from '../repositories/scenarios';

/** The scenarios `user` may see (drafts are their owner's and collaborators'; see auth/scenarios.ts). */
export function visibleScenarios<T extends SavedScenario>(
	user: AppUser,
	scenarios: readonly T[]
): T[] {
	return scenarios.filter((s) =>
		canSeeScenario(user, {
			owner: s.owner,
			visibility: s.visibility,
			regionCode: s.regionCode,
			coCommissioning: false,
			currentVersion: s.currentVersion,
			collaborators: s.collaboratorIds
		})
	);
}
