import crypto from 'node:crypto';
import type { DB } from '../db';

/** Who may see a scenario: its owner (draft), its region's roles (shared) or everyone (published). */
export const SCENARIO_VISIBILITIES = ['draft', 'shared', 'published'] as const;
export type ScenarioVisibility = (typeof SCENARIO_VISIBILITIES)[number];

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
	return {
		...toVersion(row),
		owner: row.owner,
		createdAt: row.created_at,
		visibility: row.visibility as ScenarioVisibility,
		regionCode: row.region_code,
		currentVersion: row.current_version
	};
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
	return rows.map((row) => ({
		...toVersion(row),
		owner: row.owner,
		createdAt: row.created_at,
		visibility: row.visibility as ScenarioVisibility,
		regionCode: row.region_code,
		currentVersion: row.current_version
	}));
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
