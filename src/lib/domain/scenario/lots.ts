import type { SexEligibility } from '../supply';
import type { CrsCategory } from '../categories';
import {
	computeMarketShape,
	herfindahl,
	isActualSpend,
	topShare,
	type MarketOrganisation
} from '../market';
import type { Route, ScenarioAssumptions } from './assumptions';
import type { AddedService, ScenarioBase } from './base';
import { assessLot, type LotRules } from './eligibility';
import type { Explainer } from './explain';
import { explainId } from './ids';
import { splitPennies } from './money';
import type { InclusionChange, LotGeography, ReletChange } from './schema';
import type {
	AttributeReach,
	Concentration,
	LotDesign,
	LotRow,
	LotSummary,
	MarketChange,
	ScenarioOrganisation
} from './types';

/** A re-let as designed: the re-let change itself, or the current contracts under an inclusion change. */
export interface DesignSpec {
	changeId: string;
	basis: 'relet' | 'current-spend';
	relet: ReletChange;
	inclusion: (InclusionChange & { id: string }) | null;
}

export interface DesignOutcome {
	design: LotDesign;
	market: MarketChange;
	/** references of the services the lots replace (for this category only) */
	removed: Set<string>;
	/** the lots as services for the gap model: one per geographic lot, its value ÷ unit cost */
	added: AddedService[];
	/** synthetic service reference → the explanation id of its £ a year */
	refs: Map<string, string>;
}

/** Geographic lot before splitting: PDUs (by index) and its share of the money. */
interface GeoLot {
	id: string;
	name: string;
	pduIndexes: number[];
	valueGbp: number;
}

/**
 * Which current services a re-let of a category in a region replaces: the CRS contracts (awards and
 * Refer and Monitor definitions) for the category let at region or PCC-area level in that region,
 * counted on the planning date, whatever their age range (the 2021 lots are for men aged 18 and over).
 * A multi-category contract (e.g. Personal Wellbeing) is replaced for this category only. The
 * Women's Services lot (women only) is a lot of its own and goes on, as do ROIF grants, CFO hubs and
 * other local services.
 */
export function replacedServices(base: ScenarioBase, region: string, category: CrsCategory) {
	return (base.entriesByCategory.get(category) ?? [])
		.map((e) => e.service)
		.filter(
			(s) =>
				s.regionCode === region &&
				(s.lotLevel === 'region' || s.lotLevel === 'pcc-area') &&
				(s.recordType === 'award' || s.recordType === 'definition') &&
				s.sex !== 'female'
		);
}

/**
 * Who the new lots are for: the eligibility the replaced contracts share (e.g. men aged 18 and
 * over), or everyone when they differ or there are none.
 */
function sharedEligibility(
	replaced: readonly { sex: SexEligibility; minAge: number | null; maxAge: number | null }[]
): { sex: SexEligibility; minAge: number | null; maxAge: number | null } {
	const [first] = replaced;
	const same =
		!!first &&
		replaced.every(
			(s) => s.sex === first.sex && s.minAge === first.minAge && s.maxAge === first.maxAge
		);
	return same
		? { sex: first.sex, minAge: first.minAge, maxAge: first.maxAge }
		: { sex: 'any', minAge: null, maxAge: null };
}

/**
 * Design the lots of a re-let (with any inclusion measures), judge who could bid for each, and
 * describe the services that replace the current ones. Returns null (with a warning) when the
 * region has no PDUs in the baseline.
 */
