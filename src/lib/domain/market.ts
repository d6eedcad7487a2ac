import { CRS_CATEGORIES, type CrsCategory } from './categories';
import type { SupplyRecord } from './supply';

/**
 * Market shape: who leads the money, how concentrated it is, and how much reaches VCSE, small,
 * "by and for" and Welsh organisations. Pure functions over plain arrays.
 *
 * Only actual spend counts: a published award (call-off) or grant with a value. Framework values are
 * potential spend and are never added to it; Refer and Monitor definitions carry no value and are
 * used only for their subcontractors. Money is £ a year (annual value), so contracts of different
 * lengths compare.
 */

export type MarketService = Pick<
	SupplyRecord,
	| 'reference'
	| 'name'
	| 'source'
	| 'recordType'
	| 'leadOrganisationId'
	| 'leadProvider'
	| 'subcontractors'
	| 'categories'
	| 'regionCode'
	| 'annualValueGbp'
	| 'totalValueGbp'
	| 'linkedReferences'
>;

/** What is known about an organisation; null everywhere means not known, never "no". */
export interface MarketOrganisation {
	id: number;
	name: string;
	/** vcse | private | public | mutual; null: not known */
	orgType: string | null;
	/** £ a year; null: not known */
	annualIncomeGbp: number | null;
	byAndFor: boolean | null;
	/** based in Wales; null: not known */
	welsh: boolean | null;
}

/**
 * The share of £ led by organisations with an attribute. `share` = £ led by organisations known to
 * have it ÷ all £; it is null (unknown), never 0, when the attribute is known for none of the £.
 * `knownShare` = £ led by organisations whose attribute is known ÷ all £; the rest is unknown, so the
 * true share lies between `share` and `share + (1 − knownShare)`.
 */
export interface AttributeShare {
	share: number | null;
	knownShare: number | null;
	/** £ a year led by organisations known to have the attribute; null when none is known */
	valueGbp: number | null;
	/** £ a year led by organisations whose attribute is known */
	knownValueGbp: number;
}

export interface LeadShare {
	/** organisation id; null when the lead is not a known organisation */
	organisationId: number | null;
	name: string;
	orgType: string | null;
	/** £ a year it leads in scope */
	valueGbp: number;
	/** £ over the published terms it leads in scope */
	totalValueGbp: number;
	/** its share of the £ a year in scope (0–1) */
	share: number;
	/** awards (lots) it leads in scope */
	lots: number;
}

export interface MarketShape {
	regionCode: string | null;
	category: CrsCategory | null;
	/** £ a year of actual awards and grants in scope */
	valueGbp: number;
	/** awards and grants with a value in scope */
	valuedCount: number;
	/** Herfindahl–Hirschman index of lead providers' shares of the £ a year: Σ (share %)², 0–10,000 */
	hhi: number | null;
	/** share of the £ a year led by the three largest leads (0–1) */
	top3Share: number | null;
	leads: LeadShare[];
	vcse: AttributeShare;
	incomeUnder1m: AttributeShare;
	incomeUnder100k: AttributeShare;
	byAndFor: AttributeShare;
	welsh: AttributeShare;
	/** distinct lead → subcontractor pairs named in Refer and Monitor definitions in scope */
	subcontractingLinks: number;
	/** distinct organisations named as a subcontractor in scope */
	subcontractors: number;
	/** Refer and Monitor definitions in scope */
	definitions: number;
	/** awards in scope, each a lot */
	lots: number;
	/** lots whose linked Refer and Monitor definitions name no subcontractor: one organisation delivers */
	singleProviderLots: number;
	/** lots with no linked Refer and Monitor definition, so whether they subcontract is not known */
	lotsSubcontractingUnknown: number;
}

/** Herfindahl–Hirschman index of values: Σ (share as a %)², 10,000 for a monopoly; null for no value. */
export function herfindahl(values: readonly number[]): number | null {
	const total = values.reduce((a, b) => a + b, 0);
	if (!(total > 0)) return null;
	return values.reduce((sum, v) => sum + ((100 * v) / total) ** 2, 0);
}

