import crypto from 'node:crypto';
import type { DB } from '../db';
import { recordAudit, type AuditContext } from '../auth/audit';
import {
	isScenarioVisibility,
	visibilityAuditAction,
	type ScenarioVisibility
} from '../auth/scenarios';

/** Who may see a scenario: its owner and collaborators (draft), its region's roles (shared) or everyone (published). */
export { SCENARIO_VISIBILITIES, type ScenarioVisibility } from '../auth/scenarios';

/** One saved version of a scenario, as stored: `body` is the changes and assumptions, as JSON data. */
export interface ScenarioVersion {
	id: string;
	version: number;
	name: string;
	description: string;
	body: unknown;
	/** dataset key → version number the scenario was built on (pinned when saved) */
	datasetVersions: Record<string, number>;
	savedAt: string;
	savedBy: string;
	note: string | null;
}

/** A scenario at one of its versions, with what is the same for every version. */
export interface SavedScenario extends ScenarioVersion {
	owner: string;
	createdAt: string;
	visibility: ScenarioVisibility;
	regionCode: string | null;
	/** the newest version: saves must be based on it */
	currentVersion: number;
	/** the account ids of the people named on it besides its owner */
	collaboratorIds: number[];
}

export interface ScenarioDraft {
	name: string;
	description: string;
	body: unknown;
	datasetVersions: Record<string, number>;
}

/** A save refused because it was based on a version that is no longer the newest. */
export interface SaveConflict {
	ok: false;
	/** the version the save was based on */
	baseVersion: number;
	/** the newest version, as someone else saved it */
	current: SavedScenario;
}

export type SaveResult = { ok: true; scenario: SavedScenario } | SaveConflict;

/** A short random id for a scenario's stable address: 12 characters of a–z and 2–7. */
export function newScenarioId(): string {
	const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
	return [...crypto.randomBytes(12)].map((b) => alphabet[b & 31]).join('');
}

/** Create a scenario: its version 1. */
export async function createScenario(
	db: DB,
	draft: ScenarioDraft,
	by: { owner: string; regionCode?: string | null; now?: Date; id?: string }
): Promise<SavedScenario> {
	const id = by.id ?? newScenarioId();
	const now = (by.now ?? new Date()).toISOString();
	await db.transaction().execute(async (trx) => {
		await trx
			.insertInto('scenarios')
			.values({
				id,
				owner: by.owner,
				created_at: now,
				current_version: 1,
				visibility: 'draft',
				region_code: by.regionCode ?? null
			})
			.execute();
		await trx
			.insertInto('scenario_versions')
			.values(versionRow(id, 1, draft, by.owner, now, null))
			.execute();
	});
	return (await findScenario(db, id))!;
}

function versionRow(
	id: string,
	version: number,
	draft: ScenarioDraft,
	savedBy: string,
	savedAt: string,
	note: string | null
) {
	return {
		scenario_id: id,
		version,
		name: draft.name,
		description: draft.description,
		body: JSON.stringify(draft.body),
		dataset_versions: JSON.stringify(draft.datasetVersions),
		saved_at: savedAt,
		saved_by: savedBy,
		note
	};
}

/**
 * Save a new version of a scenario, based on version `baseVersion`. If someone saved a newer
 * version since, nothing is written and the result says so (the API answers 409), with the
 * newest version so the person can see what changed, reload, or save theirs as a copy.
 */
export async function saveScenario(
	db: DB,
	id: string,
	baseVersion: number,
	draft: ScenarioDraft,
	by: { savedBy: string; now?: Date; note?: string | null }
): Promise<SaveResult | undefined> {
	const now = (by.now ?? new Date()).toISOString();
	const saved = await db.transaction().execute(async (trx) => {
		// Compare-and-set: only the save based on the newest version moves it on.
		const moved = await trx
			.updateTable('scenarios')
			.set({ current_version: baseVersion + 1 })
			.where('id', '=', id)
			.where('current_version', '=', baseVersion)
			.executeTakeFirst();
		if (Number(moved.numUpdatedRows) !== 1) return false;
		await trx
			.insertInto('scenario_versions')
			.values(versionRow(id, baseVersion + 1, draft, by.savedBy, now, by.note ?? null))
			.execute();
		return true;
	});
	const current = await findScenario(db, id);
	if (!current) return undefined;
	return saved ? { ok: true, scenario: current } : { ok: false, baseVersion, current };
}