export function designLots(
	base: ScenarioBase,
	spec: DesignSpec,
	a: ScenarioAssumptions,
	explain: Explainer,
	warnings: string[]
): DesignOutcome | null {
	const { relet, inclusion, changeId } = spec;
	const { region, category } = relet;
	const regionIdx = base.regionPdus.get(region);
	if (!regionIdx) {
		warnings.push(
			`${changeId}: region ${region} has no PDUs in the baseline; the change is ignored.`
		);
		return null;
	}
	const regionName = base.regionNames.get(region) ?? region;
	const replaced = replacedServices(base, region, category);
	const removed = new Set(replaced.map((s) => s.reference));
	const eligibility = sharedEligibility(replaced);
	const currentSpendGbp = replaced.reduce(
		(sum, s) =>
			s.recordType === 'award' && s.annualValueGbp !== null
				? sum + s.annualValueGbp / s.categories.length
				: sum,
		0
	);
	const annualGbp = relet.annualGbp ?? currentSpendGbp;
	const spendId = explain.add(
		explainId.design(changeId, 'currentSpendGbp'),
		`Current £ a year for ${category} in ${regionName}`,
		currentSpendGbp,
		'GBP a year',
		'Σ over the CRS awards replaced: annual value ÷ number of categories the award covers',
		replaced
			.filter((s) => s.recordType === 'award')
			.map((s) => ({ name: `${s.name} (${s.reference})`, value: s.annualValueGbp })),
		['planningDate', 'continueWhileReferralsOpen']
	);
	explain.add(
		explainId.design(changeId, 'annualGbp'),
		`£ a year re-let for ${category} in ${regionName}`,
		annualGbp,
		'GBP a year',
		relet.annualGbp === undefined
			? 'not given, so the current £ a year of the contracts replaced'
			: 'as given in the change',
		[{ name: 'current £ a year', value: currentSpendGbp, ref: spendId }]
	);
	if (relet.annualGbp === undefined && currentSpendGbp === 0)
		warnings.push(
			`${changeId}: no current spend is recorded for ${category} in ${regionName}, and no £ was given, so the lots are worth £0.`
		);

	const needShare = base.needShares.get(category) ?? null;
	if (needShare === null)
		warnings.push(
			`${changeId}: no need share is published for ${category}, so the money is split across lots by caseload.`
		);
	const geo = geographicLots(base, spec, regionIdx, warnings);
	const weights = geo.map((g) =>
		g.pduIndexes.reduce((s, i) => s + base.baseline.pdus[i]!.caseload * (needShare ?? 1), 0)
	);
	const values = splitPennies(annualGbp, weights);
	geo.forEach((g, k) => (g.valueGbp = values[k]!));
	const totalWeight = weights.reduce((x, y) => x + y, 0);

	const candidates = base.candidates.get(`${region}|${category}`) ?? [];
	const withInclusion = buildLots(base, spec, geo, inclusion, candidates, a);
	const withoutInclusion = inclusion ? buildLots(base, spec, geo, null, candidates, a) : null;

	// Explanations for each lot.
	geo.forEach((g, k) => {
		explain.add(
			explainId.lot(changeId, g.id, 'geographicValueGbp'),
			`£ a year for ${g.name}`,
			g.valueGbp,
			'GBP a year',
			'£ a year re-let × (lot need ÷ region need), need = Σ caseload × need share over the lot’s PDUs (caseload alone where no need share is published); rounded to pennies by largest remainder so the lots add up to the total',
			[
				{ name: '£ a year re-let', value: annualGbp, ref: explainId.design(changeId, 'annualGbp') },
				{ name: 'lot need', value: weights[k]! },
				{ name: 'region need', value: totalWeight },
				{ name: 'need share', value: needShare }
			]
		);
	});
	for (const lot of withInclusion.lots) explainLot(explain, lot, a, spec);
	explainSummary(explain, changeId, withInclusion.summary, withInclusion.lots, spec);
	if (withoutInclusion)
		explainSummary(
			explain,
			changeId,
			withoutInclusion.summary,
			withoutInclusion.lots,
			spec,
			'withoutInclusion.'
		);

	const eligibleIds = new Set(withInclusion.lots.flatMap((l) => l.eligible.map((e) => e.id)));
	const notKnownIds = new Set(withInclusion.lots.flatMap((l) => l.notKnown.map((e) => e.id)));
	for (const id of eligibleIds) notKnownIds.delete(id);
	explain.add(
		explainId.design(changeId, 'eligibleOrganisations'),
		'Organisations that could lead a bid for at least one lot',
		eligibleIds.size,
		'count',
		'distinct organisations eligible (alone or leading a consortium) for any lot',
		withInclusion.lots.map((l) => ({
			name: l.name,
			value: l.eligible.length,
			ref: explainId.lot(changeId, l.id, 'eligible')
		}))
	);
	explain.add(
		explainId.design(changeId, 'notKnownOrganisations'),
		'Organisations whose eligibility is not known for any lot they are not eligible for',
		notKnownIds.size,
		'count',
		'distinct organisations not known for some lot and eligible for none',
		withInclusion.lots.map((l) => ({
			name: l.name,
			value: l.notKnown.length,
			ref: explainId.lot(changeId, l.id, 'notKnown')
		}))
	);

	const minInsuranceGbp = relet.eligibility.minInsuranceGbp ?? null;
	if (minInsuranceGbp !== null)
		warnings.push(
			`${changeId}: the insurance threshold (£${minInsuranceGbp.toLocaleString('en-GB')}) is recorded but not checked: the organisations data holds no insurance cover.`
		);
	if (candidates.length > 0 && candidates.every((o) => o.annualIncomeGbp === null))
		warnings.push(
			`${changeId}: no candidate organisation's income is recorded, so none can be shown to be eligible; every lot counts as at risk.`
		);

	const added: AddedService[] = geo
		.filter((g) => g.pduIndexes.length > 0)
		.map((g) => ({
			service: {
				reference: `scenario:${changeId}:${g.id}`,
				name: `${g.name} (${relet.mechanism === 'grant' ? 'grants' : 'contract'}, ${changeId})`,
				recordType: 'scenario-lot',
				leadProvider: null,
				categories: [category],
				lotLevel: 'pdu',
				regionCode: region,
				pccAreas: [],
				pduCodes: g.pduIndexes.map((i) => base.baseline.pdus[i]!.code),
				...eligibility,
				startDate: null,
				endDate: null,
				referralFrom: null,
				referralUntil: null,
				annualValueGbp: g.valueGbp,
				placesPerYear: null,
				linkedReferences: []
			},
			pduIndexes: g.pduIndexes
		}));

	const market = marketChange(
		base,
		spec,
		removed,
		withInclusion.lots,
		withoutInclusion?.lots ?? null,
		explain
	);

	const design: LotDesign = {
		changeId,
		inclusionChangeId: inclusion?.id ?? null,
		regionCode: region,
		regionName,
		category,
		basis: spec.basis,
		mechanism: relet.mechanism,
		termYears: relet.termYears,
		lotGeography: describeGeography(relet.lotGeography),
		annualGbp,
		currentSpendGbp,
		replaced: replaced.map((s) => ({
			reference: s.reference,
			name: s.name,
			leadProvider: s.leadProvider,
			annualValueGbp: s.annualValueGbp
		})),
		lots: withInclusion.lots,
		summary: withInclusion.summary,
		withoutInclusion: withoutInclusion?.summary ?? null,
		eligibleOrganisations: eligibleIds.size,
		notKnownOrganisations: notKnownIds.size,
		minInsuranceGbp,
		coverage: { placesBefore: 0, placesAfter: 0, gapBefore: 0, gapAfter: 0 }
	};
	const refs = new Map(
		geo.map((g) => [
			`scenario:${changeId}:${g.id}`,
			explainId.lot(changeId, g.id, 'geographicValueGbp')
		])
	);
	return { design, market, removed, added, refs };
}

