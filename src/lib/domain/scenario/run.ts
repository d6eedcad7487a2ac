import { CRS_CATEGORIES, type CrsCategory } from '../categories';
import type { GapRow } from '../coverage';
import { SUBGROUP_DEFINITIONS, type Subgroup } from '../subgroups';
import type { ScenarioAssumptions } from './assumptions';
import {
	recomputeCategory,
	rowsKey,
	scenarioBaseFor,
	type AddedService,
	type ScenarioBase
} from './base';
import { allocateCoCommission, type PartnerInput } from './co-commission';
import { Explainer } from './explain';
import { explainId } from './ids';
import { designLots, replacedServices, type DesignOutcome, type DesignSpec } from './lots';
import { changeIdOf, type InclusionChange, type ReletChange, type ScenarioChange } from './schema';
import type {
	ExplainEntry,
	ExplainInput,
	Headline,
	ScenarioBaseline,
	ScenarioPduRow,
	ScenarioResult,
	Totals
} from './types';

/**
 * Run a scenario: apply changes to a baseline and measure places, need and gap for every PDU and
 * category before and after, with who pays, lots and eligibility, market concentration, what money
 * cannot fix, and an explanation of every number. Pure and deterministic: the same baseline,
 * changes and assumptions give the same result. The studio, compare, export and
 * `POST /api/v1/scenarios/run` all call this, so their numbers agree.
 *
 * The changes are applied in a fixed order, whatever order they are listed in:
 * 1. re-lets (with the inclusion change for the same region and category, if any), then inclusion
 *    changes with no re-let, which re-let the category's current contracts as they are;
 * 2. co-commissioning, shared against the gaps left after step 1.
 *
 * `changes` must have passed `scenarioChangesSchema`; `assumptions` come from
 * `defaultScenarioAssumptions` or `resolveScenarioAssumptions`.
 */
