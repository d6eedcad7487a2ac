import { describe, expect, it } from 'vitest';
import { scenarioChangesSchema } from '$lib/domain/scenario';
import { newScenarioFormSchema, starterChanges, STARTERS } from './starters';

describe('starterChanges', () => {
	it.each(STARTERS.map((s) => s.value))('%s passes the changes schema', (start) => {
		const parsed = scenarioChangesSchema.safeParse(starterChanges(start, 'N54', 'Accommodation'));
		expect(parsed.success).toBe(true);
	});

	it('starts a partner with no money rather than an invented amount', () => {
		const [change] = starterChanges('co-commission', 'N54', 'Accommodation');
		expect(change).toMatchObject({
			type: 'co-commission',
			partners: [{ annualGbp: 0, category: 'Accommodation', area: { region: 'N54' } }]
		});
	});

	it('names the first partner as the organisation a partner speaks for', () => {
		const [change] = starterChanges('co-commission', 'N54', 'Accommodation', 'Durham PCC');
		expect(change).toMatchObject({ partners: [{ name: 'Durham PCC' }] });
		const [unnamed] = starterChanges('co-commission', 'N54', 'Accommodation');
		expect(unnamed).toMatchObject({ partners: [{ name: 'Partner 1' }] });
	});

	it('re-lets at what the current contracts cost (no £ given)', () => {
		const [change] = starterChanges('relet', 'N54', 'Accommodation');
		expect(change).not.toHaveProperty('annualGbp');
	});
});

describe('newScenarioFormSchema', () => {
	const schema = newScenarioFormSchema(['N54']);
	const form = {
		name: 'A',
		description: '',
		start: 'relet',
		region: 'N54',
		category: 'Accommodation'
	};

	it('accepts a complete form', () => {
		expect(schema.safeParse(form).success).toBe(true);
	});

	it('needs no region or category for an empty start', () => {
		expect(schema.safeParse({ ...form, start: 'empty', region: '', category: '' }).success).toBe(
			true
		);
	});

	it('names each missing field', () => {
		const parsed = schema.safeParse({ ...form, name: ' ', region: 'N99', category: 'Cake' });
		expect(parsed.success).toBe(false);
		expect(parsed.error!.issues.map((i) => [i.path[0], i.message])).toEqual([
			['name', 'Enter a name for the scenario'],
			['region', 'Choose a probation region'],
			['category', 'Choose a CRS category']
		]);
	});
});
