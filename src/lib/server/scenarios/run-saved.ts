import type { ScenarioBaseline, ScenarioResult } from '$lib/domain/scenario';
import { todayIso } from '$lib/dates';
import type { DB } from '../db';
import { findScenario, type SavedScenario } from '../repositories/scenarios';
import { runScenarioBody, scenarioBodySchema, type ScenarioBody } from '../api/scenarios';
import { listDatasets } from '../repositories/datasets';

/** A dataset whose current version is not the one a scenario was saved with. */
export interface DatasetDrift {
	key: string;
	title: string;
	/** the version the scenario was saved with (null: the dataset did not exist then) */
	saved: number | null;
	/** the current version (null: the dataset is gone) */
	current: number | null;
}

export interface SavedScenarioRun {
	/** saved: on the dataset versions the scenario was saved with; current: on the newest */
	data: 'saved' | 'current';
	scenario: SavedScenario;
	body: ScenarioBody;
	baseline: ScenarioBaseline;
	result: ScenarioResult;
	/** datasets whose current version differs from the one pinned when the scenario was saved */
	drift: DatasetDrift[];
	/** the current dataset versions (to offer a re-run when they differ) */
	currentVersions: Record<string, number>;
}

/** dataset key → current version. */
export async function currentDatasetVersions(db: DB): Promise<Record<string, number>> {
	const rows = await db
		.selectFrom('dataset_versions')
		.where('is_current', '=', 1)
		.select(['dataset_key', 'version'])
		.execute();
	return Object.fromEntries(rows.map((r) => [r.dataset_key, r.version]));
}

/** The datasets whose current versions differ from a scenario's pinned ones. */
export async function datasetDrift(
	db: DB,
	pinned: Record<string, number>,
	current: Record<string, number>
): Promise<DatasetDrift[]> {
	const keys = [...new Set([...Object.keys(pinned), ...Object.keys(current)])].sort();
	const changed = keys.filter((k) => pinned[k] !== current[k]);
	if (changed.length === 0) return [];
	const titles = new Map((await listDatasets(db)).map((d) => [d.key, d.title]));
	return changed.map((key) => ({
		key,
		title: titles.get(key) ?? key,
		saved: pinned[key] ?? null,
		current: current[key] ?? null
	}));
}

/**
 * Run a saved scenario (at a version, default its newest) on the dataset versions it was saved
 * with (reproducible), or on the newest (`data: 'current'`). The result names the dataset versions
 * it used; `drift` says which current versions differ from the saved ones, so a page can offer to
 * re-run on them and show what changed.
 */
export async function runSavedScenario(
	db: DB,
	id: string,
	version?: number,
	today = todayIso(),
	data: 'saved' | 'current' = 'saved'
): Promise<SavedScenarioRun | undefined> {
	const scenario = await findScenario(db, id, version);
	if (!scenario) return undefined;
	const parsed = scenarioBodySchema.safeParse(scenario.body);
	if (!parsed.success)
		throw new Error(
			`scenario ${id} version ${scenario.version} holds changes that no longer validate`
		);
	const current = await currentDatasetVersions(db);
	const { baseline, result } = await runScenarioBody(
		db,
		parsed.data,
		today,
		data === 'saved' ? scenario.datasetVersions : undefined
	);
	const drift = await datasetDrift(db, scenario.datasetVersions, current);
	return { data, scenario, body: parsed.data, baseline, result, drift, currentVersions: current };
}
