import type { DB } from '../db';
import { worksInRegion, type AppUser } from './roles';

/**
 * Who may see and change a scenario.
 * - draft: its owner (and admins);
 * - shared: also the commissioners and partners of its region (a scenario with no region is
 *   national: every commissioner and partner);
 * - published: everyone signed in.
 * Editing needs sight of it, and then: admins always; the owner while the scenario is in one of
 * their regions (or national); a commissioner of its region; a partner of its region when it is a
 * co-commissioning scenario. Viewers never edit.
 */
export interface ScenarioAccessFacts {
	owner: string;
	/** draft | shared | published */
	visibility: string;
	regionCode: string | null;
	/** its current version has a co-commissioning change */
	coCommissioning: boolean;
	/** the newest version (for the audit log's "before") */
	currentVersion: number;
}

/** Owners are named by account email (or 'local administrator'), which no one else can take. */
const isOwner = (user: AppUser, s: ScenarioAccessFacts) =>
	user.role !== 'anonymous' && s.owner === user.name;

export function canSeeScenario(user: AppUser, s: ScenarioAccessFacts): boolean {
	if (user.role === 'anonymous') return false;
	if (user.role === 'admin' || isOwner(user, s)) return true;
	if (s.visibility === 'published') return true;
	if (s.visibility === 'shared' && (user.role === 'commissioner' || user.role === 'partner'))
		return s.regionCode === null || worksInRegion(user, s.regionCode);
	return false;
}

export function canEditScenario(user: AppUser, s: ScenarioAccessFacts): boolean {
	if (user.role === 'admin') return true;
	if (user.role === 'anonymous' || user.role === 'viewer' || !canSeeScenario(user, s)) return false;
	if (isOwner(user, s)) return s.regionCode === null || worksInRegion(user, s.regionCode);
	if (user.role === 'commissioner') return worksInRegion(user, s.regionCode);
	return s.coCommissioning && worksInRegion(user, s.regionCode);
}

/**
 * Whether `user` may create a scenario for `regionCode` (null: national, with no region):
 * admins anywhere; commissioners and partners national or in their regions.
 */
export function canCreateScenario(user: AppUser, regionCode: string | null): boolean {
	if (user.role === 'admin') return true;
	if (user.role !== 'commissioner' && user.role !== 'partner') return false;
	return regionCode === null || worksInRegion(user, regionCode);
}

/** Whether `user` may import data (or roll a dataset back): admins and commissioners. */
export function canImport(user: AppUser): boolean {
	return user.role === 'admin' || user.role === 'commissioner';
}

/** What access to a scenario depends on, from its row and current version; undefined if none. */
export async function loadScenarioAccessFacts(
	db: DB,
	id: string
): Promise<ScenarioAccessFacts | undefined> {
	const row = await db
		.selectFrom('scenarios as s')
		.leftJoin('scenario_versions as v', (join) =>
			join.onRef('v.scenario_id', '=', 's.id').onRef('v.version', '=', 's.current_version')
		)
		.select(['s.owner', 's.visibility', 's.region_code', 's.current_version', 'v.body'])
		.where('s.id', '=', id)
		.executeTakeFirst();
	if (!row) return undefined;
	return {
		owner: row.owner,
		visibility: row.visibility,
		regionCode: row.region_code,
		coCommissioning: hasCoCommissioning(row.body),
		currentVersion: row.current_version
	};
}

function hasCoCommissioning(body: string | null): boolean {
	if (!body) return false;
	try {
		const changes = (JSON.parse(body) as { changes?: unknown }).changes;
		return (
			Array.isArray(changes) &&
			changes.some((c) => (c as { type?: unknown } | null)?.type === 'co-commission')
		);
	} catch {
		return false;
	}
}