function describeGeography(g: LotGeography): string {
	if (typeof g === 'string')
		return g === 'region'
			? 'one lot for the region'
			: g === 'pcc-area'
				? 'one lot per PCC area'
				: 'one lot per PDU';
	return `${g.groups.length} custom group${g.groups.length === 1 ? '' : 's'} of PDUs`;
}

function geographicLots(
	base: ScenarioBase,
	spec: DesignSpec,
	regionIdx: readonly number[],
	warnings: string[]
): GeoLot[] {
	const { relet, changeId } = spec;
	const pdus = base.baseline.pdus;
	const g = relet.lotGeography;
	if (g === 'region')
		return [
			{
				id: relet.region,
				name: `${base.regionNames.get(relet.region) ?? relet.region} (whole region)`,
				pduIndexes: [...regionIdx],
				valueGbp: 0
			}
		];
	if (g === 'pdu')
		return regionIdx.map((i) => ({
			id: pdus[i]!.code,
			name: pdus[i]!.name,
			pduIndexes: [i],
			valueGbp: 0
		}));
	if (g === 'pcc-area') {
		const lots = new Map<string, GeoLot>();
		for (const i of regionIdx) {
			const p = pdus[i]!;
			const id = p.pccAreaIds[0];
			if (id === undefined) {
				warnings.push(`${changeId}: PDU ${p.code} has no PCC area, so no PCC-area lot covers it.`);
				continue;
			}
			if (p.pccAreaIds.length > 1)
				warnings.push(
					`${changeId}: PDU ${p.code} lies in several PCC areas; it is put in the lot for the first (${id}).`
				);
			const lot = lots.get(id) ?? {
				id,
				name: `${base.pccNames.get(id) ?? id} PCC area`,
				pduIndexes: [],
				valueGbp: 0
			};
			lot.pduIndexes.push(i);
			lots.set(id, lot);
		}
		return [...lots.values()];
	}
	const inRegion = new Set(regionIdx);
	const placed = new Set<number>();
	const lots: GeoLot[] = [];
	g.groups.forEach((group, k) => {
		const idx: number[] = [];
		for (const code of group.pdus) {
			const i = base.pduIndex.get(code);
			if (i === undefined || !inRegion.has(i)) {
				warnings.push(
					`${changeId}: PDU ${code} is not in region ${relet.region}; it is left out of its lot.`
				);
				continue;
			}
			if (placed.has(i)) {
				warnings.push(`${changeId}: PDU ${code} is in more than one lot; it stays in the first.`);
				continue;
			}
			placed.add(i);
			idx.push(i);
		}
		if (idx.length === 0) {
			warnings.push(
				`${changeId}: lot ${group.name ?? k + 1} has no PDU in the region and is dropped.`
			);
			return;
		}
		lots.push({
			id: `group-${k + 1}`,
			name: group.name ?? `Group ${k + 1}`,
			pduIndexes: idx,
			valueGbp: 0
		});
	});
	const left = regionIdx.filter((i) => !placed.has(i)).map((i) => pdus[i]!.code);
	if (left.length)
		warnings.push(
			`${changeId}: no lot covers ${left.join(', ')}; they lose the ${relet.category} services being re-let.`
		);
	return lots;
}

const MAX_PARTS = 50;

