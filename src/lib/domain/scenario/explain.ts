import type { ExplainEntry, ExplainInput, ExplainUnit } from './types';

/** Collects explanation entries for one run; every entry names the run's dataset versions. */
export class Explainer {
	readonly entries: Record<string, ExplainEntry> = {};
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
		this.entries[id] = {
			id,
			label,
			value,
			unit,
			formula,
			inputs,
			assumptions,
			datasetVersions: this.datasetVersions
		};
		return id;
	}

	/** Put ready-made entries in (cached ones are shared, frozen objects). */
	addAll(entries: readonly ExplainEntry[]) {
		for (const e of entries) this.entries[e.id] = e;
	}
}
