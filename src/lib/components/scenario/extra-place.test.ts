import { describe, expect, it } from 'vitest';
import { explainId, runScenario } from '$lib/domain/scenario';
import { changes, makeAssumptions, makeBaseline } from '$lib/domain/scenario/test-fixtures';
import { extraPlaceCost, extraPlaceId } from './extra-place';

const baseline = makeBaseline();

describe('extraPlaceCost', () => {
	it('is not known when nothing is added', () => {
		const result = runScenario(baseline, [], makeAssumptions());
		const entry = extraPlaceCost(result, 'Accommodation');
		expect(entry.id).toBe(extraPlaceId('Accommodation'));
		expect(entry.value).toBeNull();
	});

	it('divides the new money by the places it adds, each input linked to its explanation', () => {
		const result = runScenario(
			baseline,
			changes({
				type: 'co-commission',
				partners: [
					{
						name: 'Area B PCC',
						kind: 'pcc',
						annualGbp: 200_000,
						category: 'Accommodation',
						area: { pccArea: 'b' }
					}
				]
			}),
			makeAssumptions()
		);
		const entry = extraPlaceCost(result, null);
		// £200,000 at £1,000 a place = 200 places, all closing P3's gap of 470.
		expect(result.headline.placesAdded).toBeCloseTo(200);
		expect(entry.value).toBeCloseTo(1000);
		const ids = new Set(result.explanations.map((e) => e.id));
		for (const input of entry.inputs) expect(ids.has(input.ref!), input.ref).toBe(true);
		expect(entry.inputs.map((i) => i.ref)).toContain(
			explainId.partner('co-commission-1', 0, 'annualGbp')
		);
	});
});