export function runScenario(
	baseline: ScenarioBaseline,
	changes: readonly ScenarioChange[],
	assumptions: ScenarioAssumptions
): ScenarioResult {
	const warnings: string[] = [];
	const base = scenarioBaseFor(baseline, assumptions);
	const explain = new Explainer(baseline.datasetVersions);
	const withIds = changes.map((c, i) => ({ ...c, id: changeIdOf(c, i) }));

	// 1. Lot designs.
	const specs = designSpecs(base, withIds, warnings);
	const outcomes: DesignOutcome[] = [];
	for (const spec of specs) {
		const outcome = designLots(base, spec, assumptions, explain, warnings);
		if (outcome) outcomes.push(outcome);
	}
	const removed = new Map<CrsCategory, Set<string>>();
	const added = new Map<CrsCategory, AddedService[]>();
	const refs = new Map<string, string>();
	for (const o of outcomes) {
		const c = o.design.category;
		const set = removed.get(c) ?? new Set<string>();
		for (const r of o.removed) set.add(r);
		removed.set(c, set);
		added.set(c, [...(added.get(c) ?? []), ...o.added]);
		for (const [k, v] of o.refs) refs.set(k, v);
	}

	// 2. Co-commissioning against the gaps after step 1.
	const afterRelet = new Map<string, readonly GapRow[]>();
	const gapRowsFor = (category: CrsCategory, subgroup: Subgroup) => {
		const key = rowsKey(category, subgroup);
		if (!removed.has(category)) return base.rows(category, subgroup);
		let rows = afterRelet.get(key);
		if (!rows) {
			rows = recomputeCategory(base, category, removed.get(category)!, added.get(category) ?? [], [
				subgroup
			]).rows.get(subgroup)!;
			afterRelet.set(key, rows);
		}
		return rows;
	};
	const partners: PartnerInput[] = withIds.flatMap((c) =>
		c.type === 'co-commission'
			? c.partners.map((partner, partnerIndex) => ({ changeId: c.id, partnerIndex, partner }))
			: []
	);
	const co = allocateCoCommission(base, partners, gapRowsFor, assumptions, explain, warnings);
	for (const [c, list] of co.added) added.set(c, [...(added.get(c) ?? []), ...list]);
	for (const [k, v] of co.refs) refs.set(k, v);

	// 3. Final rows, for the subgroups asked for plus "all" (the headline).
	const subgroups: Subgroup[] = [...new Set<Subgroup>(['all', ...assumptions.subgroups])];
	const pdus = baseline.pdus;
	// Rows and their explanations go in chunks of one category and subgroup: a chunk no change
	// reaches is the prepared, frozen one, so a run copies references, not objects.
	const rowChunks: (readonly ScenarioPduRow[])[] = [];
	const explainChunks: (readonly ExplainEntry[])[] = [];
	const headRows = new Map<CrsCategory, { base: readonly GapRow[]; scen: readonly GapRow[] }>();
	for (const category of CRS_CATEGORIES) {
		const touchedCategory = removed.has(category) || added.has(category);
		const { rows, touched } = touchedCategory
			? recomputeCategory(
					base,
					category,
					removed.get(category) ?? new Set(),
					added.get(category) ?? [],
					subgroups
				)
			: { rows: null, touched: null };
		for (const subgroup of subgroups) {
			const baseRows = base.rows(category, subgroup);
			const scenRows = rows?.get(subgroup) ?? baseRows;
			if (subgroup === 'all') headRows.set(category, { base: baseRows, scen: scenRows });
			if (!assumptions.subgroups.includes(subgroup)) continue;
			explainChunks.push(baselineExplanations(base, category, subgroup));
			const unchanged = unchangedExplanations(base, category, subgroup);
			const unchangedRows = unchangedPduRows(base, category, subgroup);
			if (touched === null || !touched.includes(1)) {
				rowChunks.push(unchangedRows);
				explainChunks.push(unchanged);
				continue;
			}
			const rowsHere = unchangedRows.slice();
			const explainHere = unchanged.slice();
			for (let i = 0; i < pdus.length; i++) {
				if (touched[i] !== 1) continue;
				const s = scenRows[i]!;
				rowsHere[i] = {
					...unchangedRows[i]!,
					scenario: { places: s.places, gap: s.gap, coverage: s.coverage },
					changed: true
				};
				[explainHere[2 * i], explainHere[2 * i + 1]] = rowExplanations(
					s,
					'scenario',
					baseline.datasetVersions,
					refs
				);
			}
			rowChunks.push(rowsHere);
			explainChunks.push(explainHere);
		}
	}

	// Coverage of each lot design's region and category.
	for (const o of outcomes) {
		const d = o.design;
		const rows = headRows.get(d.category)!;
		for (const i of base.regionPdus.get(d.regionCode) ?? []) {
			d.coverage.placesBefore += rows.base[i]!.places;
			d.coverage.placesAfter += rows.scen[i]!.places;
			d.coverage.gapBefore += rows.base[i]!.gap ?? 0;
			d.coverage.gapAfter += rows.scen[i]!.gap ?? 0;
		}
		const id = (f: string) => explainId.design(d.changeId, f);
		const formula = (m: string) =>
			`Σ over the region’s PDUs of ${m} for ${d.category}, all people on probation (PDUs whose need is not known add no gap)`;
		explain.add(
			id('coverage.placesBefore'),
			'Places in the region now',
			d.coverage.placesBefore,
			'places',
			formula('baseline places'),
			[],
			['planningDate', `unitCostGbp.${d.category}`]
		);
		explain.add(
			id('coverage.placesAfter'),
			'Places in the region after',
			d.coverage.placesAfter,
			'places',
			formula('scenario places') +
				'; the new lots deliver their £ a year ÷ unit cost, shared across each lot’s PDUs by need; every lot is assumed let, even one at risk',
			[{ name: '£ a year re-let', value: d.annualGbp, ref: id('annualGbp') }],
			[`unitCostGbp.${d.category}`]
		);
		explain.add(
			id('coverage.gapBefore'),
			'Gap in the region now',
			d.coverage.gapBefore,
			'people',
			formula('baseline gap'),
			[]
		);
		explain.add(
			id('coverage.gapAfter'),
			'Gap in the region after',
			d.coverage.gapAfter,
			'people',
			formula('scenario gap'),
			[]
		);
	}

	const headline = buildHeadline(null, [...headRows.values()], explain);
	const byCategory = CRS_CATEGORIES.map((c) => buildHeadline(c, [headRows.get(c)!], explain));

	return {
		assumptions,
		datasetVersions: baseline.datasetVersions,
		changes: withIds,
		pdus: ([] as ScenarioPduRow[]).concat(...rowChunks),
		headline,
		byCategory,
		coCommission: co.pduRows,
		fundingByPartner: co.funding,
		lots: outcomes.map((o) => o.design),
		market: outcomes.map((o) => o.market),
		cannotFix: co.cannotFix,
		explanations: ([] as ExplainEntry[]).concat(...explainChunks, explain.entries),
		warnings
	};
}