/** The lots as let: set-aside and open parts, split to the maximum lot size, each judged for bidders. */
function buildLots(
	base: ScenarioBase,
	spec: DesignSpec,
	geo: readonly GeoLot[],
	inclusion: DesignSpec['inclusion'],
	candidates: readonly ScenarioOrganisation[],
	a: ScenarioAssumptions
): { lots: LotRow[]; summary: LotSummary } {
	const { relet, changeId } = spec;
	const t = a.thresholds;
	const mechanism: Route = relet.mechanism;
	const baseMultiple = relet.eligibility.turnoverMultiple ?? t[mechanism].turnoverMultiple;
	const baseDf = relet.eligibility.dfRegistrationRequired ?? t[mechanism].dfRegistrationRequired;
	const pct = inclusion ? inclusion.setAsidePercent / 100 : 0;
	const small = (o: ScenarioOrganisation) =>
		o.annualIncomeGbp === null ? null : o.annualIncomeGbp < t.smallIncomeGbp;
	const restriction =
		inclusion?.setAsideFor === 'small'
			? small
			: (o: ScenarioOrganisation) => {
					const s = small(o);
					if (s === true || o.byAndFor === true) return true;
					if (s === false && o.byAndFor === false) return false;
					return null;
				};
	const byId = new Map(candidates.map((o) => [o.id, o]));
	const anySmallCandidate = candidates.some((o) => small(o) === true);

	const lots: LotRow[] = [];
	for (const g of geo) {
		// Split to the maximum lot size first, then set aside a share of each part: every part is then
		// no bigger than the lot would be without the set-aside, so no one eligible before is shut out.
		const max = inclusion?.maxLotGbp ?? null;
		const k =
			max !== null && g.valueGbp > max ? Math.min(MAX_PARTS, Math.ceil(g.valueGbp / max)) : 1;
		const sized =
			k === 1
				? [{ id: g.id, value: g.valueGbp, label: '' }]
				: splitPennies(
						g.valueGbp,
						Array.from({ length: k }, () => 1)
					).map((value, j) => ({
						id: `${g.id}-part-${j + 1}-of-${k}`,
						value,
						label: ` (part ${j + 1} of ${k})`
					}));
		const parts: { id: string; value: number; setAside: boolean; label: string }[] = [];
		for (const part of sized) {
			if (pct <= 0) {
				parts.push({ ...part, setAside: false });
				continue;
			}
			const [aside, open] = splitPennies(part.value, [pct, 1 - pct]);
			parts.push({
				id: `${part.id}-set-aside`,
				value: aside!,
				setAside: true,
				label: `${part.label} — set-aside`
			});
			if (pct < 1) parts.push({ ...part, value: open!, setAside: false });
		}
		for (const part of parts) {
			const grantRoute =
				mechanism === 'grant' ||
				(inclusion?.grantRouteUnderGbp != null && part.value < inclusion.grantRouteUnderGbp);
			const route: Route = grantRoute ? 'grant' : 'contract';
			// A lot moved onto the grant route is never judged more strictly than on the contract route.
			const moved = route !== mechanism;
			const rules: LotRules = {
				category: relet.category,
				annualValueGbp: part.value,
				turnoverMultiple: moved ? Math.min(baseMultiple, t.grant.turnoverMultiple) : baseMultiple,
				dfRegistrationRequired: moved ? baseDf && t.grant.dfRegistrationRequired : baseDf,
				consortiaAllowed: relet.consortiaAllowed,
				maxConsortiumSize: t.maxConsortiumSize,
				leadRestriction: part.setAside ? restriction : null
			};
			const e = assessLot(candidates, rules);
			const eligibleOrgs = e.eligible.map((x) => byId.get(x.id)!);
			const commissionerPerLot =
				!moved && relet.commissionerCostPerLotGbp !== undefined
					? relet.commissionerCostPerLotGbp
					: a.transactionCosts[route].commissionerPerLotGbp;
			const bidderPerBid =
				!moved && relet.bidderCostPerBidGbp !== undefined
					? relet.bidderCostPerBidGbp
					: a.transactionCosts[route].bidderPerBidGbp;
			const expectedBids = e.potentialBids * a.transactionCosts.expectedBidShare;
			lots.push({
				changeId,
				id: part.id,
				lotGroup: g.id,
				name: g.name + part.label,
				regionCode: relet.region,
				category: relet.category,
				pdus: g.pduIndexes.map((i) => base.baseline.pdus[i]!.code),
				annualValueGbp: part.value,
				route,
				setAside: part.setAside,
				turnoverMultiple: rules.turnoverMultiple,
				turnoverThresholdGbp: e.turnoverThresholdGbp,
				dfRegistrationRequired: rules.dfRegistrationRequired,
				consortiaAllowed: rules.consortiaAllowed,
				candidates: candidates.length,
				eligible: e.eligible,
				notKnown: e.notKnown,
				ineligible: e.ineligible,
				potentialBids: e.potentialBids,
				expectedBids,
				atRisk: e.potentialBids < t.atRiskBelowBids,
				canLead: {
					small: eligibleOrgs.some(
						(o) => o.annualIncomeGbp !== null && o.annualIncomeGbp < t.smallIncomeGbp
					),
					micro: eligibleOrgs.some(
						(o) => o.annualIncomeGbp !== null && o.annualIncomeGbp < t.microIncomeGbp
					),
					vcse: eligibleOrgs.some((o) => o.orgType === 'vcse'),
					byAndFor: eligibleOrgs.some((o) => o.byAndFor === true)
				},
				commissionerCostGbp: commissionerPerLot,
				bidderCostGbp: bidderPerBid * expectedBids
			});
		}
	}
	const total = lots.reduce((s, l) => s + l.annualValueGbp, 0);
	const reach = (has: (l: LotRow) => boolean): AttributeReach => {
		const valueGbp = lots.reduce((s, l) => (has(l) ? s + l.annualValueGbp : s), 0);
		return { valueGbp, share: total > 0 ? valueGbp / total : null };
	};
	const commissionerGbp = lots.reduce((s, l) => s + l.commissionerCostGbp, 0);
	const biddersGbp = lots.reduce((s, l) => s + l.bidderCostGbp, 0);
	const capacityBuildingGbp = inclusion?.capacityBuildingFundGbp ?? 0;
	const totalGbp = commissionerGbp + biddersGbp + capacityBuildingGbp;
	return {
		lots,
		summary: {
			lots: lots.length,
			lotsAtRisk: lots.filter((l) => l.atRisk).map((l) => l.id),
			shares: {
				small: reach((l) => l.canLead.small),
				micro: reach((l) => l.canLead.micro),
				vcse: reach((l) => l.canLead.vcse),
				byAndFor: reach((l) => l.canLead.byAndFor),
				smallAsSubcontractor: reach(() => relet.subcontractingAllowed && anySmallCandidate)
			},
			costs: {
				commissionerGbp,
				biddersGbp,
				capacityBuildingGbp,
				totalGbp,
				perYearGbp: totalGbp / relet.termYears
			}
		}
	};
}

