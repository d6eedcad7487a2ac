import { error } from '@sveltejs/kit';
import type { CrsCategory } from '$lib/domain/categories';
import { SCENARIO_ASSUMPTION_NOTES } from '$lib/domain/scenario';
import { todayIso } from '$lib/dates';
import { describeChange } from '$lib/scenario-text';
import { getDb } from '$lib/server/context';
import { loadMapPaths } from '$lib/server/planning/map-paths';
import { listDatasets } from '$lib/server/repositories/datasets';
import { runSavedScenario } from '$lib/server/scenarios/run-saved';
import { disclosureFor } from '$lib/server/scenarios/export';
import { flattenAssumptions, placeNames } from '$lib/server/scenarios/report';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, url }) => {
	const db = getDb();
	const raw = url.searchParams.get('version');
	const version = raw === null ? undefined : Number(raw);
	if (version !== undefined && !(Number.isInteger(version) && version >= 1))
		error(400, 'That is not a version number');
	const data = url.searchParams.get('data') === 'current' ? 'current' : 'saved';
	const run = await runSavedScenario(db, params.id, version, undefined, data);
	if (!run) error(404, 'Page not found');
	// Where newer data exists, the same scenario on the other data, to show what it changes.
	const other =
		run.drift.length > 0
			? await runSavedScenario(
					db,
					params.id,
					version,
					undefined,
					data === 'saved' ? 'current' : 'saved'
				)
			: undefined;
	const { scenario, result, baseline } = run;
	const shown = disclosureFor(result).row;
	const names = placeNames(baseline);
	const touched = [
		...new Set<CrsCategory>(
			result.changes.flatMap((c) =>
				c.type === 'co-commission' ? c.partners.map((p) => p.category) : [c.category]
			)
		)
	];
	const categories: CrsCategory[] = touched.length ? touched : ['Accommodation'];
	const maps = categories.map((category) => {
		const rows = result.pdus.filter((r) => r.category === category && r.subgroup === 'all');
		return {
			category,
			baseline: Object.fromEntries(rows.map((r) => [r.pdu, r.baseline.coverage])),
			scenario: Object.fromEntries(rows.map((r) => [r.pdu, r.scenario.coverage])),
			changed: rows.filter((r) => r.changed).map((r) => r.pdu)
		};
	});
	const datasets = await listDatasets(db);
	return {
		scenario: {
			id: scenario.id,
			name: scenario.name,
			description: scenario.description,
			version: scenario.version,
			currentVersion: scenario.currentVersion,
			savedAt: scenario.savedAt,
			savedBy: scenario.savedBy,
			owner: scenario.owner
		},
		printedOn: todayIso(),
		data,
		drift: run.drift,
		dataChanges: other
			? result.byCategory.map((h) => {
					const o = other.result.byCategory.find((x) => x.category === h.category)!;
					const [saved, current] = data === 'saved' ? [h, o] : [o, h];
					return {
						category: h.category,
						savedPlaces: saved.scenario.places,
						currentPlaces: current.scenario.places,
						savedGap: saved.scenario.gap,
						currentGap: current.scenario.gap
					};
				})
			: [],
		changes: result.changes.map((c) => describeChange(c, names)),
		assumptions: flattenAssumptions(result.assumptions).map((a) => ({
			...a,
			note: SCENARIO_ASSUMPTION_NOTES[a.noteKey] ?? null
		})),
		headline: result.headline,
		byCategory: result.byCategory,
		// printed and passed on: small subgroup counts hidden, as in the CSVs
		changedRows: result.pdus
			.filter((r) => r.changed)
			.map((r) => ({
				...r,
				shown: {
					need: shown(r, r.needCount, 'need'),
					baselineGap: shown(r, r.baseline.gap, 'derived'),
					scenarioGap: shown(r, r.scenario.gap, 'derived')
				}
			})),
		fundingByPartner: result.fundingByPartner,
		lots: result.lots,
		market: result.market,
		cannotFix: result.cannotFix,
		warnings: result.warnings,
		maps,
		paths: await loadMapPaths(db, 300, 340),
		datasetVersions: result.datasetVersions,
		datasets: datasets
			.filter((d) => d.key in result.datasetVersions)
			.map((d) => ({
				key: d.key,
				title: d.title,
				provenance: d.provenance,
				source: d.source,
				version: result.datasetVersions[d.key]!
			}))
	};
};
