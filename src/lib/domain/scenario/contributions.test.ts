import { describe, expect, it } from 'vitest';
import { changesBeyondContributions, type ScenarioDraft } from './contributions';
import { scenarioChangesSchema, type ScenarioChangeInput } from './schema';

const pcc = (name: string, annualGbp: number) => ({
	name,
	kind: 'pcc' as const,
	annualGbp,
	category: 'Accommodation',
	area: { pccArea: 'a' }
});

function draft(changes: ScenarioChangeInput[], over: Partial<ScenarioDraft> = {}): ScenarioDraft {
	return {
		name: 'Durham',
		description: '',
		changes: scenarioChangesSchema.parse(changes),
		assumptions: { unitCostGbp: { Accommodation: 1000 } },
		...over
	};
}

const RELET: ScenarioChangeInput = { type: 'relet', region: 'R', category: 'Accommodation' };
const BASE = draft([
	RELET,
	{
		type: 'co-commission',
		id: 'pccs',
		partners: [pcc('Durham PCC', 400_000), pcc('Cleveland PCC', 100_000)]
	}
]);
const DURHAM = 'Durham PCC';

describe('changesBeyondContributions', () => {
	it('finds nothing when only the organisation’s own contribution changes (name matched whatever its case and spacing)', () => {
		const after = draft([
			RELET,
			{
				type: 'co-commission',
				id: 'pccs',
				partners: [pcc('durham  pcc', 450_000), pcc('Cleveland PCC', 100_000)]
			}
		]);
		expect(changesBeyondContributions(BASE, after, DURHAM)).toEqual([]);
		expect(changesBeyondContributions(BASE, BASE, DURHAM)).toEqual([]);
	});

	it('lets the organisation add and remove its contributions, in existing and new changes', () => {
		const removed = draft([
			RELET,
			{ type: 'co-commission', id: 'pccs', partners: [pcc('Cleveland PCC', 100_000)] }
		]);
		expect(changesBeyondContributions(BASE, removed, DURHAM)).toEqual([]);
		const added = draft([
			{ type: 'co-commission', partners: [pcc(DURHAM, 50_000)] },
			...(BASE.changes as ScenarioChangeInput[])
		]);
		expect(changesBeyondContributions(BASE, added, DURHAM)).toEqual([]);
		expect(changesBeyondContributions(added, BASE, DURHAM)).toEqual([]);
	});

	it('names another partner’s contribution, a re-let, the assumptions, the name and the description', () => {
		const after = draft(
			[
				{ type: 'relet', region: 'R', category: 'Accommodation', mechanism: 'grant' },
				{
					type: 'co-commission',
					id: 'pccs',
					partners: [pcc(DURHAM, 400_000), pcc('Cleveland PCC', 1)]
				}
			],
			{ name: 'Mine now', description: 'changed', assumptions: {} }
		);
		expect(changesBeyondContributions(BASE, after, DURHAM)).toEqual([
			'the scenario’s name',
			'its description',
			'its assumptions',
			'the re-let of Accommodation in R (change 1)',
			'other partners’ contributions (change 2, “pccs”)'
		]);
	});

	it('names a removed or added change that is not the organisation’s own', () => {
		const without = draft([
			{
				type: 'co-commission',
				id: 'pccs',
				partners: [pcc(DURHAM, 400_000), pcc('Cleveland PCC', 100_000)]
			}
		]);
		expect(changesBeyondContributions(BASE, without, DURHAM)).toEqual([
			'removing the re-let of Accommodation in R (change 1)'
		]);
		expect(changesBeyondContributions(without, BASE, DURHAM)).toEqual([
			'adding the re-let of Accommodation in R (change 1)'
		]);
		const someoneElses = draft([
			...(BASE.changes as ScenarioChangeInput[]),
			{ type: 'co-commission', id: 'new', partners: [pcc('Cleveland PCC', 5)] }
		]);
		expect(changesBeyondContributions(BASE, someoneElses, DURHAM)).toEqual([
			'adding other partners’ contributions (change 3, “new”)'
		]);
	});

	it('counts a contribution renamed to another organisation as a change to others’ contributions', () => {
		const renamed = draft([
			RELET,
			{
				type: 'co-commission',
				id: 'pccs',
				partners: [pcc('Northumbria PCC', 400_000), pcc('Cleveland PCC', 100_000)]
			}
		]);
		expect(changesBeyondContributions(BASE, renamed, DURHAM)).toEqual([
			'other partners’ contributions (change 2, “pccs”)'
		]);
	});

	it('notices the changes reordered, and assumptions equal whatever their key order', () => {
		const reordered = draft([BASE.changes[1] as ScenarioChangeInput, RELET]);
		expect(changesBeyondContributions(BASE, reordered, DURHAM)).toEqual([
			'the order of the changes'
		]);
		const sameAssumptions = { ...BASE, assumptions: { unitCostGbp: { Accommodation: 1000 } } };
		expect(changesBeyondContributions(BASE, sameAssumptions, DURHAM)).toEqual([]);
	});
});
