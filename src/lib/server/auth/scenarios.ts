import type { DB } from '../db';
import { worksInRegion, type AppUser, type Role } from './roles';

/**
 * Who may see and change a scenario, and who may change who sees it.
 * - draft: its owner and its named collaborators (and admins);
 * - shared: also the commissioners and partners of its region (a scenario with no region is
 *   national: every commissioner and partner);
 * - published: everyone signed in, viewers included.
 * Editing needs sight of it, and then: admins always; the owner and collaborators while the
 * scenario is in one of their regions (or national); a commissioner of its region. A partner of its
 * region who speaks for an organisation may change that organisation's contributions to a
 * co-commissioning scenario, and nothing else in it (editScope). Viewers never edit.
 * Publishing and unpublishing: a commissioner of its region, or an admin. Sharing, returning to
 * draft and naming collaborators: the owner, a commissioner of its region, or an admin.
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
	/** the account ids of its named collaborators */
	collaborators: readonly number[];
}

/** Who may see a scenario, in the order a scenario moves through them. */
export const SCENARIO_VISIBILITIES = ['draft', 'shared', 'published'] as const;
export type ScenarioVisibility = (typeof SCENARIO_VISIBILITIES)[number];

export const isScenarioVisibility = (value: unknown): value is ScenarioVisibility =>
	typeof value === 'string' && (SCENARIO_VISIBILITIES as readonly string[]).includes(value);

/** Owners are named by account email (or 'local administrator'), which no one else can take. */
const isOwner = (user: AppUser, s: ScenarioAccessFacts) =>
	user.role !== 'anonymous' && s.owner === user.name;

/** Collaborators are named by account id (the local administrator has none, and needs none). */
const isCollaborator = (user: AppUser, s: ScenarioAccessFacts) =>
	user.role !== 'anonymous' && user.id !== null && s.collaborators.includes(user.id);

/** Named on the scenario, and still working in its region (or it is national). */
const isAuthorInRegion = (user: AppUser, s: ScenarioAccessFacts) =>
	(isOwner(user, s) || isCollaborator(user, s)) &&
	(s.regionCode === null || worksInRegion(user, s.regionCode));

const isRegionCommissioner = (user: AppUser, s: ScenarioAccessFacts) =>
	user.role === 'commissioner' && worksInRegion(user, s.regionCode);

export function canSeeScenario(user: AppUser, s: ScenarioAccessFacts): boolean {
	if (user.role === 'anonymous') return false;
	if (user.role === 'admin' || isOwner(user, s) || isCollaborator(user, s)) return true;
	if (s.visibility === 'published') return true;
	if (s.visibility === 'shared' && (user.role === 'commissioner' || user.role === 'partner'))
		return s.regionCode === null || worksInRegion(user, s.regionCode);
	return false;
}

/**
 * What `user` may change in the scenario: all of it; only `organisation`'s contributions to its
 * co-commissioning (checked on save by changesBeyondContributions); or nothing (null).
 */
export type EditScope = { kind: 'all' } | { kind: 'contributions'; organisation: string };

export function editScope(user: AppUser, s: ScenarioAccessFacts): EditScope | null {
	if (user.role === 'admin') return { kind: 'all' };
	if (user.role === 'anonymous' || user.role === 'viewer' || !canSeeScenario(user, s)) return null;
	if (isAuthorInRegion(user, s) || isRegionCommissioner(user, s)) return { kind: 'all' };
	if (
		user.role === 'partner' &&
		user.organisation &&
		s.coCommissioning &&
		worksInRegion(user, s.regionCode)
	)
		return { kind: 'contributions', organisation: user.organisation };
	return null;
}

/** Whether `user` may save some change to the scenario (editScope says which). */
export function canEditScenario(user: AppUser, s: ScenarioAccessFacts): boolean {
	return editScope(user, s) !== null;
}

