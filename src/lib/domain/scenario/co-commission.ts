import type { CrsCategory } from '../categories';
import type { CoverageService, GapRow } from '../coverage';
import { SUBGROUP_DEFINITIONS, type Subgroup } from '../subgroups';
import type { ScenarioAssumptions } from './assumptions';
import type { AddedService, ScenarioBase } from './base';
import type { Explainer } from './explain';
import { explainId } from './ids';
import { splitPennies } from './money';
import type { Partner } from './schema';
import type { CannotFix, CoCommissionPduRow, FundingByPartner, PartnerShare } from './types';

export interface PartnerInput {
	changeId: string;
	partnerIndex: number;
	partner: Partner;
}

export interface CoCommissionOutcome {
	/** the new places as services for the gap model, by category */
	added: Map<CrsCategory, AddedService[]>;
	/** synthetic service reference → the explanation id of its places */
	refs: Map<string, string>;
	pduRows: CoCommissionPduRow[];
	funding: FundingByPartner[];
	cannotFix: CannotFix[];
}

/** Below this many people a gap counts as closed (floating-point dust). */
const EPSILON = 1e-9;

export const CO_COMMISSION_RULE =
	'Each partner’s £ a year buys places at the category’s unit cost. The £ is shared across the PDUs of the partner’s area in proportion to each PDU’s unmet need (gap) for the category and subgroup, after any re-let in the same scenario, in whole pennies by largest remainder. PDUs with no gap, with need not known, or with no provider in reach get none and are listed as cannot fix. Partners paying into the same PDU, category and subgroup pool their places; each pays its £ and owns that share of the places.';

/**
 * Co-commissioning: partners pool £ a year for a category (optionally ring-fenced to a subgroup)
 * in an area. See CO_COMMISSION_RULE. All partners are shared against the same gaps (those left by
 * any re-let), so the order they are given in does not matter.
 */