/** Pair each re-let with its inclusion change, and give inclusions without a re-let one as they are. */
function designSpecs(
	base: ScenarioBase,
	changes: readonly (ScenarioChange & { id: string })[],
	warnings: string[]
): DesignSpec[] {
	const specs: DesignSpec[] = [];
	const seen = new Set<string>();
	const inclusions = changes.filter(
		(c): c is InclusionChange & { id: string } => c.type === 'inclusion'
	);
	const usedInclusions = new Set<string>();
	for (const c of changes) {
		if (c.type !== 'relet') continue;
		const key = `${c.region}|${c.category}`;
		if (seen.has(key)) {
			warnings.push(`${c.id}: a second re-let of ${c.category} in ${c.region} is ignored.`);
			continue;
		}
		seen.add(key);
		const inclusion =
			inclusions.find((x) => x.region === c.region && x.category === c.category) ?? null;
		if (inclusion) usedInclusions.add(inclusion.id);
		specs.push({ changeId: c.id, basis: 'relet', relet: c, inclusion });
	}
	for (const inc of inclusions) {
		if (usedInclusions.has(inc.id)) continue;
		const key = `${inc.region}|${inc.category}`;
		if (seen.has(key)) {
			warnings.push(
				`${inc.id}: a second inclusion change for ${inc.category} in ${inc.region} is ignored.`
			);
			continue;
		}
		seen.add(key);
		const current = replacedServices(base, inc.region, inc.category);
		const allPcc = current.length > 0 && current.every((s) => s.lotLevel === 'pcc-area');
		const relet: ReletChange = {
			type: 'relet',
			id: inc.id,
			region: inc.region,
			category: inc.category,
			lotGeography: allPcc ? 'pcc-area' : 'region',
			mechanism: 'contract',
			termYears: 3,
			eligibility: {},
			consortiaAllowed: true,
			subcontractingAllowed: true
		};
		warnings.push(
			`${inc.id}: no re-let of ${inc.category} in ${inc.region} is in the scenario, so the inclusion measures are applied to its current contracts, re-let as ${allPcc ? 'PCC-area lots' : 'one regional lot'} at their current £ a year (contract, 3 years, default thresholds).`
		);
		specs.push({ changeId: inc.id, basis: 'current-spend', relet, inclusion: inc });
	}
	return specs;
}

function totals(rows: readonly { base: readonly GapRow[]; scen: readonly GapRow[] }[]) {
	const t = (): Totals & { knownPlaces: number } => ({
		needCount: 0,
		places: 0,
		gap: 0,
		coverage: null,
		knownPlaces: 0
	});
	const b = t();
	const s = t();
	let unknown = 0;
	for (const { base, scen } of rows)
		for (let i = 0; i < base.length; i++) {
			const br = base[i]!;
			const sr = scen[i]!;
			b.places += br.places;
			s.places += sr.places;
			if (br.needCount === null) {
				unknown += 1;
				continue;
			}
			b.needCount += br.needCount;
			s.needCount += br.needCount;
			b.gap += br.gap!;
			s.gap += sr.gap!;
			b.knownPlaces += br.places;
			s.knownPlaces += sr.places;
		}
	for (const x of [b, s]) x.coverage = x.needCount > 0 ? x.knownPlaces / x.needCount : null;
	const strip = ({ knownPlaces: _k, ...rest }: Totals & { knownPlaces: number }): Totals => rest;
	return { baseline: strip(b), scenario: strip(s), unknown };
}