/** Publish or unpublish: a commissioner of the scenario's region, or an admin. */
export function canPublishScenario(user: AppUser, s: ScenarioAccessFacts): boolean {
	if (user.role === 'admin') return true;
	return canSeeScenario(user, s) && isRegionCommissioner(user, s);
}

/**
 * Share, return to draft, and add or remove collaborators: the owner (while it is in one of their
 * regions, or national), a commissioner of the scenario's region, or an admin.
 */
export function canManageScenario(user: AppUser, s: ScenarioAccessFacts): boolean {
	if (user.role === 'admin') return true;
	if (user.role === 'anonymous' || user.role === 'viewer' || !canSeeScenario(user, s)) return false;
	return isRegionCommissioner(user, s) || (isOwner(user, s) && isAuthorInRegion(user, s));
}

/**
 * Whether `user` may move the scenario from where it is now to `to`: anything to or from published
 * is publishing; draft and shared are managing. Staying where it is is no change, so never allowed.
 */
export function canChangeVisibility(
	user: AppUser,
	s: ScenarioAccessFacts,
	to: ScenarioVisibility
): boolean {
	if (to === s.visibility) return false;
	return s.visibility === 'published' || to === 'published'
		? canPublishScenario(user, s)
		: canManageScenario(user, s);
}

/** The visibilities `user` may give the scenario, besides the one it has. */
export function visibilityChoices(user: AppUser, s: ScenarioAccessFacts): ScenarioVisibility[] {
	return SCENARIO_VISIBILITIES.filter((to) => canChangeVisibility(user, s, to));
}

/** The audit log's name for a move from one visibility to another. */
export function visibilityAuditAction(
	from: ScenarioVisibility,
	to: ScenarioVisibility
): 'scenario.publish' | 'scenario.unpublish' | 'scenario.share' | 'scenario.unshare' {
	if (to === 'published') return 'scenario.publish';
	if (from === 'published') return 'scenario.unpublish';
	return to === 'shared' ? 'scenario.share' : 'scenario.unshare';
}

/** An account as collaborator rules need it. */
export interface CollaboratorCandidate {
	id: number;
	email: string;
	role: Role;
	/** region codes; empty for admins */
	regions: readonly string[];
	active: boolean;
}

/**
 * Why `candidate` cannot be named a collaborator on the scenario, or null if they can. They must be
 * an active admin, or an active commissioner or partner working in its region (any region, for a
 * national scenario): collaborators change the scenario, which viewers never do.
 */
export function collaboratorProblem(
	candidate: CollaboratorCandidate,
	s: Pick<ScenarioAccessFacts, 'owner' | 'regionCode' | 'collaborators'>,
	regionName: string | null
): string | null {
	if (!candidate.active)
		return `${candidate.email}’s account is deactivated. An administrator can reactivate it first.`;
	if (candidate.email === s.owner) return `${candidate.email} owns this scenario already.`;
	if (s.collaborators.includes(candidate.id))
		return `${candidate.email} is already a collaborator on this scenario.`;
	if (candidate.role === 'admin') return null;
	if (candidate.role === 'viewer')
		return `${candidate.email} is a viewer: viewers read published scenarios only, so they cannot work on this one. An administrator can change their role.`;
	if (s.regionCode !== null && !candidate.regions.includes(s.regionCode))
		return `${candidate.email} does not work in ${regionName ?? s.regionCode}, this scenario’s region, so they cannot be a collaborator on it. An administrator can add the region to their account.`;
	return null;
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
	const collaborators = await db
		.selectFrom('scenario_collaborators')
		.select('user_id')
		.where('scenario_id', '=', id)
		.orderBy('user_id')
		.execute();
	return {
		owner: row.owner,
		visibility: row.visibility,
		regionCode: row.region_code,
		coCommissioning: hasCoCommissioning(row.body),
		currentVersion: row.current_version,
		collaborators: collaborators.map((c) => c.user_id)
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