/** Save an earlier version's content as the newest version (history is kept; nothing is lost). */
export async function restoreScenarioVersion(
	db: DB,
	id: string,
	version: number,
	baseVersion: number,
	by: { savedBy: string; now?: Date }
): Promise<SaveResult | undefined> {
	const old = await findScenario(db, id, version);
	if (!old) return undefined;
	return saveScenario(
		db,
		id,
		baseVersion,
		{
			name: old.name,
			description: old.description,
			body: old.body,
			datasetVersions: old.datasetVersions
		},
		{ ...by, note: `Restored from version ${version}` }
	);
}

/** A scenario at a version (default: its newest), or undefined. */
export async function findScenario(
	db: DB,
	id: string,
	version?: number
): Promise<SavedScenario | undefined> {
	const row = await db
		.selectFrom('scenarios as s')
		.innerJoin('scenario_versions as v', 'v.scenario_id', 's.id')
		.where('s.id', '=', id)
		.where((eb) =>
			version === undefined
				? eb('v.version', '=', eb.ref('s.current_version'))
				: eb('v.version', '=', version)
		)
		.selectAll('v')
		.select(['s.owner', 's.created_at', 's.current_version', 's.visibility', 's.region_code'])
		.executeTakeFirst();
	if (!row) return undefined;
	const collaborators = await collaboratorIdsOf(db, [id]);
	return toSaved(row, collaborators.get(id) ?? []);
}

type ScenarioRow = Parameters<typeof toVersion>[0] & {
	owner: string;
	created_at: string;
	current_version: number;
	visibility: string;
	region_code: string | null;
};

function toSaved(row: ScenarioRow, collaboratorIds: number[]): SavedScenario {
	return {
		...toVersion(row),
		owner: row.owner,
		createdAt: row.created_at,
		// the column only ever holds one of these; anything else is treated as the most private
		visibility: isScenarioVisibility(row.visibility) ? row.visibility : 'draft',
		regionCode: row.region_code,
		currentVersion: row.current_version,
		collaboratorIds
	};
}

/** scenario id → its collaborators' account ids, for the scenarios given (all, if none given). */
async function collaboratorIdsOf(db: DB, ids?: readonly string[]): Promise<Map<string, number[]>> {
	if (ids?.length === 0) return new Map();
	let query = db
		.selectFrom('scenario_collaborators')
		.select(['scenario_id', 'user_id'])
		.orderBy('scenario_id')
		.orderBy('user_id');
	if (ids) query = query.where('scenario_id', 'in', ids);
	const byScenario = new Map<string, number[]>();
	for (const r of await query.execute()) {
		const list = byScenario.get(r.scenario_id);
		if (list) list.push(r.user_id);
		else byScenario.set(r.scenario_id, [r.user_id]);
	}
	return byScenario;
}

function toVersion(row: {
	scenario_id: string;
	version: number;
	name: string;
	description: string;
	body: string;
	dataset_versions: string;
	saved_at: string;
	saved_by: string;
	note: string | null;
}): ScenarioVersion {
	return {
		id: row.scenario_id,
		version: row.version,
		name: row.name,
		description: row.description,
		body: JSON.parse(row.body) as unknown,
		datasetVersions: JSON.parse(row.dataset_versions) as Record<string, number>,
		savedAt: row.saved_at,
		savedBy: row.saved_by,
		note: row.note
	};
}

/** Every scenario at its newest version, most recently saved first. */
export async function listScenarios(db: DB): Promise<SavedScenario[]> {
	const rows = await db
		.selectFrom('scenarios as s')
		.innerJoin('scenario_versions as v', (join) =>
			join.onRef('v.scenario_id', '=', 's.id').onRef('v.version', '=', 's.current_version')
		)
		.selectAll('v')
		.select(['s.owner', 's.created_at', 's.current_version', 's.visibility', 's.region_code'])
		.orderBy('v.saved_at', 'desc')
		.orderBy('s.id')
		.execute();
	const collaborators = await collaboratorIdsOf(db);
	return rows.map((row) => toSaved(row, collaborators.get(row.scenario_id) ?? []));
}

/** A scenario's versions, newest first. */
export async function listScenarioVersions(db: DB, id: string): Promise<ScenarioVersion[]> {
	const rows = await db
		.selectFrom('scenario_versions')
		.where('scenario_id', '=', id)
		.selectAll()
		.orderBy('version', 'desc')
		.execute();
	return rows.map(toVersion);
}

/** A change to who sees a scenario, refused because the form was based on a visibility it no longer has. */
export interface VisibilityConflict {
	ok: false;
	/** the visibility the change was based on */
	from: ScenarioVisibility;
	/** what it is now */
	current: ScenarioVisibility;
}

/**
 * Give a scenario the visibility `to`, if it still has the visibility `from` the change was based
 * on (compare-and-set: a form loaded before someone else's change changes nothing). Audited as
 * scenario.publish, scenario.unpublish, scenario.share or scenario.unshare in the same transaction.
 * Whether the person may make the change is the caller's to check (auth/scenarios.ts).
 */