export function allocateCoCommission(
	base: ScenarioBase,
	partners: readonly PartnerInput[],
	gapRowsFor: (category: CrsCategory, subgroup: Subgroup) => readonly GapRow[],
	a: ScenarioAssumptions,
	explain: Explainer,
	warnings: string[]
): CoCommissionOutcome {
	const pdus = base.baseline.pdus;
	interface Pool {
		category: CrsCategory;
		subgroup: Subgroup;
		i: number;
		gapBefore: number;
		gbp: number;
		places: number;
		partners: PartnerShare[];
	}
	const pools = new Map<string, Pool>();
	const cannot = new Map<string, CannotFix>();
	const funding: FundingByPartner[] = [];
	const ringFenceWarned = new Set<Subgroup>();

	for (const { changeId, partnerIndex, partner } of partners) {
		const subgroup = partner.subgroup ?? 'all';
		const { category } = partner;
		const area = resolveArea(base, partner, changeId, warnings);
		const unitCost = a.unitCostGbp[category];
		const id = (f: string) => explainId.partner(changeId, partnerIndex, f);
		const row: FundingByPartner = {
			changeId,
			partnerIndex,
			name: partner.name,
			kind: partner.kind,
			category,
			subgroup,
			area: { type: area.type, codes: area.codes, label: area.label },
			annualGbp: partner.annualGbp,
			allocatedGbp: 0,
			unallocatedGbp: partner.annualGbp,
			places: 0,
			gapClosingPlaces: 0,
			gbpPerPlace: null,
			gbpPerGapClosingPlace: null,
			pdus: []
		};
		funding.push(row);
		if (partner.annualGbp > 0 && area.indexes.length > 0) {
			if (
				subgroup !== 'all' &&
				!SUBGROUP_DEFINITIONS[subgroup].sex &&
				SUBGROUP_DEFINITIONS[subgroup].minAge === undefined &&
				!ringFenceWarned.has(subgroup)
			) {
				ringFenceWarned.add(subgroup);
				warnings.push(
					`Places ring-fenced for ${SUBGROUP_DEFINITIONS[subgroup].label.toLowerCase()} are shared by that group's gap, but the gap model records no eligibility rule for the group, so they count as open to everyone.`
				);
			}
			const rows = gapRowsFor(category, subgroup);
			const reach = base.providerInReach.get(category)!;
			const fixable: number[] = [];
			for (const i of area.indexes) {
				const r = rows[i]!;
				const reason = cannotFixReason(r, reach[i] === 1, subgroup);
				if (!reason) {
					fixable.push(i);
					continue;
				}
				const key = `${r.pdu}|${category}|${subgroup}`;
				const entry = cannot.get(key) ?? {
					pdu: r.pdu,
					pduName: r.pduName,
					category,
					subgroup,
					reason: reason.reason,
					detail: reason.detail,
					partners: []
				};
				entry.partners.push({ changeId, partner: partner.name });
				cannot.set(key, entry);
			}
			if (fixable.length === 0)
				warnings.push(
					`${changeId}: ${partner.name}'s £${partner.annualGbp.toLocaleString('en-GB')} a year cannot be spent: no PDU in ${area.label} has a known gap in ${category} with a provider in reach.`
				);
			else {
				const split = splitPennies(
					partner.annualGbp,
					fixable.map((i) => rows[i]!.gap!)
				);
				fixable.forEach((i, k) => {
					const gbp = split[k]!;
					if (gbp <= 0) return;
					const places = gbp / unitCost;
					const key = `${category}|${subgroup}|${i}`;
					const pool = pools.get(key) ?? {
						category,
						subgroup,
						i,
						gapBefore: rows[i]!.gap!,
						gbp: 0,
						places: 0,
						partners: []
					};
					pool.gbp += gbp;
					pool.places += places;
					pool.partners.push({
						changeId,
						partnerIndex,
						partner: partner.name,
						gbp,
						places,
						share: 0
					});
					pools.set(key, pool);
					row.allocatedGbp += gbp;
					row.places += places;
					row.pdus.push({ pdu: pdus[i]!.code, pduName: pdus[i]!.name, gbp, places, share: 0 });
				});
				row.unallocatedGbp = Math.max(
					0,
					Math.round((partner.annualGbp - row.allocatedGbp) * 100) / 100
				);
			}
		}
		explain.add(
			id('annualGbp'),
			`${partner.name}: £ a year put in`,
			partner.annualGbp,
			'GBP a year',
			'as given in the change',
			[
				{ name: 'area', value: area.label },
				{ name: 'category', value: category },
				{ name: 'subgroup', value: subgroup }
			]
		);
		explain.add(
			id('allocatedGbp'),
			`${partner.name}: £ a year spent on places`,
			row.allocatedGbp,
			'GBP a year',
			CO_COMMISSION_RULE,
			row.pdus.map((p) => ({ name: p.pduName, value: p.gbp, ref: id(`pdu.${p.pdu}`) }))
		);
		explain.add(
			id('unallocatedGbp'),
			`${partner.name}: £ a year no PDU in the area could use`,
			row.unallocatedGbp,
			'GBP a year',
			'£ a year put in − £ a year spent on places',
			[
				{ name: 'put in', value: partner.annualGbp, ref: id('annualGbp') },
				{ name: 'spent', value: row.allocatedGbp, ref: id('allocatedGbp') }
			]
		);
		explain.add(
			id('places'),
			`${partner.name}: places a year bought`,
			row.places,
			'places',
			'£ a year spent ÷ unit cost for the category',
			[
				{ name: '£ a year spent', value: row.allocatedGbp, ref: id('allocatedGbp') },
				{ name: 'unit cost', value: unitCost, ref: explainId.assumption(`unitCostGbp.${category}`) }
			],
			[`unitCostGbp.${category}`]
		);
	}

	const pduRows: CoCommissionPduRow[] = [];
	const added = new Map<CrsCategory, AddedService[]>();
	const refs = new Map<string, string>();
	for (const pool of pools.values()) {
		const pdu = pdus[pool.i]!;
		const gapClosingPlaces = Math.min(pool.places, pool.gapBefore);
		for (const p of pool.partners) p.share = pool.gbp > 0 ? p.gbp / pool.gbp : 0;
		const row: CoCommissionPduRow = {
			pdu: pdu.code,
			pduName: pdu.name,
			regionCode: pdu.regionCode,
			category: pool.category,
			subgroup: pool.subgroup,
			gapBefore: pool.gapBefore,
			gbp: pool.gbp,
			placesGained: pool.places,
			gapClosingPlaces,
			gapAfter: Math.max(0, pool.gapBefore - pool.places),
			partners: pool.partners
		};
		pduRows.push(row);
		const id = (f: string) => explainId.coCommission(pdu.code, pool.category, pool.subgroup, f);
		const partnerInputs = pool.partners.map((p) => ({
			name: p.partner,
			value: p.gbp,
			ref: explainId.partner(p.changeId, p.partnerIndex, `pdu.${pdu.code}`)
		}));
		explain.add(
			id('gapBefore'),
			`Gap in ${pdu.name} the money was shared against`,
			pool.gapBefore,
			'people',
			'the gap for the category and subgroup after any re-let in this scenario (need − places, floored at 0)',
			[{ name: 'gap', value: pool.gapBefore }],
			['planningDate', `unitCostGbp.${pool.category}`]
		);
		explain.add(
			id('gbp'),
			`Partners’ £ a year for new places in ${pdu.name}`,
			pool.gbp,
			'GBP a year',
			'Σ over partners of the £ each puts into this PDU',
			partnerInputs
		);
		explain.add(
			id('placesGained'),
			`New places a year in ${pdu.name}`,
			pool.places,
			'places',
			'Σ over partners of (their £ here ÷ unit cost)',
			partnerInputs,
			[`unitCostGbp.${pool.category}`]
		);
		explain.add(
			id('gapClosingPlaces'),
			`New places in ${pdu.name} that close a gap`,
			gapClosingPlaces,
			'places',
			'min(new places, gap before)',
			[
				{ name: 'new places', value: pool.places, ref: id('placesGained') },
				{ name: 'gap before', value: pool.gapBefore, ref: id('gapBefore') }
			]
		);
		explain.add(
			id('gapAfter'),
			`Gap in ${pdu.name} after the new places`,
			row.gapAfter,
			'people',
			'max(0, gap before − new places)',
			[
				{ name: 'gap before', value: pool.gapBefore, ref: id('gapBefore') },
				{ name: 'new places', value: pool.places, ref: id('placesGained') }
			]
		);
		const reference = `scenario:co-commission:${pool.category}:${pool.subgroup}:${pdu.code}`;
		refs.set(reference, id('placesGained'));
		const list = added.get(pool.category) ?? [];
		list.push({
			service: ringFencedService(
				reference,
				pdu.code,
				pdu.regionCode,
				pool.category,
				pool.subgroup,
				pool.places
			),
			pduIndexes: [pool.i]
		});
		added.set(pool.category, list);
	}

	// Each partner's share of each PDU's places, and the places that close a gap.
	const byPool = new Map(pduRows.map((r) => [`${r.category}|${r.subgroup}|${r.pdu}`, r]));
	for (const row of funding) {
		for (const p of row.pdus) {
			const pool = byPool.get(`${row.category}|${row.subgroup}|${p.pdu}`)!;
			p.share = pool.gbp > 0 ? p.gbp / pool.gbp : 0;
			row.gapClosingPlaces += p.share * pool.gapClosingPlaces;
			explain.add(
				explainId.partner(row.changeId, row.partnerIndex, `pdu.${p.pdu}`),
				`${row.name}: £ a year for places in ${p.pduName}`,
				p.gbp,
				'GBP a year',
				'partner’s £ a year × (PDU gap ÷ Σ gaps of the PDUs in the area that can use it), in pennies by largest remainder; places = £ ÷ unit cost; share = this partner’s £ ÷ all partners’ £ for the PDU',
				[
					{ name: 'places', value: p.places },
					{ name: 'share of the PDU’s new places', value: p.share },
					{
						name: 'PDU gap before',
						value: pool.gapBefore,
						ref: explainId.coCommission(p.pdu, row.category, row.subgroup, 'gapBefore')
					}
				],
				[`unitCostGbp.${row.category}`]
			);
		}
		row.gbpPerPlace = row.places > EPSILON ? row.allocatedGbp / row.places : null;
		row.gbpPerGapClosingPlace =
			row.gapClosingPlaces > EPSILON ? row.allocatedGbp / row.gapClosingPlaces : null;
		const id = (f: string) => explainId.partner(row.changeId, row.partnerIndex, f);
		explain.add(
			id('gapClosingPlaces'),
			`${row.name}: its share of the new places that close a gap`,
			row.gapClosingPlaces,
			'places',
			'Σ over PDUs of (partner’s share of the PDU’s new places × min(new places, gap before))',
			row.pdus.map((p) => ({
				name: p.pduName,
				value: p.share,
				ref: explainId.coCommission(p.pdu, row.category, row.subgroup, 'gapClosingPlaces')
			}))
		);
		explain.add(
			id('gbpPerPlace'),
			`${row.name}: £ per place bought`,
			row.gbpPerPlace,
			'GBP',
			'£ a year spent ÷ places bought (all places, whether or not they close a gap)',
			[
				{ name: '£ a year spent', value: row.allocatedGbp, ref: id('allocatedGbp') },
				{ name: 'places', value: row.places, ref: id('places') }
			]
		);
		explain.add(
			id('gbpPerGapClosingPlace'),
			`${row.name}: £ per place that closes a gap`,
			row.gbpPerGapClosingPlace,
			'GBP',
			'£ a year spent ÷ its share of the new places that close a gap (places beyond a PDU’s gap are not counted)',
			[
				{ name: '£ a year spent', value: row.allocatedGbp, ref: id('allocatedGbp') },
				{ name: 'gap-closing places', value: row.gapClosingPlaces, ref: id('gapClosingPlaces') }
			]
		);
	}
	return { added, refs, pduRows, funding, cannotFix: [...cannot.values()] };
}