const THRESHOLD_ASSUMPTIONS = (route: Route) => [
	`thresholds.${route}.turnoverMultiple`,
	`thresholds.${route}.dfRegistrationRequired`,
	'thresholds.maxConsortiumSize'
];

function explainLot(explain: Explainer, lot: LotRow, a: ScenarioAssumptions, spec: DesignSpec) {
	const id = (f: string) => explainId.lot(spec.changeId, lot.id, f);
	const valueId = explain.add(
		id('annualValueGbp'),
		`£ a year for lot ${lot.name}`,
		lot.annualValueGbp,
		'GBP a year',
		lot.lotGroup === lot.id
			? 'the geographic lot’s £ a year, less any set-aside'
			: 'the geographic lot’s £ a year split into equal parts no bigger than the maximum lot size, then each part × set-aside % (the set-aside lot) or × (1 − set-aside %) (the open lot); pennies by largest remainder',
		[
			{
				name: 'geographic lot £ a year',
				value: null,
				ref: explainId.lot(spec.changeId, lot.lotGroup, 'geographicValueGbp')
			},
			{ name: 'set-aside %', value: spec.inclusion?.setAsidePercent ?? 0 },
			{ name: 'maximum lot £', value: spec.inclusion?.maxLotGbp ?? null }
		]
	);
	const thresholdId = explain.add(
		id('turnoverThresholdGbp'),
		`Turnover a bidder needs for ${lot.name}`,
		lot.turnoverThresholdGbp,
		'GBP a year',
		'turnover multiple × lot £ a year',
		[
			{ name: 'turnover multiple', value: lot.turnoverMultiple },
			{ name: 'lot £ a year', value: lot.annualValueGbp, ref: valueId },
			{ name: 'route', value: lot.route }
		],
		THRESHOLD_ASSUMPTIONS(lot.route)
	);
	explain.add(
		id('eligible'),
		`Organisations that could lead a bid for ${lot.name}`,
		lot.eligible.length,
		'count',
		'candidates (known to work in the region on the category) that pass Dynamic Framework registration (where required) and whose known income passes the turnover test alone, or with up to N − 1 partners where consortia are allowed' +
			(lot.setAside ? '; a set-aside lot must be led by a small (or specialist) organisation' : ''),
		[
			{ name: 'candidates', value: lot.candidates },
			{ name: 'turnover needed', value: lot.turnoverThresholdGbp, ref: thresholdId },
			{ name: 'Dynamic Framework registration required', value: lot.dfRegistrationRequired },
			{ name: 'consortia allowed', value: lot.consortiaAllowed },
			...lot.eligible.map((e) => ({ name: e.name, value: e.via }))
		],
		THRESHOLD_ASSUMPTIONS(lot.route).concat(lot.setAside ? ['thresholds.smallIncomeGbp'] : [])
	);
	explain.add(
		id('notKnown'),
		`Organisations whose eligibility for ${lot.name} is not known`,
		lot.notKnown.length,
		'count',
		'candidates missing a fact the test needs (income, Dynamic Framework registration); never guessed',
		lot.notKnown.map((n) => ({ name: n.name, value: n.missing.join('; ') }))
	);
	explain.add(
		id('ineligible'),
		`Organisations ruled out of ${lot.name}`,
		lot.ineligible,
		'count',
		'candidates known not to be registered on the Dynamic Framework for the category, where registration is required',
		[{ name: 'candidates', value: lot.candidates }]
	);
	const bidsId = explain.add(
		id('potentialBids'),
		`Bids that could be formed for ${lot.name}`,
		lot.potentialBids,
		'count',
		'organisations eligible alone, plus consortia formed greedily from the rest (largest lead with the largest partners until the combined known income passes, up to N)',
		[{ name: 'eligible', value: lot.eligible.length, ref: id('eligible') }],
		['thresholds.maxConsortiumSize']
	);
	explain.add(
		id('atRisk'),
		`Whether ${lot.name} is at risk of too few bids`,
		lot.atRisk ? 1 : 0,
		'count',
		'1 when the bids that could be formed are fewer than the at-risk threshold',
		[
			{ name: 'bids that could be formed', value: lot.potentialBids, ref: bidsId },
			{ name: 'at-risk threshold', value: a.thresholds.atRiskBelowBids }
		],
		['thresholds.atRiskBelowBids']
	);
	explain.add(
		id('expectedBids'),
		`Bids expected for ${lot.name}`,
		lot.expectedBids,
		'count',
		'bids that could be formed × expected bid share',
		[
			{ name: 'bids that could be formed', value: lot.potentialBids, ref: bidsId },
			{ name: 'expected bid share', value: a.transactionCosts.expectedBidShare }
		],
		['transactionCosts.expectedBidShare']
	);
	explain.add(
		id('commissionerCostGbp'),
		`Commissioner’s cost of letting ${lot.name}`,
		lot.commissionerCostGbp,
		'GBP',
		'cost per lot for the route (as given in the change, else the assumption)',
		[{ name: 'route', value: lot.route }],
		[`transactionCosts.${lot.route}.commissionerPerLotGbp`]
	);
	explain.add(
		id('bidderCostGbp'),
		`Bidders’ cost for ${lot.name}`,
		lot.bidderCostGbp,
		'GBP',
		'expected bids × cost per bid for the route (as given in the change, else the assumption)',
		[{ name: 'expected bids', value: lot.expectedBids, ref: id('expectedBids') }],
		[`transactionCosts.${lot.route}.bidderPerBidGbp`]
	);
}