function buildHeadline(
	category: CrsCategory | null,
	rows: readonly { base: readonly GapRow[]; scen: readonly GapRow[] }[],
	explain: Explainer
): Headline {
	const { baseline, scenario, unknown } = totals(rows);
	const h: Headline = {
		category,
		needUnknownRows: unknown,
		baseline,
		scenario,
		placesAdded: scenario.places - baseline.places,
		gapClosed: baseline.gap - scenario.gap
	};
	const scope = category ? `for ${category}` : 'for all categories';
	const id = (f: string) => explainId.headline(f, category);
	const sum = 'Σ over PDU rows (all people on probation)';
	explain.add(
		id('needUnknownRows'),
		`PDU rows ${scope} whose need is not known`,
		unknown,
		'count',
		'rows with no published need share for the category; left out of need, gap and coverage',
		[]
	);
	for (const which of ['baseline', 'scenario'] as const) {
		const x = h[which];
		explain.add(
			id(`${which}.needCount`),
			`People with a need ${scope}`,
			x.needCount,
			'people',
			`${sum} of caseload × need share, where the need share is published`,
			[{ name: 'rows left out', value: unknown, ref: id('needUnknownRows') }]
		);
		explain.add(
			id(`${which}.places`),
			`Places ${scope}, ${which}`,
			x.places,
			'places',
			`${sum} of ${which} places (each row explained at pdu:<code>:<category>:${which}.places)`,
			[]
		);
		explain.add(
			id(`${which}.gap`),
			`Gap ${scope}, ${which}`,
			x.gap,
			'people',
			`${sum} of ${which} gap, where the need is known`,
			[{ name: 'rows left out', value: unknown, ref: id('needUnknownRows') }]
		);
		explain.add(
			id(`${which}.coverage`),
			`Coverage ${scope}, ${which}`,
			x.coverage,
			'share',
			'places in rows whose need is known ÷ their need',
			[{ name: 'need', value: x.needCount, ref: id(`${which}.needCount`) }]
		);
	}
	explain.add(
		id('placesAdded'),
		`Places added ${scope}`,
		h.placesAdded,
		'places',
		'scenario places − baseline places',
		[
			{ name: 'scenario', value: scenario.places, ref: id('scenario.places') },
			{ name: 'baseline', value: baseline.places, ref: id('baseline.places') }
		]
	);
	explain.add(
		id('gapClosed'),
		`Gap closed ${scope}`,
		h.gapClosed,
		'people',
		'baseline gap − scenario gap (negative: the gap widens)',
		[
			{ name: 'baseline', value: baseline.gap, ref: id('baseline.gap') },
			{ name: 'scenario', value: scenario.gap, ref: id('scenario.gap') }
		]
	);
	return h;
}

const PLACES_FORMULA =
	'Σ over services that reach the PDU on the planning date: the service’s places for the category (stated places ÷ its categories, else its £ a year ÷ its categories ÷ unit cost) × this PDU’s share of the need among the PDUs it reaches × the share of its places open to the subgroup';
const GAP_FORMULA =
	'need − places, floored at 0; need = caseload × need share × subgroup share (not known when either share is not published)';

const forGroup = (subgroup: Subgroup) =>
	subgroup === 'all' ? '' : `, ${SUBGROUP_DEFINITIONS[subgroup].label.toLowerCase()}`;

function rowAssumptions(row: GapRow): string[] {
	return [
		'planningDate',
		`unitCostGbp.${row.category}`,
		`subgroupShares.${row.subgroup}`,
		'continueWhileReferralsOpen',
		'siteCatchmentKm'
	];
}