/** Share (0–1) of the total held by the `n` largest values; null for no value. */
export function topShare(values: readonly number[], n = 3): number | null {
	const total = values.reduce((a, b) => a + b, 0);
	if (!(total > 0)) return null;
	const top = [...values].sort((a, b) => b - a).slice(0, n);
	return top.reduce((a, b) => a + b, 0) / total;
}

/** The share of value whose holder has an attribute; unknown attributes stay unknown (see AttributeShare). */
export function attributeShare(
	items: readonly { valueGbp: number; has: boolean | null }[]
): AttributeShare {
	let total = 0;
	let known = 0;
	let yes = 0;
	for (const item of items) {
		total += item.valueGbp;
		if (item.has === null) continue;
		known += item.valueGbp;
		if (item.has) yes += item.valueGbp;
	}
	const anyKnown = known > 0;
	return {
		share: anyKnown && total > 0 ? yes / total : null,
		knownShare: total > 0 ? known / total : null,
		valueGbp: anyKnown ? yes : null,
		knownValueGbp: known
	};
}

/** Whether a record's value is actual spend (an award or grant), not potential (a framework). */
export function isActualSpend(service: MarketService): boolean {
	return (
		service.annualValueGbp !== null &&
		service.source !== 'dynamic-framework' &&
		(service.recordType === 'award' || service.recordType === 'grant')
	);
}

const below = (limit: number) => (o: MarketOrganisation | undefined) =>
	o?.annualIncomeGbp === null || o?.annualIncomeGbp === undefined
		? null
		: o.annualIncomeGbp < limit;

/**
 * The market shape of one scope: a region (or England and Wales for null) and a category (or all
 * for null). A service's £ a year is split evenly across its categories, so a category's figures use
 * its share. Leads are told apart by organisation id (by name when there is none).
 */
export function computeMarketShape(
	services: readonly MarketService[],
	organisations: readonly MarketOrganisation[],
	scope: { regionCode: string | null; category: CrsCategory | null }
): MarketShape {
	const orgs = new Map(organisations.map((o) => [o.id, o]));
	const inScope = services.filter(
		(s) =>
			(!scope.regionCode || s.regionCode === scope.regionCode) &&
			(!scope.category || s.categories.includes(scope.category))
	);
	const valued = inScope.filter(isActualSpend);
	const valueOf = (s: MarketService) =>
		scope.category ? s.annualValueGbp! / s.categories.length : s.annualValueGbp!;
	const totalOf = (s: MarketService) =>
		s.totalValueGbp === null
			? 0
			: scope.category
				? s.totalValueGbp / s.categories.length
				: s.totalValueGbp;
	const leadKey = (s: MarketService) =>
		s.leadOrganisationId !== null
			? `id:${s.leadOrganisationId}`
			: `name:${s.leadProvider ?? 'Lead not recorded'}`;

	const leads = new Map<string, LeadShare>();
	for (const s of valued) {
		const key = leadKey(s);
		const org = s.leadOrganisationId === null ? undefined : orgs.get(s.leadOrganisationId);
		const lead = leads.get(key) ?? {
			organisationId: s.leadOrganisationId,
			name: org?.name ?? s.leadProvider ?? 'Lead not recorded',
			orgType: org?.orgType ?? null,
			valueGbp: 0,
			totalValueGbp: 0,
			share: 0,
			lots: 0
		};
		lead.valueGbp += valueOf(s);
		lead.totalValueGbp += totalOf(s);
		if (s.recordType === 'award') lead.lots += 1;
		leads.set(key, lead);
	}
	const valueGbp = [...leads.values()].reduce((sum, l) => sum + l.valueGbp, 0);
	const leadList = [...leads.values()]
		.map((l) => ({ ...l, share: valueGbp > 0 ? l.valueGbp / valueGbp : 0 }))
		.sort((a, b) => b.valueGbp - a.valueGbp || a.name.localeCompare(b.name));
	const values = leadList.map((l) => l.valueGbp);

	const by = (attribute: (o: MarketOrganisation | undefined) => boolean | null) =>
		attributeShare(
			valued.map((s) => ({
				valueGbp: valueOf(s),
				has: attribute(s.leadOrganisationId === null ? undefined : orgs.get(s.leadOrganisationId))
			}))
		);

	const definitions = inScope.filter((s) => s.recordType === 'definition');
	const links = new Set<string>();
	const subs = new Set<number>();
	for (const d of definitions)
		for (const sub of d.subcontractors) {
			links.add(`${leadKey(d)}→${sub.id}`);
			subs.add(sub.id);
		}
	const byReference = new Map(services.map((s) => [s.reference, s]));
	const awards = inScope.filter((s) => s.recordType === 'award');
	let singleProviderLots = 0;
	let lotsSubcontractingUnknown = 0;
	for (const award of awards) {
		const linked = award.linkedReferences
			.map((ref) => byReference.get(ref))
			.filter((s): s is MarketService => s?.recordType === 'definition');
		if (linked.length === 0) lotsSubcontractingUnknown += 1;
		else if (linked.every((d) => d.subcontractors.length === 0)) singleProviderLots += 1;
	}

	return {
		regionCode: scope.regionCode,
		category: scope.category,
		valueGbp,
		valuedCount: valued.length,
		hhi: herfindahl(values),
		top3Share: topShare(values, 3),
		leads: leadList,
		vcse: by((o) =>
			o?.orgType === null || o?.orgType === undefined ? null : o.orgType === 'vcse'
		),
		incomeUnder1m: by(below(1_000_000)),
		incomeUnder100k: by(below(100_000)),
		byAndFor: by((o) => o?.byAndFor ?? null),
		welsh: by((o) => o?.welsh ?? null),
		subcontractingLinks: links.size,
		subcontractors: subs.size,
		definitions: definitions.length,
		lots: awards.length,
		singleProviderLots,
		lotsSubcontractingUnknown
	};
}