function explainSummary(
	explain: Explainer,
	changeId: string,
	summary: LotSummary,
	lots: readonly LotRow[],
	spec: DesignSpec,
	/** '' for the design as let; 'withoutInclusion.' for the same lots without inclusion measures */
	prefix = ''
) {
	// Lots without the inclusion measures are not in the result, so their figures are not referenced.
	const lotRef = (id: string, field: string) =>
		prefix ? {} : { ref: explainId.lot(changeId, id, field) };
	const lotValues = lots.map((l) => ({
		name: l.name,
		value: l.annualValueGbp,
		...lotRef(l.id, 'annualValueGbp')
	}));
	const attr = (
		key: keyof LotSummary['shares'],
		label: string,
		rule: string,
		assumption: string[]
	) => {
		const r = summary.shares[key];
		explain.add(
			explainId.design(changeId, prefix + `shares.${key}.valueGbp`),
			`£ a year in lots ${label} could lead`,
			r.valueGbp,
			'GBP a year',
			`Σ £ a year of lots where at least one eligible organisation ${rule}`,
			lotValues,
			assumption
		);
		explain.add(
			explainId.design(changeId, prefix + `shares.${key}.share`),
			`Share of £ in lots ${label} could lead`,
			r.share,
			'share',
			'£ a year in those lots ÷ £ a year in all lots',
			[
				{
					name: '£ a year in those lots',
					value: r.valueGbp,
					ref: explainId.design(changeId, prefix + `shares.${key}.valueGbp`)
				},
				{ name: '£ a year in all lots', value: lots.reduce((s, l) => s + l.annualValueGbp, 0) }
			]
		);
	};
	attr('small', 'small organisations', 'has a known income under the small threshold', [
		'thresholds.smallIncomeGbp'
	]);
	attr('micro', 'micro organisations', 'has a known income under the micro threshold', [
		'thresholds.microIncomeGbp'
	]);
	attr('vcse', 'VCSE organisations', 'is known to be VCSE', []);
	attr('byAndFor', '"by and for" organisations', 'is known to be "by and for"', []);
	attr(
		'smallAsSubcontractor',
		'small organisations as subcontractors',
		'(or, here: any known small organisation working in the region on the category) could join as a subcontractor, where subcontracting is allowed',
		['thresholds.smallIncomeGbp']
	);
	explain.add(
		explainId.design(changeId, prefix + 'lotsAtRisk'),
		'Lots at risk of too few bids',
		summary.lotsAtRisk.length,
		'count',
		'lots where the bids that could be formed are fewer than the at-risk threshold',
		summary.lotsAtRisk.map((id) => ({
			name: id,
			value: 1,
			...lotRef(id, 'atRisk')
		})),
		['thresholds.atRiskBelowBids']
	);
	const c = summary.costs;
	explain.add(
		explainId.design(changeId, prefix + 'costs.commissionerGbp'),
		'Commissioner’s cost of letting the lots',
		c.commissionerGbp,
		'GBP',
		'Σ over lots of the cost per lot',
		lots.map((l) => ({
			name: l.name,
			value: l.commissionerCostGbp,
			...lotRef(l.id, 'commissionerCostGbp')
		}))
	);
	explain.add(
		explainId.design(changeId, prefix + 'costs.biddersGbp'),
		'Bidders’ cost',
		c.biddersGbp,
		'GBP',
		'Σ over lots of expected bids × cost per bid',
		lots.map((l) => ({
			name: l.name,
			value: l.bidderCostGbp,
			...lotRef(l.id, 'bidderCostGbp')
		}))
	);
	explain.add(
		explainId.design(changeId, prefix + 'costs.capacityBuildingGbp'),
		'Capacity-building fund',
		c.capacityBuildingGbp,
		'GBP',
		'as given in the inclusion change (it buys no places)',
		[{ name: 'inclusion change', value: spec.inclusion?.id ?? null }]
	);
	explain.add(
		explainId.design(changeId, prefix + 'costs.totalGbp'),
		'Total transaction cost',
		c.totalGbp,
		'GBP',
		'commissioner + bidders + capacity-building fund',
		[
			{
				name: 'commissioner',
				value: c.commissionerGbp,
				ref: explainId.design(changeId, prefix + 'costs.commissionerGbp')
			},
			{
				name: 'bidders',
				value: c.biddersGbp,
				ref: explainId.design(changeId, prefix + 'costs.biddersGbp')
			},
			{
				name: 'capacity building',
				value: c.capacityBuildingGbp,
				ref: explainId.design(changeId, prefix + 'costs.capacityBuildingGbp')
			}
		]
	);
	explain.add(
		explainId.design(changeId, prefix + 'costs.perYearGbp'),
		'Transaction cost a year of the term',
		c.perYearGbp,
		'GBP a year',
		'total transaction cost ÷ term in years',
		[
			{
				name: 'total',
				value: c.totalGbp,
				ref: explainId.design(changeId, prefix + 'costs.totalGbp')
			},
			{ name: 'term (years)', value: spec.relet.termYears }
		]
	);
}

