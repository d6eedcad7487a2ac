import type { ScenarioAssumptions, ScenarioBaseline } from '$lib/domain/scenario';
import type { PlaceNames } from '$lib/scenario-text';

/** Region, PCC area and PDU names from a scenario baseline. */
export function placeNames(baseline: ScenarioBaseline): PlaceNames {
	return {
		regions: new Map(baseline.regions.map((r) => [r.code, r.name])),
		pccAreas: new Map((baseline.pccAreas ?? []).map((p) => [p.id, p.name])),
		pdus: new Map(baseline.pdus.map((p) => [p.code, p.name]))
	};
}

export interface AssumptionLine {
	/** dotted path, e.g. thresholds.contract.turnoverMultiple or unitCostGbp.Accommodation */
	key: string;
	/** the key of its note in SCENARIO_ASSUMPTION_NOTES */
	noteKey: string;
	value: string | number | boolean | null;
}

/** Every assumption as one line (nested objects flattened), in a stable order, for reports and CSV. */
export function flattenAssumptions(assumptions: ScenarioAssumptions): AssumptionLine[] {
	const lines: AssumptionLine[] = [];
	const walk = (value: unknown, path: string[]) => {
		if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
			for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
			return;
		}
		const key = path.join('.');
		// Per-category and per-subgroup values share their parent's note.
		const noteKey = path[0] === 'unitCostGbp' || path[0] === 'subgroupShares' ? path[0] : key;
		lines.push({
			key,
			noteKey,
			value: Array.isArray(value)
				? value.join(', ')
				: ((value as string | number | boolean | null | undefined) ?? null)
		});
	};
	walk(assumptions, []);
	return lines;
}
