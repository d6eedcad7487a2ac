import type { ScenarioChange } from './schema';
import { caseAndSpaceKey } from '../text';

/**
 * A partner (a PCC, local authority, NHS body or combined authority) may change its own
 * organisation's contributions to someone else's co-commissioning scenario, and nothing else in it:
 * not the other partners' money, not the re-lets or inclusion designs, not the assumptions, name or
 * description. `changesBeyondContributions` says what a save would change beyond that.
 */

/** What a save compares: the scenario as saved before, and as it would be saved now. */
export interface ScenarioDraft {
	name: string;
	description: string;
	changes: readonly ScenarioChange[];
	assumptions: unknown;
}

/** Organisation names match whatever their case and spacing ("Northumbria  pcc" is Northumbria PCC). */
export const isContributionOf = (partnerName: string, organisation: string) =>
	caseAndSpaceKey(partnerName) === caseAndSpaceKey(organisation);

interface Kept {
	key: string;
	label: string;
	change: ScenarioChange;
}

/**
 * The changes with `organisation`'s contributions taken out, and a co-commissioning change left
 * with no partner taken out whole: what the organisation may not change. Each is keyed so the same
 * change matches before and after even when a change before it was added or removed: by its id,
 * else by region and category (one re-let and one inclusion each), else as the nth
 * co-commissioning change left.
 */
function othersPart(changes: readonly ScenarioChange[], organisation: string): Kept[] {
	let coCommissions = 0;
	return changes.flatMap((change, index): Kept[] => {
		// as the studio numbers them, with the id when one was given
		const label = change.id ? `change ${index + 1}, “${change.id}”` : `change ${index + 1}`;
		if (change.type !== 'co-commission')
			return [
				{ key: change.id ?? `${change.type}|${change.region}|${change.category}`, label, change }
			];
		const partners = change.partners.filter((p) => !isContributionOf(p.name, organisation));
		if (!partners.length) return [];
		const key = change.id ?? `co-commission#${++coCommissions}`;
		return [
			{
				key,
				label,
				change: partners.length === change.partners.length ? change : { ...change, partners }
			}
		];
	});
}

/** JSON with object keys sorted, so two equal values compare equal whatever their key order. */
function canonical(value: unknown): string {
	return JSON.stringify(value, (_key, v: unknown) =>
		v && typeof v === 'object' && !Array.isArray(v)
			? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
			: v
	);
}

function describeChange(change: ScenarioChange, label: string): string {
	if (change.type === 'co-commission') return `other partners’ contributions (${label})`;
	const what = change.type === 'relet' ? 're-let' : 'inclusion design';
	return `the ${what} of ${change.category} in ${change.region} (${label})`;
}

/**
 * What the save from `before` to `after` changes beyond `organisation`'s contributions, each
 * described for the person saving; empty when it changes only those contributions (adding,
 * changing or removing them, in new or existing co-commissioning changes).
 */
export function changesBeyondContributions(
	before: ScenarioDraft,
	after: ScenarioDraft,
	organisation: string
): string[] {
	const found: string[] = [];
	if (before.name !== after.name) found.push('the scenario’s name');
	if (before.description !== after.description) found.push('its description');
	if (canonical(before.assumptions ?? {}) !== canonical(after.assumptions ?? {}))
		found.push('its assumptions');
	const was = othersPart(before.changes, organisation);
	const now = othersPart(after.changes, organisation);
	const nowByKey = new Map(now.map((c) => [c.key, c]));
	const wasKeys = new Set(was.map((c) => c.key));
	for (const { key, label, change } of was) {
		const kept = nowByKey.get(key);
		if (!kept) found.push(`removing ${describeChange(change, label)}`);
		else if (canonical(kept.change) !== canonical(change))
			found.push(describeChange(change, label));
	}
	for (const { key, label, change } of now)
		if (!wasKeys.has(key)) found.push(`adding ${describeChange(change, label)}`);
	const order = (list: typeof was) =>
		list.map((c) => c.key).filter((k) => nowByKey.has(k) && wasKeys.has(k));
	if (found.length === 0 && order(was).join('\n') !== order(now).join('\n'))
		found.push('the order of the changes');
	return found;
}