function concentration(values: readonly number[]): Concentration {
	return {
		valueGbp: values.reduce((a, b) => a + b, 0),
		hhi: herfindahl(values),
		top3Share: topShare(values, 3)
	};
}

/**
 * Lead-provider concentration in the region and category before and after. After is a range: the
 * services not replaced keep their leads, and the new lots are won either each by a different new
 * organisation (least concentrated) or all by the largest remaining lead (most concentrated).
 * Only actual spend counts (awards and grants with a value), as on the market page, among the
 * services counted on the planning date.
 */
function marketChange(
	base: ScenarioBase,
	spec: DesignSpec,
	removed: ReadonlySet<string>,
	lots: readonly LotRow[],
	lotsWithout: readonly LotRow[] | null,
	explain: Explainer
): MarketChange {
	const { region, category } = spec.relet;
	const orgs: MarketOrganisation[] = base.baseline.organisations.map((o) => ({
		id: o.id,
		name: o.name,
		orgType: o.orgType,
		annualIncomeGbp: o.annualIncomeGbp,
		byAndFor: o.byAndFor,
		welsh: o.welsh ?? null
	}));
	const scope = { regionCode: region, category };
	const before = computeMarketShape(base.marketServices, orgs, scope);
	const remaining = computeMarketShape(
		base.marketServices.filter((s) => !removed.has(s.reference)),
		orgs,
		scope
	);
	const kept = remaining.leads.map((l) => l.valueGbp);
	const after = (rows: readonly LotRow[]) => {
		const values = rows.map((l) => l.annualValueGbp).filter((v) => v > 0);
		const sum = values.reduce((x, y) => x + y, 0);
		const high = kept.length ? [kept[0]! + sum, ...kept.slice(1)] : [sum];
		return { afterLow: concentration([...kept, ...values]), afterHigh: concentration(high) };
	};
	const withLots = after(lots);
	const withoutLots = lotsWithout ? after(lotsWithout) : null;
	const id = (f: string) => explainId.market(spec.changeId, f);
	const actual = base.marketServices.filter(
		(s) => s.regionCode === region && s.categories.includes(category) && isActualSpend(s)
	);
	explain.add(
		id('before.hhi'),
		`Lead-provider concentration (HHI) for ${category} in ${region}, now`,
		before.hhi,
		'HHI',
		'Σ (lead’s % share of £ a year)², over awards and grants with a value counted on the planning date; a service’s £ split evenly over its categories',
		before.leads.map((l) => ({ name: l.name, value: l.valueGbp })),
		['planningDate']
	);
	explain.add(
		id('before.top3Share'),
		'Top-3 lead share, now',
		before.top3Share,
		'share',
		'£ a year led by the three largest leads ÷ all £ a year',
		[{ name: 'services with a value', value: actual.length }]
	);
	explain.add(
		id('afterLow.hhi'),
		'Concentration after, if every new lot is won by a different organisation',
		withLots.afterLow.hhi,
		'HHI',
		'HHI over the leads of services not replaced plus one lead per new lot',
		[
			...remaining.leads.map((l) => ({ name: l.name, value: l.valueGbp })),
			...lots.map((l) => ({
				name: l.name,
				value: l.annualValueGbp,
				ref: explainId.lot(spec.changeId, l.id, 'annualValueGbp')
			}))
		]
	);
	explain.add(
		id('afterHigh.hhi'),
		'Concentration after, if the largest remaining lead wins every new lot',
		withLots.afterHigh.hhi,
		'HHI',
		'HHI over the leads of services not replaced, with every new lot’s £ added to the largest of them (or to one new lead)',
		[
			{
				name: 'new lots £ a year',
				value: withLots.afterLow.valueGbp - kept.reduce((x, y) => x + y, 0)
			}
		]
	);
	explain.add(
		id('afterLow.top3Share'),
		'Top-3 share after, every new lot a different organisation',
		withLots.afterLow.top3Share,
		'share',
		'£ a year of the three largest leads ÷ all',
		[{ name: 'HHI', value: withLots.afterLow.hhi, ref: id('afterLow.hhi') }]
	);
	explain.add(
		id('afterHigh.top3Share'),
		'Top-3 share after, one organisation wins every new lot',
		withLots.afterHigh.top3Share,
		'share',
		'£ a year of the three largest leads ÷ all',
		[{ name: 'HHI', value: withLots.afterHigh.hhi, ref: id('afterHigh.hhi') }]
	);
	explain.add(
		id('before.valueGbp'),
		`£ a year of awards and grants for ${category} in ${region}, now`,
		before.valueGbp,
		'GBP a year',
		'Σ annual value ÷ categories, over awards and grants with a value counted on the planning date',
		actual.map((s) => ({ name: `${s.name} (${s.reference})`, value: s.annualValueGbp })),
		['planningDate']
	);
	explain.add(
		id('before.leads'),
		'Lead providers, now',
		before.leads.length,
		'count',
		'distinct lead organisations (by id, else by name) of those awards and grants',
		before.leads.map((l) => ({ name: l.name, value: l.valueGbp }))
	);
	for (const which of ['afterLow', 'afterHigh'] as const)
		explain.add(
			id(`${which}.valueGbp`),
			'£ a year in scope after',
			withLots[which].valueGbp,
			'GBP a year',
			'£ a year of the services not replaced + £ a year of the new lots',
			[
				{ name: 'services not replaced', value: kept.reduce((x, y) => x + y, 0) },
				{ name: 'new lots', value: lots.reduce((x, l) => x + l.annualValueGbp, 0) }
			]
		);
	if (withoutLots)
		for (const which of ['afterLow', 'afterHigh'] as const) {
			const c = withoutLots[which];
			const label =
				which === 'afterLow'
					? 'every new lot a different organisation'
					: 'one organisation wins every new lot';
			explain.add(
				id(`withoutInclusion.${which}.valueGbp`),
				`£ a year in scope after, without the inclusion measures`,
				c.valueGbp,
				'GBP a year',
				'£ a year of the services not replaced + £ a year of the lots without inclusion measures',
				[]
			);
			explain.add(
				id(`withoutInclusion.${which}.hhi`),
				`Concentration after without the inclusion measures, ${label}`,
				c.hhi,
				'HHI',
				'as for the lots with the measures, over the lots without them',
				[{ name: 'lots', value: lotsWithout!.length }]
			);
			explain.add(
				id(`withoutInclusion.${which}.top3Share`),
				`Top-3 share after without the inclusion measures, ${label}`,
				c.top3Share,
				'share',
				'£ a year of the three largest leads ÷ all',
				[{ name: 'HHI', value: c.hhi, ref: id(`withoutInclusion.${which}.hhi`) }]
			);
		}
	return {
		changeId: spec.changeId,
		regionCode: region,
		category,
		before: {
			valueGbp: before.valueGbp,
			hhi: before.hhi,
			top3Share: before.top3Share,
			leads: before.leads.length
		},
		afterLow: withLots.afterLow,
		afterHigh: withLots.afterHigh,
		withoutInclusion: withoutLots
	};
}
