import { z } from 'zod';
import { CRS_CATEGORIES, type CrsCategory } from '$lib/domain/categories';
import type { ScenarioAssumptionsInput, ScenarioChangeInput } from '$lib/domain/scenario';

/** What a new scenario starts with: one change of a type the users named, or nothing. */
export const STARTERS = [
	{
		value: 'co-commission',
		label: 'Co-commissioning',
		hint: 'Partners such as a PCC, local authority or NHS body add money for a category in an area.'
	},
	{
		value: 'relet',
		label: 'Grants versus contracts',
		hint: 'Re-let a category’s money in a region as one contract, lots per PCC area or PDU, or grants.'
	},
	{
		value: 'inclusion',
		label: 'Smaller-provider inclusion',
		hint: 'Set-asides, a grant route for small lots, capacity building and lots sized for small organisations.'
	},
	{ value: 'empty', label: 'Nothing yet', hint: 'Add changes in the studio.' }
] as const;
export type Starter = (typeof STARTERS)[number]['value'];

/** The new-scenario form, as posted. Region and category are needed unless it starts empty. */
export function newScenarioFormSchema(regionCodes: readonly string[]) {
	return z
		.object({
			name: z
				.string()
				.trim()
				.min(1, 'Enter a name for the scenario')
				.max(200, 'Name must be 200 characters or fewer'),
			description: z
				.string()
				.trim()
				.max(2000, 'Description must be 2,000 characters or fewer')
				.default(''),
			start: z.enum(
				STARTERS.map((s) => s.value),
				{ error: () => 'Choose what to start with' }
			),
			region: z.string().default(''),
			category: z.string().default('')
		})
		.superRefine((v, ctx) => {
			if (v.start === 'empty') return;
			if (!regionCodes.includes(v.region))
				ctx.addIssue({ code: 'custom', path: ['region'], message: 'Choose a probation region' });
			if (!(CRS_CATEGORIES as readonly string[]).includes(v.category))
				ctx.addIssue({ code: 'custom', path: ['category'], message: 'Choose a CRS category' });
		});
}

/**
 * The changes a new scenario starts with. Nothing is invented: a partner starts with £0 a year for
 * the user to fill in (named as the organisation a partner speaks for, when it is a partner making
 * it), and a re-let starts at what the category's current contracts cost.
 */
export function starterChanges(
	start: Starter,
	region: string,
	category: CrsCategory,
	speaksFor: string | null = null
): ScenarioChangeInput[] {
	switch (start) {
		case 'co-commission':
			return [
				{
					type: 'co-commission',
					partners: [
						{
							name: speaksFor ?? 'Partner 1',
							kind: 'pcc',
							annualGbp: 0,
							category,
							area: { region }
						}
					]
				}
			];
		case 'relet':
			return [{ type: 'relet', region, category, lotGeography: 'region', mechanism: 'contract' }];
		case 'inclusion':
			return [{ type: 'inclusion', region, category }];
		case 'empty':
			return [];
	}
}

/** The planning date is pinned when a scenario is made, so its numbers stay reproducible. */
export function starterAssumptions(today: string): ScenarioAssumptionsInput {
	return { planningDate: today };
}
