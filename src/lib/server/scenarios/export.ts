import type { ScenarioResult } from '$lib/domain/scenario';
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
 * A scenario result's table as CSV rows. Every table carries the dataset versions it came from,
 * so a figure in a spreadsheet can be traced back.
 */
export function scenarioCsv(
	result: ScenarioResult,
	table: ScenarioTable
): { header: string[]; rows: Cell[][] } {
	const versions = versionsText(result.datasetVersions);
	switch (table) {
		case 'pdus':
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
					r.needCount,
					r.baseline.places,
					r.baseline.gap,
					r.baseline.coverage,
					r.scenario.places,
					r.scenario.gap,
					r.scenario.coverage,
					r.changed ? 'yes' : 'no',
					versions
				])
			};
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
		case 'explanations':
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
				rows: result.explanations.map((e) => [
					e.id,
					e.label,
					e.value,
					e.unit,
					e.formula,
					e.inputs.map((i) => `${i.name} = ${i.value ?? 'not known'}`).join('; '),
					e.assumptions.join('; '),
					versionsText(e.datasetVersions)
				])
			};
	}
}