/** The two explanations (places, gap) of one gap row. */
function rowExplanations(
	row: GapRow,
	which: 'baseline' | 'scenario',
	datasetVersions: Record<string, number>,
	refs?: ReadonlyMap<string, string>
): [ExplainEntry, ExplainEntry] {
	const placesId = explainId.pdu(row.pdu, row.category, row.subgroup, which, 'places');
	const inputs: ExplainInput[] = row.services.map((c) => {
		const ref = refs?.get(c.reference);
		return ref
			? { name: `${c.name} (${c.reference})`, value: c.places, ref }
			: { name: `${c.name} (${c.reference})`, value: c.places };
	});
	for (const u of row.uncounted)
		inputs.push({ name: `${u.name} (${u.reference}): not counted, ${u.reason}`, value: null });
	const assumptions = rowAssumptions(row);
	return [
		{
			id: placesId,
			label: `${which === 'baseline' ? 'Baseline' : 'Scenario'} places a year, ${row.pduName}, ${row.category}${forGroup(row.subgroup)}`,
			value: row.places,
			unit: 'places',
			formula: PLACES_FORMULA,
			inputs,
			assumptions,
			datasetVersions
		},
		{
			id: explainId.pdu(row.pdu, row.category, row.subgroup, which, 'gap'),
			label: `${which === 'baseline' ? 'Baseline' : 'Scenario'} gap, ${row.pduName}, ${row.category}${forGroup(row.subgroup)}`,
			value: row.gap,
			unit: 'people',
			formula: GAP_FORMULA,
			inputs: [
				{ name: 'caseload', value: row.caseload },
				{ name: 'need share', value: row.needShare },
				{ name: 'subgroup share', value: row.subgroupShare },
				{ name: 'need', value: row.needCount },
				{ name: 'places', value: row.places, ref: placesId }
			],
			assumptions,
			datasetVersions
		}
	];
}

function cached(base: ScenarioBase, key: string, build: () => ExplainEntry[]): ExplainEntry[] {
	let hit = base.explainCache.get(key) as ExplainEntry[] | undefined;
	if (!hit) {
		hit = build().map((e) => Object.freeze(e));
		base.explainCache.set(key, hit);
	}
	return hit;
}

/**
 * PDU rows for a category and subgroup as if no change reached them, built once per base and
 * frozen: a run reuses them for every row no change reaches, so results are read-only.
 */
function unchangedPduRows(
	base: ScenarioBase,
	category: CrsCategory,
	subgroup: Subgroup
): readonly ScenarioPduRow[] {
	const key = `rows|${category}|${subgroup}`;
	let hit = base.explainCache.get(key) as ScenarioPduRow[] | undefined;
	if (!hit) {
		hit = base.rows(category, subgroup).map((b) => {
			const measure = Object.freeze({ places: b.places, gap: b.gap, coverage: b.coverage });
			return Object.freeze({
				pdu: b.pdu,
				pduName: b.pduName,
				regionCode: b.regionCode,
				category,
				subgroup,
				needCount: b.needCount,
				baseline: measure,
				scenario: measure,
				changed: false
			});
		});
		base.explainCache.set(key, hit);
	}
	return hit;
}

/** Baseline explanations of one category and subgroup, built once per base. */
function baselineExplanations(base: ScenarioBase, category: CrsCategory, subgroup: Subgroup) {
	return cached(base, `baseline|${category}|${subgroup}`, () =>
		base
			.rows(category, subgroup)
			.flatMap((row) => rowExplanations(row, 'baseline', base.baseline.datasetVersions))
	);
}

/** "Unchanged" scenario explanations (places, gap for each PDU in order), built once per base. */
function unchangedExplanations(base: ScenarioBase, category: CrsCategory, subgroup: Subgroup) {
	return cached(base, `unchanged|${category}|${subgroup}`, () =>
		base.rows(category, subgroup).flatMap((row): ExplainEntry[] =>
			(['places', 'gap'] as const).map((measure) => {
				const ref = explainId.pdu(row.pdu, row.category, row.subgroup, 'baseline', measure);
				return {
					id: explainId.pdu(row.pdu, row.category, row.subgroup, 'scenario', measure),
					label: `Scenario ${measure}, ${row.pduName}, ${row.category}${forGroup(row.subgroup)}`,
					value: measure === 'places' ? row.places : row.gap,
					unit: measure === 'places' ? 'places' : 'people',
					formula: 'unchanged: no change in the scenario reaches this PDU for this category',
					inputs: [
						{ name: `baseline ${measure}`, value: measure === 'places' ? row.places : row.gap, ref }
					],
					assumptions: [],
					datasetVersions: base.baseline.datasetVersions
				};
			})
		)
	);
}
