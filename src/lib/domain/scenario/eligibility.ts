import type { CrsCategory } from '../categories';
import type { LotOrganisation, ScenarioOrganisation } from './types';

/** The rules one lot is let under. */
export interface LotRules {
	category: CrsCategory;
	/** £ a year */
	annualValueGbp: number;
	turnoverMultiple: number;
	dfRegistrationRequired: boolean;
	consortiaAllowed: boolean;
	maxConsortiumSize: number;
	/**
	 * For a set-aside lot: who may lead it (true / false / null = not known). Consortium partners
	 * need not pass it, as a set-aside restricts the lead, not the supply chain.
	 */
	leadRestriction: ((org: ScenarioOrganisation) => boolean | null) | null;
}

export interface LotEligibility {
	turnoverThresholdGbp: number;
	eligible: LotOrganisation[];
	notKnown: { id: number; name: string; missing: string[] }[];
	ineligible: number;
	potentialBids: number;
}

/**
 * Who could lead a bid for a lot, from what is known about each candidate organisation.
 *
 * - Dynamic Framework: where registration is required, an organisation must be registered for the
 *   category; not known when its registration is not recorded.
 * - Financial standing: known annual income ≥ turnover multiple × lot value ("alone"). Where
 *   consortia are allowed, an organisation may instead lead a consortium of up to N organisations
 *   whose combined known income passes the test; it qualifies when its income plus the N − 1
 *   largest incomes among the other qualified candidates passes ("consortium").
 * - An income that is not recorded makes the organisation "not known": never guessed either way.
 * - Potential bids: each organisation eligible alone is one bid; then consortia are formed
 *   greedily from the rest (the largest remaining lead joins the largest remaining partners until
 *   the combined income passes, up to N); each one formed is one more bid.
 *
 * Raising the turnover multiple or the lot value can only shrink the eligible list.
 */
export function assessLot(
	candidates: readonly ScenarioOrganisation[],
	rules: LotRules
): LotEligibility {
	const threshold = rules.turnoverMultiple * rules.annualValueGbp;
	const notKnown: LotEligibility['notKnown'] = [];
	let ineligible = 0;
	/** organisations that pass the registration test and have a known income: possible partners */
	const members: { org: ScenarioOrganisation; income: number; canLead: boolean }[] = [];
	for (const org of candidates) {
		const missing: string[] = [];
		let fails = false;
		if (rules.dfRegistrationRequired) {
			if (org.dfRegistered === null) missing.push('Dynamic Framework registration');
			else if (!org.dfRegistered || !org.dfCategories.includes(rules.category)) fails = true;
		}
		const lead = rules.leadRestriction ? rules.leadRestriction(org) : true;
		if (fails) {
			ineligible += 1;
			continue;
		}
		if (org.annualIncomeGbp === null) missing.push('annual income');
		if (missing.length > 0) {
			notKnown.push({ id: org.id, name: org.name, missing });
			continue;
		}
		members.push({ org, income: org.annualIncomeGbp!, canLead: lead === true });
		if (lead === null)
			notKnown.push({ id: org.id, name: org.name, missing: ['"by and for" status'] });
	}
	members.sort((a, b) => b.income - a.income || a.org.id - b.org.id);

	const eligible: LotOrganisation[] = [];
	const aloneIds = new Set<number>();
	const n = Math.max(1, Math.floor(rules.maxConsortiumSize));
	// The best consortium an organisation can lead: itself and the n − 1 largest other incomes.
	const topN = members.slice(0, n).reduce((s, m) => s + m.income, 0);
	members.forEach((m, rank) => {
		if (!m.canLead) return;
		if (m.income >= threshold) {
			eligible.push({ id: m.org.id, name: m.org.name, via: 'alone' });
			aloneIds.add(m.org.id);
			return;
		}
		if (!rules.consortiaAllowed || n < 2) return;
		const best = rank < n ? topN : topN - members[n - 1]!.income + m.income;
		if (best >= threshold) eligible.push({ id: m.org.id, name: m.org.name, via: 'consortium' });
	});

	let potentialBids = aloneIds.size;
	if (rules.consortiaAllowed && n >= 2) {
		const pool = members.filter((m) => !aloneIds.has(m.org.id));
		const used = new Set<number>();
		for (const lead of pool) {
			if (!lead.canLead || used.has(lead.org.id)) continue;
			let sum = lead.income;
			const group = [lead.org.id];
			for (const p of pool) {
				if (sum >= threshold || group.length >= n) break;
				if (p === lead || used.has(p.org.id)) continue;
				sum += p.income;
				group.push(p.org.id);
			}
			// A smaller lead with the same partners could not pass either.
			if (sum < threshold) break;
			for (const id of group) used.add(id);
			potentialBids += 1;
		}
	}
	eligible.sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id);
	return {
		turnoverThresholdGbp: threshold,
		eligible,
		notKnown,
		ineligible,
		potentialBids
	};
}