function cannotFixReason(
	row: GapRow,
	providerInReach: boolean,
	subgroup: Subgroup
): { reason: CannotFix['reason']; detail: string } | null {
	if (row.gap === null)
		return {
			reason: 'need-unknown',
			detail:
				row.needShare === null
					? `No need share is published for ${row.category}, so the need and gap are not known.`
					: `No share of the caseload is known for ${SUBGROUP_DEFINITIONS[subgroup].label.toLowerCase()}, so their need is not known.`
		};
	if (!providerInReach)
		return {
			reason: 'no-provider-in-reach',
			detail: `No service or known organisation delivers ${row.category} in reach of this PDU, so money alone buys no places.`
		};
	if (row.gap <= EPSILON)
		return {
			reason: 'no-gap',
			detail: 'Reachable places already meet the need: there is no gap to close.'
		};
	return null;
}

function resolveArea(
	base: ScenarioBase,
	partner: Partner,
	changeId: string,
	warnings: string[]
): { type: FundingByPartner['area']['type']; codes: string[]; label: string; indexes: number[] } {
	const area = partner.area;
	if ('region' in area) {
		const indexes = base.regionPdus.get(area.region) ?? [];
		if (!indexes.length)
			warnings.push(`${changeId}: ${partner.name}: region ${area.region} is not in the baseline.`);
		return {
			type: 'region',
			codes: [area.region],
			label: base.regionNames.get(area.region) ?? area.region,
			indexes: [...indexes]
		};
	}
	if ('pccArea' in area) {
		const indexes = base.pccPdus.get(area.pccArea) ?? [];
		if (!indexes.length)
			warnings.push(
				`${changeId}: ${partner.name}: PCC area ${area.pccArea} is not in the baseline.`
			);
		return {
			type: 'pcc-area',
			codes: [area.pccArea],
			label: `${base.pccNames.get(area.pccArea) ?? area.pccArea} PCC area`,
			indexes: [...indexes]
		};
	}
	const indexes: number[] = [];
	for (const code of new Set(area.pdus)) {
		const i = base.pduIndex.get(code);
		if (i === undefined)
			warnings.push(`${changeId}: ${partner.name}: PDU ${code} is not in the baseline.`);
		else indexes.push(i);
	}
	indexes.sort((x, y) => x - y);
	return {
		type: 'pdus',
		codes: [...new Set(area.pdus)],
		label: `${indexes.length} named PDU${indexes.length === 1 ? '' : 's'}`,
		indexes
	};
}

/** The new places in one PDU as a service the gap model counts, open only to the ring-fenced group. */
function ringFencedService(
	reference: string,
	pdu: string,
	regionCode: string,
	category: CrsCategory,
	subgroup: Subgroup,
	places: number
): CoverageService {
	const def = SUBGROUP_DEFINITIONS[subgroup];
	return {
		reference,
		name: `Co-commissioned places (${category}${subgroup === 'all' ? '' : `, ${def.label.toLowerCase()}`})`,
		recordType: 'scenario-co-commission',
		leadProvider: null,
		categories: [category],
		lotLevel: 'pdu',
		regionCode,
		pccAreas: [],
		pduCodes: [pdu],
		sex: def.sex ?? 'any',
		minAge: def.minAge ?? null,
		maxAge: def.maxAge ?? null,
		startDate: null,
		endDate: null,
		referralFrom: null,
		referralUntil: null,
		annualValueGbp: null,
		placesPerYear: places,
		linkedReferences: []
	};
}
