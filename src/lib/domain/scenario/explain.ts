import type { ExplainEntry, ExplainInput, ExplainUnit } from './types';

/**
 * Collects explanation entries for one run, in a deterministic order; every entry names the run's
 * dataset versions. A list, not an object keyed by id: a national run with every subgroup has about
 * 28,000 entries, and building an object with that many keys costs more than the rest of the run.
 */
export class Explainer {
	readonly entries: ExplainEntry[] = [];
	constructor(readonly datasetVersions: Record<string, number>) {}

	add(
		id: string,
		label: string,
		value: number | null,
		unit: ExplainUnit,
		formula: string,
		inputs: ExplainInput[],
		assumptions: string[] = []
	): string {
		this.entries.push({
			id,
			label,
			value,
			unit,
			formula,
			inputs,
			assumptions,
			datasetVersions: this.datasetVersions
		});
		return id;
	}
}

/** The explanations of a result by id, for look-ups (build once, e.g. in a `$derived`). */
export function indexExplanations(entries: readonly ExplainEntry[]): Map<string, ExplainEntry> {
	return new Map(entries.map((e) => [e.id, e]));
}