export async function setScenarioVisibility(
	db: DB,
	id: string,
	change: { from: ScenarioVisibility; to: ScenarioVisibility },
	by: AuditContext
): Promise<{ ok: true } | VisibilityConflict | undefined> {
	const { from, to } = change;
	const result = await db.transaction().execute(async (trx) => {
		const moved = await trx
			.updateTable('scenarios')
			.set({ visibility: to })
			.where('id', '=', id)
			.where('visibility', '=', from)
			.executeTakeFirst();
		if (Number(moved.numUpdatedRows) !== 1) return false;
		await recordAudit(trx, {
			...by,
			action: visibilityAuditAction(from, to),
			target: `scenario:${id}`,
			before: { visibility: from },
			after: { visibility: to }
		});
		return true;
	});
	if (result) return { ok: true };
	const now = await db
		.selectFrom('scenarios')
		.select('visibility')
		.where('id', '=', id)
		.executeTakeFirst();
	if (!now) return undefined;
	return {
		ok: false,
		from,
		current: isScenarioVisibility(now.visibility) ? now.visibility : 'draft'
	};
}

/** A person named on a scenario besides its owner. */
export interface ScenarioCollaborator {
	userId: number;
	email: string;
	addedBy: string;
	addedAt: string;
}

/** A scenario's collaborators, in the order they were added. */
export async function listScenarioCollaborators(
	db: DB,
	id: string
): Promise<ScenarioCollaborator[]> {
	const rows = await db
		.selectFrom('scenario_collaborators as c')
		.innerJoin('users as u', 'u.id', 'c.user_id')
		.select(['c.user_id', 'u.email', 'c.added_by', 'c.added_at'])
		.where('c.scenario_id', '=', id)
		.orderBy('c.added_at')
		.orderBy('u.email')
		.execute();
	return rows.map((r) => ({
		userId: r.user_id,
		email: r.email,
		addedBy: r.added_by,
		addedAt: r.added_at
	}));
}

/**
 * Name account `userId` a collaborator on scenario `id`. False, and nothing written, if they are one
 * already (someone else added them since the form was shown). Audited as scenario.collaborator.add
 * with the collaborators before and after. Whether they may be one is the caller's to check
 * (collaboratorProblem in auth/scenarios.ts).
 */
export async function addScenarioCollaborator(
	db: DB,
	id: string,
	collaborator: { userId: number; email: string },
	by: AuditContext & { now?: Date }
): Promise<boolean> {
	return db.transaction().execute(async (trx) => {
		const before = await collaboratorEmails(trx, id);
		if (before.includes(collaborator.email)) return false;
		await trx
			.insertInto('scenario_collaborators')
			.values({
				scenario_id: id,
				user_id: collaborator.userId,
				added_by: by.actor,
				added_at: (by.now ?? new Date()).toISOString()
			})
			.execute();
		await recordAudit(trx, {
			actor: by.actor,
			requestId: by.requestId ?? null,
			ip: by.ip ?? null,
			action: 'scenario.collaborator.add',
			target: `scenario:${id}`,
			before: { collaborators: before },
			after: { collaborators: [...before, collaborator.email], added: collaborator.email }
		});
		return true;
	});
}

/**
 * Remove account `userId` from scenario `id`'s collaborators; returns their email. Null, and nothing
 * written, if they are not one (someone else removed them since the form was shown). Audited as
 * scenario.collaborator.remove with the collaborators before and after.
 */
export async function removeScenarioCollaborator(
	db: DB,
	id: string,
	userId: number,
	by: AuditContext
): Promise<string | null> {
	return db.transaction().execute(async (trx) => {
		const named = await trx
			.selectFrom('scenario_collaborators as c')
			.innerJoin('users as u', 'u.id', 'c.user_id')
			.select('u.email')
			.where('c.scenario_id', '=', id)
			.where('c.user_id', '=', userId)
			.executeTakeFirst();
		if (!named) return null;
		const before = await collaboratorEmails(trx, id);
		await trx
			.deleteFrom('scenario_collaborators')
			.where('scenario_id', '=', id)
			.where('user_id', '=', userId)
			.execute();
		await recordAudit(trx, {
			...by,
			action: 'scenario.collaborator.remove',
			target: `scenario:${id}`,
			before: { collaborators: before },
			after: { collaborators: before.filter((e) => e !== named.email), removed: named.email }
		});
		return named.email;
	});
}

async function collaboratorEmails(db: DB, id: string): Promise<string[]> {
	return (await listScenarioCollaborators(db, id)).map((c) => c.email);
}
