import { describe, expect, it } from 'vitest';
import { explainId, indexExplanations, runScenario } from '$lib/domain/scenario';
import { changes, makeAssumptions, makeBaseline } from '$lib/domain/scenario/test-fixtures';
import { derivedEntry, studioId } from './derived-entries';
import { extraPlaceId } from './extra-place';

// Area B PCC adds £200,000 a year for Accommodation: 200 places in P3 (need 500, gap 470).
const result = runScenario(
	makeBaseline(),
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
const entries = indexExplanations(result.explanations);
const derive = (id: string) => derivedEntry(result, entries, id);

describe('derivedEntry', () => {
	it('explains a PDU’s change in gap from its two gaps', () => {
		const entry = derive(studioId.pduGapChange('P3', 'Accommodation', 'all'))!;
		expect(entry.value).toBeCloseTo(-200);
		expect(entry.inputs.map((i) => i.ref)).toEqual([
			explainId.pdu('P3', 'Accommodation', 'all', 'scenario', 'gap'),
			explainId.pdu('P3', 'Accommodation', 'all', 'baseline', 'gap')
		]);
		expect(entry.label).toBe('Change in gap, Three, Accommodation');
	});

	it('explains a PDU’s need from the caseload and shares', () => {
		const entry = derive(studioId.pduNeed('P3', 'Accommodation', 'all'))!;
		expect(entry.value).toBe(500);
		expect(entry.inputs.map((i) => i.name)).toEqual(['caseload', 'need share', 'subgroup share']);
	});

	it('explains headline differences and £ per extra place', () => {
		const coverage = derive(studioId.headlineChange('coverage', 'Accommodation'))!;
		expect(coverage.value).toBeGreaterThan(0);
		expect(coverage.unit).toBe('share');
		expect(derive(extraPlaceId(null))!.value).toBeCloseTo(1000);
	});

	it.each([
		'pdu:P3:Accommodation:scenario.gap',
		'studio:pdu:P3:Cake:all:need',
		'studio:pdu:P3:Accommodation:nobody:need',
		'studio:headline:Cake:coverageChange',
		'studio:something-else'
	])('leaves %s to the model (or to nobody)', (id) => {
		expect(derive(id)).toBeUndefined();
	});
});
