import type { CrsCategory } from '$lib/domain/categories';
import { explainId, type ExplainEntry, type ScenarioResult } from '$lib/domain/scenario';

/** The id of the studio's "£ per extra place" for a category (or all categories). */
export function extraPlaceId(category: CrsCategory | null): string {
	return `studio:${category ?? 'all'}:gbpPerExtraPlace`;
}

/**
 * £ a year per extra place: the new money a year (partners' £ plus what re-lets spend beyond the
 * contracts they replace) ÷ places added. Null when no places are added. Built from the result's own
 * numbers, each input linked to its explanation.
 */
export function extraPlaceCost(result: ScenarioResult, category: CrsCategory | null): ExplainEntry {
	const headline =
		category === null ? result.headline : result.byCategory.find((h) => h.category === category);
	const placesAdded = headline?.placesAdded ?? 0;
	const partners = result.fundingByPartner.filter(
		(p) => category === null || p.category === category
	);
	const designs = result.lots.filter((d) => category === null || d.category === category);
	const inputs: ExplainEntry['inputs'] = [
		...partners.map((p) => ({
			name: `${p.name}: £ a year`,
			value: p.annualGbp,
			ref: explainId.partner(p.changeId, p.partnerIndex, 'annualGbp')
		})),
		...designs.flatMap((d) => [
			{
				name: `${d.category} in ${d.regionName}: £ a year let`,
				value: d.annualGbp,
				ref: explainId.design(d.changeId, 'annualGbp')
			},
			{
				name: `${d.category} in ${d.regionName}: £ a year of the contracts replaced`,
				value: d.currentSpendGbp,
				ref: explainId.design(d.changeId, 'currentSpendGbp')
			}
		]),
		{ name: 'places added', value: placesAdded, ref: explainId.headline('placesAdded', category) }
	];
	const money =
		partners.reduce((s, p) => s + p.annualGbp, 0) +
		designs.reduce((s, d) => s + d.annualGbp - d.currentSpendGbp, 0);
	return {
		id: extraPlaceId(category),
		label: `£ a year per extra place${category ? ` for ${category}` : ''}`,
		value: placesAdded >= 0.5 ? money / placesAdded : null,
		unit: 'GBP',
		formula:
			'(partners’ £ a year + £ a year let by re-lets − £ a year of the contracts they replace) ÷ places added; not known when no places are added',
		inputs,
		assumptions: [],
		datasetVersions: result.datasetVersions
	};
}
