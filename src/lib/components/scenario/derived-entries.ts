import { CRS_CATEGORIES, type CrsCategory } from '$lib/domain/categories';
import { explainId, type ExplainEntry, type ScenarioResult } from '$lib/domain/scenario';
import { SUBGROUPS, type Subgroup } from '$lib/domain/subgroups';
import { extraPlaceCost } from './extra-place';

/**
 * Explanations for the numbers the studio shows that the model does not name: differences, a
 * PDU's need, £ per extra place. Each is worked out from the model's own entries, on demand, and
 * links to them. Ids start with "studio:".
 */
export const studioId = {
	pduNeed: (pdu: string, category: CrsCategory, subgroup: Subgroup) =>
		`studio:pdu:${pdu}:${category}:${subgroup}:need`,
	pduGapChange: (pdu: string, category: CrsCategory, subgroup: Subgroup) =>
		`studio:pdu:${pdu}:${category}:${subgroup}:gapChange`,
	headlineChange: (field: 'needCount' | 'coverage', category: CrsCategory | null) =>
		`studio:headline:${category ?? 'all'}:${field}Change`
};

const isCategory = (c: string | undefined): c is CrsCategory =>
	(CRS_CATEGORIES as readonly string[]).includes(c ?? '');
const isSubgroup = (s: string | undefined): s is Subgroup =>
	(SUBGROUPS as readonly string[]).includes(s ?? '');

function difference(
	id: string,
	label: string,
	unit: ExplainEntry['unit'],
	scenario: ExplainEntry | undefined,
	baseline: ExplainEntry | undefined,
	note: string
): ExplainEntry | undefined {
	if (!scenario || !baseline) return undefined;
	const value =
		scenario.value === null || baseline.value === null ? null : scenario.value - baseline.value;
	return {
		id,
		label,
		value,
		unit,
		formula: `scenario − baseline${note}`,
		inputs: [
			{ name: 'scenario', value: scenario.value, ref: scenario.id },
			{ name: 'baseline', value: baseline.value, ref: baseline.id }
		],
		assumptions: [],
		datasetVersions: scenario.datasetVersions
	};
}

/** The studio's explanation for an id, or undefined when it is not one of its own. */
export function derivedEntry(
	result: ScenarioResult,
	entries: ReadonlyMap<string, ExplainEntry>,
	id: string
): ExplainEntry | undefined {
	const parts = id.split(':');
	if (parts[0] !== 'studio') return undefined;
	if (parts[1] === 'pdu') {
		const [, , pdu, category, subgroup, field] = parts;
		if (!pdu || !isCategory(category) || !isSubgroup(subgroup)) return undefined;
		const base = entries.get(explainId.pdu(pdu, category, subgroup, 'baseline', 'gap'));
		const scen = entries.get(explainId.pdu(pdu, category, subgroup, 'scenario', 'gap'));
		const place = base?.label.replace(/^Baseline gap, /, '') ?? pdu;
		if (field === 'gapChange')
			return difference(
				id,
				`Change in gap, ${place}`,
				'people',
				scen,
				base,
				' (negative: the gap closes)'
			);
		if (field !== 'need' || !base) return undefined;
		return {
			id,
			label: `People with the need, ${place}`,
			value: (base.inputs.find((i) => i.name === 'need')?.value as number | null) ?? null,
			unit: 'people',
			formula:
				'caseload × need share × subgroup share (not known when either share is not published)',
			inputs: base.inputs.filter((i) => i.name !== 'need' && i.ref === undefined),
			assumptions: base.assumptions.filter((a) => a.startsWith('subgroupShares')),
			datasetVersions: base.datasetVersions
		};
	}
	if (parts[1] === 'headline') {
		const category = parts[2] === 'all' ? null : parts[2];
		if (category !== null && !isCategory(category)) return undefined;
		const field =
			parts[3] === 'needCountChange'
				? 'needCount'
				: parts[3] === 'coverageChange'
					? 'coverage'
					: null;
		if (field) {
			const scope = category ?? 'all categories';
			return difference(
				id,
				`Change in ${field === 'needCount' ? 'people with the need' : 'coverage'}, ${scope}`,
				field === 'needCount' ? 'people' : 'share',
				entries.get(explainId.headline(`scenario.${field}`, category)),
				entries.get(explainId.headline(`baseline.${field}`, category)),
				''
			);
		}
	}
	const [, scope, field] = parts;
	if (field === 'gbpPerExtraPlace' && (scope === 'all' || isCategory(scope)))
		return extraPlaceCost(result, scope === 'all' ? null : scope);
	return undefined;
}
