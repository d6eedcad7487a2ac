import { CRS_CATEGORIES, type CrsCategory } from '$lib/domain/categories';
import type { Headline, ScenarioResult } from '$lib/domain/scenario';
import type { DB } from '../db';
import { runSavedScenario, type DatasetDrift } from './run-saved';
import { runScenarioBody } from '../api/scenarios';

/** At most this many saved scenarios are compared with the baseline at once. */
export const MAX_COMPARED = 3;

export interface ComparedColumn {
	/** null for the baseline */
	id: string | null;
	name: string;
	version: number | null;
	savedBy: string | null;
	savedAt: string | null;
	drift: DatasetDrift[];
	headline: Headline;
	/** £ a year partners put in (co-commissioning) */
	partnerGbp: number;
	lots: number;
	lotsAtRisk: number;
	/** transaction costs over the term, £ */
	transactionGbp: number;
	/** PDU code → coverage for the category (subgroup all) */
	coverage: Record<string, number | null>;
	/** PDU code → gap for the category (subgroup all) */
	gap: Record<string, number | null>;
	places: Record<string, number>;
	changedPdus: string[];
}

export interface Comparison {
	category: CrsCategory;
	columns: ComparedColumn[];
	/** PDUs where some scenario's places or gap differ from the baseline's */
	differences: { pdu: string; pduName: string; regionName: string }[];
	datasetVersions: Record<string, number>;
}

function column(
	result: ScenarioResult,
	category: CrsCategory,
	side: 'baseline' | 'scenario',
	meta: Omit<
		ComparedColumn,
		| 'headline'
		| 'coverage'
		| 'gap'
		| 'places'
		| 'changedPdus'
		| 'partnerGbp'
		| 'lots'
		| 'lotsAtRisk'
		| 'transactionGbp'
	>
): ComparedColumn {
	const rows = result.pdus.filter((r) => r.category === category && r.subgroup === 'all');
	const headline = result.byCategory.find((h) => h.category === category)!;
	const isScenario = side === 'scenario';
	const designs = isScenario ? result.lots.filter((l) => l.category === category) : [];
	return {
		...meta,
		headline: isScenario
			? headline
			: {
					...headline,
					scenario: headline.baseline,
					placesAdded: 0,
					gapClosed: 0
				},
		partnerGbp: isScenario
			? result.fundingByPartner
					.filter((f) => f.category === category)
					.reduce((s, f) => s + f.annualGbp, 0)
			: 0,
		lots: designs.reduce((n, d) => n + d.summary.lots, 0),
		lotsAtRisk: designs.reduce((n, d) => n + d.summary.lotsAtRisk.length, 0),
		transactionGbp: designs.reduce((n, d) => n + d.summary.costs.totalGbp, 0),
		coverage: Object.fromEntries(rows.map((r) => [r.pdu, r[side].coverage])),
		gap: Object.fromEntries(rows.map((r) => [r.pdu, r[side].gap])),
		places: Object.fromEntries(rows.map((r) => [r.pdu, r[side].places])),
		changedPdus: isScenario ? rows.filter((r) => r.changed).map((r) => r.pdu) : []
	};
}

/**
 * The baseline and up to three saved scenarios (each at its newest version), for one category:
 * headline measures, coverage by PDU for small-multiple maps, and the PDUs where they differ.
 * Every column is run on the current dataset versions, so the columns compare.
 */
export async function compareScenarios(
	db: DB,
	ids: readonly string[],
	category: CrsCategory
): Promise<Comparison | { missing: string }> {
	const runs = [];
	for (const id of ids.slice(0, MAX_COMPARED)) {
		const run = await runSavedScenario(db, id, undefined, undefined, 'current');
		if (!run) return { missing: id };
		runs.push(run);
	}
	const { result: empty } = await runScenarioBody(db, { changes: [] });
	const columns = [
		column(empty, category, 'baseline', {
			id: null,
			name: 'Baseline',
			version: null,
			savedBy: null,
			savedAt: null,
			drift: []
		}),
		...runs.map((run) =>
			column(run.result, category, 'scenario', {
				id: run.scenario.id,
				name: run.scenario.name,
				version: run.scenario.version,
				savedBy: run.scenario.savedBy,
				savedAt: run.scenario.savedAt,
				drift: run.drift
			})
		)
	];
	const base = columns[0]!;
	const names = new Map(empty.pdus.map((r) => [r.pdu, r.pduName]));
	const regionOf = new Map(run0Pdus(empty).map((p) => [p.pdu, p.regionCode]));
	const regionNames = new Map(
		(await db.selectFrom('regions').select(['code', 'name']).execute()).map((r) => [r.code, r.name])
	);
	const differences = Object.keys(base.places)
		.filter((pdu) =>
			columns
				.slice(1)
				.some((c) => c.places[pdu] !== base.places[pdu] || c.gap[pdu] !== base.gap[pdu])
		)
		.map((pdu) => ({
			pdu,
			pduName: names.get(pdu) ?? pdu,
			regionName: regionNames.get(regionOf.get(pdu) ?? '') ?? ''
		}))
		.sort((a, b) => a.regionName.localeCompare(b.regionName) || a.pduName.localeCompare(b.pduName));
	return { category, columns, differences, datasetVersions: empty.datasetVersions };
}

function run0Pdus(result: ScenarioResult) {
	return result.pdus.filter((r) => r.category === CRS_CATEGORIES[0] && r.subgroup === 'all');
}
