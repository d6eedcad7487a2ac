import {
	SUPPRESSION_LABELS,
	suppressForDisclosure,
	withPartnerCounts,
	type DisclosureMarks
} from '$lib/domain/disclosure';
import type { ScenarioResult } from '$lib/domain/scenario';
import { parseSubgroup } from '$lib/domain/subgroups';
import { flattenAssumptions } from './report';

export const SCENARIO_TABLES = [
	'pdus',
	'funding',
	'lots',
	'cannot-fix',
	'assumptions',
	'explanations'
] as const;
export type ScenarioTable = (typeof SCENARIO_TABLES)[number];

type Cell = string | number | null;

const versionsText = (v: Record<string, number>) =>
	Object.entries(v)
		.map(([k, n]) => `${k} v${n}`)
		.join('; ');

/**
 * Disclosure control: which PDU counts of a subgroup other than "all" to hide in every table, and
 * a figure as written (`value`, or how it is hidden) for the PDU row or explanation it belongs to.
 * Every exported or printed view of a scenario goes through it (the CSVs and the report).
 */
export function disclosureFor(result: ScenarioResult) {
	const marks: DisclosureMarks = suppressForDisclosure(
		withPartnerCounts(result.pdus, result.assumptions.subgroupShares)
	);
	const hiddenBy = (id: string) => {
		const [, pdu, category, subgroup] =
			/^(?:pdu|cocommission):([^:]+):([^:]+):([^:]+):/.exec(id) ?? [];
		const group = subgroup === undefined ? undefined : parseSubgroup(subgroup);
		return group && marks.cell(category!, group, pdu!);
	};
	return {
		row: (r: ScenarioResult['pdus'][number], value: Cell, what: 'need' | 'derived'): Cell => {
			const hidden = marks.cell(r.category, r.subgroup, r.pdu);
			if (!hidden) return value;
			return SUPPRESSION_LABELS[what === 'need' ? hidden : 'secondary'];
		},
		/** an explanation of people (a need or gap) for a hidden PDU count */
		explanation: (id: string, unit: string) => (unit === 'people' ? (hiddenBy(id) ?? null) : null)
	};
}

/**
 * A scenario result's table as CSV rows. Every table carries the dataset versions it came from,
 * so a figure in a spreadsheet can be traced back.
 */
export function scenarioCsv(
	result: ScenarioResult,
	table: ScenarioTable
): { header: string[]; rows: Cell[][] } {
	const versions = versionsText(result.datasetVersions);
	switch (table) {
		case 'pdus': {
			const shown = disclosureFor(result).row;
			return {
				header: [
					'pdu_code',
					'pdu',
					'region_code',
					'category',
					'subgroup',
					'need',
					'baseline_places',
					'baseline_gap',
					'baseline_coverage',
					'scenario_places',
					'scenario_gap',
					'scenario_coverage',
					'changed',
					'dataset_versions'
				],
				rows: result.pdus.map((r) => [
					r.pdu,
					r.pduName,
					r.regionCode,
					r.category,
					r.subgroup,
					shown(r, r.needCount, 'need'),
					r.baseline.places,
					shown(r, r.baseline.gap, 'derived'),
					shown(r, r.baseline.coverage, 'derived'),
					r.scenario.places,
					shown(r, r.scenario.gap, 'derived'),
					shown(r, r.scenario.coverage, 'derived'),
					r.changed ? 'yes' : 'no',
					versions
				])
			};
		}
		case 'funding':
			return {
				header: [
					'partner',
					'partner_kind',
					'category',
					'subgroup',
					'area',
					'partner_annual_gbp',
					'pdu_code',
					'pdu',
					'gbp_a_year_in_pdu',
					'places_in_pdu',
					'share_of_pdu_new_places',
					'dataset_versions'
				],
				rows: result.fundingByPartner.flatMap((f) =>
					(f.pdus.length ? f.pdus : [null]).map((p) => [
						f.name,
						f.kind,
						f.category,
						f.subgroup,
						f.area.label,
						f.annualGbp,
						p?.pdu ?? null,
						p?.pduName ?? null,
						p?.gbp ?? 0,
						p?.places ?? 0,
						p?.share ?? null,
						versions
					])
				)
			};
		case 'lots':
			return {
				header: [
					'region_code',
					'category',
					'lot',
					'pdus',
					'annual_value_gbp',
					'route',
					'set_aside',
					'turnover_threshold_gbp',
					'df_registration_required',
					'consortia_allowed',
					'eligible_organisations',
					'not_known_organisations',
					'potential_bids',
					'at_risk',
					'commissioner_cost_gbp',
					'bidder_cost_gbp',
					'dataset_versions'
				],
				rows: result.lots.flatMap((d) =>
					d.lots.map((l) => [
						l.regionCode,
						l.category,
						l.name,
						l.pdus.join('; '),
						l.annualValueGbp,
						l.route,
						l.setAside ? 'yes' : 'no',
						l.turnoverThresholdGbp,
						l.dfRegistrationRequired ? 'yes' : 'no',
						l.consortiaAllowed ? 'yes' : 'no',
						l.eligible.map((o) => o.name).join('; '),
						l.notKnown.map((o) => o.name).join('; '),
						l.potentialBids,
						l.atRisk ? 'yes' : 'no',
						l.commissionerCostGbp,
						l.bidderCostGbp,
						versions
					])
				)
			};
		case 'cannot-fix':
			return {
				header: ['pdu_code', 'pdu', 'category', 'subgroup', 'reason', 'detail', 'partners'],
				rows: result.cannotFix.map((c) => [
					c.pdu,
					c.pduName,
					c.category,
					c.subgroup,
					c.reason,
					c.detail,
					c.partners.map((p) => p.partner).join('; ')
				])
			};
		case 'assumptions':
			return {
				header: ['assumption', 'value'],
				rows: flattenAssumptions(result.assumptions).map((a) => [
					a.key,
					typeof a.value === 'boolean' ? (a.value ? 'yes' : 'no') : a.value
				])
			};
		case 'explanations': {
			const hidden = disclosureFor(result).explanation;
			const people = new Set(['need', 'gap', 'PDU gap before']);
			return {
				header: [
					'id',
					'label',
					'value',
					'unit',
					'formula',
					'inputs',
					'assumptions',
					'dataset_versions'
				],
				rows: result.explanations.map((e) => {
					const h = hidden(e.id, e.unit);
					return [
						e.id,
						e.label,
						h ? SUPPRESSION_LABELS[h] : e.value,
						e.unit,
						e.formula,
						e.inputs
							.map(
								(i) =>
									`${i.name} = ${h && people.has(i.name) ? SUPPRESSION_LABELS.secondary : (i.value ?? 'not known')}`
							)
							.join('; '),
						e.assumptions.join('; '),
						versionsText(e.datasetVersions)
					];
				})
			};
		}
	}
}
