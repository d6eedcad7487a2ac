import { changeIdOf, type ScenarioChange } from '$lib/domain/scenario';
import { stableJson, type Draft } from './draft';

const same = (a: unknown, b: unknown) => stableJson(a) === stableJson(b);

const FIELD_NAMES: Record<string, string> = {
	partners: 'partners',
	region: 'region',
	category: 'category',
	lotGeography: 'lot geography',
	mechanism: 'mechanism',
	termYears: 'term',
	annualGbp: '£ a year',
	eligibility: 'eligibility',
	consortiaAllowed: 'consortia',
	subcontractingAllowed: 'subcontracting',
	commissionerCostPerLotGbp: 'commissioner’s cost per lot',
	bidderCostPerBidGbp: 'bidder’s cost per bid',
	setAsidePercent: 'set-aside',
	setAsideFor: 'set-aside for',
	grantRouteUnderGbp: 'grant route',
	capacityBuildingFundGbp: 'capacity-building fund',
	maxLotGbp: 'largest lot',
	name: 'name',
	kind: 'kind',
	area: 'area',
	subgroup: 'ring-fence'
};

/** A change in words, e.g. "Re-let of Accommodation in North East". */
export function describeChange(change: ScenarioChange, regionName: (code: string) => string) {
	if (change.type === 'co-commission')
		return `Co-commissioning (${change.partners.map((p) => p.name).join(', ')})`;
	const where = `${change.category} in ${regionName(change.region)}`;
	return change.type === 'relet' ? `Re-let of ${where}` : `Smaller-provider inclusion for ${where}`;
}

function differingFields(a: object, b: object): string[] {
	const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => k !== 'id');
	return keys
		.filter((k) => !same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
		.map((k) => FIELD_NAMES[k] ?? k);
}

function partnerDifferences(
	theirs: Extract<ScenarioChange, { type: 'co-commission' }>,
	mine: Extract<ScenarioChange, { type: 'co-commission' }>
): string[] {
	const out: string[] = [];
	const n = Math.max(theirs.partners.length, mine.partners.length);
	for (let i = 0; i < n; i++) {
		const t = theirs.partners[i];
		const m = mine.partners[i];
		if (!t) out.push(`you added partner ${i + 1} (${m!.name})`);
		else if (!m) out.push(`they have partner ${i + 1} (${t.name}), you do not`);
		else {
			const fields = differingFields(t, m);
			if (fields.length) out.push(`partner ${i + 1} (${m.name}): ${fields.join(', ')}`);
		}
	}
	return out;
}

/**
 * How someone else's saved version differs from mine, in words, one line per difference: name,
 * description, each change (matched by id) and each assumption. Empty when they are the same.
 */
export function describeDifferences(
	theirs: Draft,
	mine: Draft,
	regionName: (code: string) => string = (code) => code
): string[] {
	const lines: string[] = [];
	if (theirs.name.trim() !== mine.name.trim())
		lines.push(`Name: theirs is “${theirs.name}”, yours is “${mine.name}”`);
	if (theirs.description.trim() !== mine.description.trim()) lines.push('Description differs');

	const byId = (changes: ScenarioChange[]) =>
		new Map(changes.map((c, i) => [changeIdOf(c, i), c] as const));
	const t = byId(theirs.changes);
	const m = byId(mine.changes);
	for (const [id, change] of t) {
		const other = m.get(id);
		const label = describeChange(change, regionName);
		if (!other) lines.push(`${label}: in their version only`);
		else if (other.type !== change.type)
			lines.push(`${label}: yours is ${describeChange(other, regionName)}`);
		else if (!same(change, other)) {
			const details =
				change.type === 'co-commission' && other.type === 'co-commission'
					? partnerDifferences(change, other)
					: differingFields(change, other);
			lines.push(`${label}: ${details.join('; ')} differ${details.length === 1 ? 's' : ''}`);
		}
	}
	for (const [id, change] of m)
		if (!t.has(id)) lines.push(`${describeChange(change, regionName)}: in your version only`);

	const keys = [
		...new Set([...Object.keys(theirs.assumptions), ...Object.keys(mine.assumptions)])
	].sort();
	for (const key of keys) {
		const a = (theirs.assumptions as Record<string, unknown>)[key];
		const b = (mine.assumptions as Record<string, unknown>)[key];
		if (!same(a, b)) lines.push(`Assumption “${key}” differs`);
	}
	return lines;
}
