import type { CrsCategory } from './categories';
import type { Provenance } from './provenance';

/** A PDU's weight for apportioning a national total (people, usually Census 2021 residents). */
export interface ApportionWeight {
	key: string;
	weight: number;
}

/**
 * Split a whole-number total across keys in proportion to their weights, rounding with the
 * largest-remainder (Hamilton) method so the parts are whole people and add up to the total exactly.
 * Ties in remainder go to the larger weight, then to the key in alphabetical order, so the result
 * does not depend on input order.
 */
export function apportionTotal(
	total: number,
	weights: readonly ApportionWeight[]
): Map<string, number> {
	if (!Number.isInteger(total) || total < 0)
		throw new RangeError(`total must be a whole number ≥ 0, got ${total}`);
	const sum = weights.reduce((acc, w) => {
		if (!(w.weight >= 0) || !Number.isFinite(w.weight))
			throw new RangeError(`weight for ${w.key} must be ≥ 0`);
		return acc + w.weight;
	}, 0);
	const result = new Map<string, number>();
	if (weights.length === 0) return result;
	if (sum === 0) throw new RangeError('weights sum to zero: nothing to apportion by');
	const parts = weights.map((w) => {
		const exact = (total * w.weight) / sum;
		const floor = Math.floor(exact);
		return { key: w.key, weight: w.weight, floor, remainder: exact - floor };
	});
	let left = total - parts.reduce((acc, p) => acc + p.floor, 0);
	const order = [...parts].sort(
		(a, b) => b.remainder - a.remainder || b.weight - a.weight || a.key.localeCompare(b.key)
	);
	for (const part of order) {
		if (left <= 0) break;
		part.floor += 1;
		left -= 1;
	}
	for (const part of parts) result.set(part.key, part.floor);
	return result;
}

/** A local authority district's population and the PDUs it belongs to (two where it is split). */
export interface LadPopulation {
	ladCode: string;
	population: number;
	pduCodes: readonly string[];
}

/**
 * Population per PDU from its local authority districts. A district split between PDUs has its
 * population divided equally between them, because the dividing lines are not published.
 */
export function pduPopulations(lads: readonly LadPopulation[]): Map<string, number> {
	const totals = new Map<string, number>();
	for (const lad of lads) {
		if (lad.pduCodes.length === 0) continue;
		const share = lad.population / lad.pduCodes.length;
		for (const pdu of lad.pduCodes) totals.set(pdu, (totals.get(pdu) ?? 0) + share);
	}
	return totals;
}

/** A share of people on probation with an identified need, for one CRS category. */
export interface NeedShare {
	category: CrsCategory;
	/** 0–1 */
	share: number;
	/** The OASys need area the share measures, e.g. "alcohol misuse". */
	measure: string;
	provenance: Provenance;
	note: string;
}

export interface NeedEstimate {
	category: CrsCategory;
	/** People with the need; null where no share is published for the category. */
	people: number | null;
	share: number | null;
	measure: string | null;
	note: string | null;
}

/**
 * Need count per category = caseload (people) × need share, rounded to whole people.
 * Categories without a share come back with `people: null`, never zero: "not known" is not "none".
 */
export function estimateNeeds(
	caseload: number,
	shares: readonly NeedShare[],
	categories: readonly CrsCategory[]
): NeedEstimate[] {
	return categories.map((category) => {
		const found = shares.find((s) => s.category === category);
		if (!found) return { category, people: null, share: null, measure: null, note: null };
		return {
			category,
			people: Math.round(caseload * found.share),
			share: found.share,
			measure: found.measure,
			note: found.note
		};
	});
}