/**
 * The market shape for a choice of region and category, and the rows to compare it with: each region
 * (for England and Wales), or each category (for one region).
 */
export function computeMarket(
	services: readonly MarketService[],
	organisations: readonly MarketOrganisation[],
	choice: { regionCode: string | null; category: CrsCategory | null },
	regionCodes: readonly string[]
): { scope: MarketShape; rows: MarketShape[] } {
	const scope = computeMarketShape(services, organisations, choice);
	const rows = choice.regionCode
		? CRS_CATEGORIES.map((category) =>
				computeMarketShape(services, organisations, { regionCode: choice.regionCode, category })
			)
		: regionCodes.map((regionCode) =>
				computeMarketShape(services, organisations, { regionCode, category: choice.category })
			);
	return { scope, rows };
}

/** How the market shape is worked out, in plain words, for the API and the page. */
export const MARKET_METHOD = [
	'Money: the £ a year of published awards (call-offs) and grants, led by their lead provider (prime). Framework values are potential spend and are never added; Refer and Monitor contract definitions carry no value. A service’s £ is split evenly across its categories for the category figures.',
	'Concentration: the Herfindahl–Hirschman index (HHI) is the sum of each lead provider’s squared % share of the £ a year, from near 0 (many small leads) to 10,000 (one lead). Above 2,500 is usually called highly concentrated. Top-3 share is the £ led by the three largest leads.',
	'Shares by kind of organisation (VCSE, income under £1m or under £100k, "by and for", Welsh): the £ led by organisations known to be that kind, divided by all the £. Where an organisation’s kind is not recorded its £ is unknown, never counted as "no": the share is shown as unknown when it is known for none of the £, and otherwise with the part of the £ for which it is known. Income, "by and for" and Welsh status are not recorded for any organisation yet.',
	'Subcontracting links: distinct prime-to-subcontractor pairs named in Refer and Monitor contract definitions; the £ passed to subcontractors is not published. A lot is one award; a single-provider lot is one whose linked Refer and Monitor definitions name no subcontractor, and a lot with no linked definition is counted as not known.'
].join(' ');
