import { z } from 'zod';
import { CRS_CATEGORIES, parseCategory } from '../categories';
import { SUBGROUPS } from '../subgroups';

/**
 * The changes a scenario applies to a baseline, as validated at every boundary (studio form, saved
 * scenario, `POST /api/v1/scenarios/run`). Money is £ a year unless a name says otherwise.
 * Geography codes (regions, PCC areas, PDUs) are only checked against a baseline by
 * `validateChanges`, because the schema does not know the data.
 */

export const PARTNER_KINDS = [
	'pcc',
	'local-authority',
	'nhs',
	'combined-authority',
	'other'
] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];

export const PARTNER_KIND_LABELS: Record<PartnerKind, string> = {
	pcc: 'Police and Crime Commissioner',
	'local-authority': 'Local authority',
	nhs: 'NHS / integrated care board',
	'combined-authority': 'Combined authority',
	other: 'Other partner'
};

/** A CRS category by its name or a common short form ("ETE", "Finance, Benefits & Debt"). */
export const categorySchema = z.preprocess(
	(value) => (typeof value === 'string' ? (parseCategory(value) ?? value) : value),
	z.enum(CRS_CATEGORIES, { error: () => `must be one of: ${CRS_CATEGORIES.join('; ')}` })
);

const gbp = z.number().finite().nonnegative().max(10_000_000_000);
const code = z.string().trim().min(1).max(100);
const changeId = z
	.string()
	.trim()
	.regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, "-" and "_" only (at most 40)');

/** Where a partner's money may be spent: a whole probation region, one PCC area, or named PDUs. */
export const areaSchema = z.union([
	z.strictObject({ region: code }),
	z.strictObject({ pccArea: code }),
	z.strictObject({ pdus: z.array(code).min(1).max(200) })
]);

export const partnerSchema = z.strictObject({
	name: z.string().trim().min(1).max(200),
	kind: z.enum(PARTNER_KINDS),
	/** £ a year the partner puts in */
	annualGbp: gbp,
	category: categorySchema,
	area: areaSchema,
	/** ring-fence: the places are for this group only */
	subgroup: z.enum(SUBGROUPS).optional()
});

export const coCommissionSchema = z.strictObject({
	type: z.literal('co-commission'),
	id: changeId.optional(),
	partners: z.array(partnerSchema).min(1).max(50)
});

export const LOT_GEOGRAPHIES = ['region', 'pcc-area', 'pdu'] as const;

/** One lot for the region, one per PCC area, one per PDU, or named groups of PDU codes. */
export const lotGeographySchema = z.union([
	z.enum(LOT_GEOGRAPHIES),
	z.strictObject({
		groups: z
			.array(
				z.strictObject({
					name: z.string().trim().min(1).max(200).optional(),
					pdus: z.array(code).min(1).max(200)
				})
			)
			.min(1)
			.max(200)
	})
]);

export const eligibilitySchema = z.strictObject({
	/** financial standing: annual turnover must be at least this × the lot's annual value */
	turnoverMultiple: z.number().finite().min(0).max(100).optional(),
	/** £ of cover; recorded, but no organisation's insurance is known, so it is not checked */
	minInsuranceGbp: gbp.nullable().optional(),
	/** bidders must be on the Dynamic Framework for the category */
	dfRegistrationRequired: z.boolean().optional()
});

export const reletSchema = z.strictObject({
	type: z.literal('relet'),
	id: changeId.optional(),
	/** probation region code, e.g. N54 */
	region: code,
	category: categorySchema,
	lotGeography: lotGeographySchema.default('region'),
	mechanism: z.enum(['contract', 'grant']).default('contract'),
	termYears: z.number().finite().positive().max(25).default(3),
	/** £ a year across all lots; omitted: what the category's current contracts in the region cost */
	annualGbp: gbp.optional(),
	eligibility: eligibilitySchema.default({}),
	consortiaAllowed: z.boolean().default(true),
	subcontractingAllowed: z.boolean().default(true),
	/** £ per lot for the commissioner to run the competition; omitted: the assumption */
	commissionerCostPerLotGbp: gbp.optional(),
	/** £ per bid for a bidder; omitted: the assumption */
	bidderCostPerBidGbp: gbp.optional()
});

export const SET_ASIDE_FOR = ['small', 'small-or-specialist'] as const;

export const inclusionSchema = z.strictObject({
	type: z.literal('inclusion'),
	id: changeId.optional(),
	region: code,
	category: categorySchema,
	/** % of each lot's value reserved for lots led by small (or specialist) organisations */
	setAsidePercent: z.number().finite().min(0).max(100).default(0),
	setAsideFor: z.enum(SET_ASIDE_FOR).default('small-or-specialist'),
	/** lots worth less than this (£ a year) are let as grants, with proportionate thresholds */
	grantRouteUnderGbp: gbp.nullable().default(null),
	/** £ (once) to help small organisations bid and deliver; it buys no places */
	capacityBuildingFundGbp: gbp.default(0),
	/** lots worth more than this (£ a year) are split into equal parts no bigger */
	maxLotGbp: z.number().finite().positive().max(10_000_000_000).nullable().default(null)
});

export const scenarioChangeSchema = z.discriminatedUnion('type', [
	coCommissionSchema,
	reletSchema,
	inclusionSchema
]);

/** A list of changes: ids unique; at most one re-let and one inclusion per region and category. */
export const scenarioChangesSchema = z
	.array(scenarioChangeSchema)
	.max(20)
	.superRefine((changes, ctx) => {
		const ids = new Set<string>();
		const designs = new Set<string>();
		changes.forEach((change, i) => {
			const id = changeIdOf(change, i);
			if (ids.has(id))
				ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `id "${id}" is used twice` });
			ids.add(id);
			if (change.type === 'co-commission') return;
			const key = `${change.type}|${change.region}|${change.category}`;
			if (designs.has(key))
				ctx.addIssue({
					code: 'custom',
					path: [i],
					message: `only one ${change.type} per region and category (${change.region}, ${change.category})`
				});
			designs.add(key);
		});
	});

export type ScenarioChange = z.output<typeof scenarioChangeSchema>;
export type ScenarioChangeInput = z.input<typeof scenarioChangeSchema>;
export type CoCommissionChange = z.output<typeof coCommissionSchema>;
export type ReletChange = z.output<typeof reletSchema>;
export type InclusionChange = z.output<typeof inclusionSchema>;
export type Partner = z.output<typeof partnerSchema>;
export type PartnerArea = z.output<typeof areaSchema>;
export type LotGeography = z.output<typeof lotGeographySchema>;

/** A change's id: the one given, else its type and position (1-based), e.g. "relet-2". */
export function changeIdOf(change: { type: string; id?: string | undefined }, index: number) {
	return change.id ?? `${change.type}-${index + 1}`;
}

const positive = z.number().finite().positive().max(10_000_000);
const multiple = z.number().finite().min(0).max(100);
const routeThresholds = z
	.strictObject({ turnoverMultiple: multiple, dfRegistrationRequired: z.boolean() })
	.partial();
const routeCosts = z.strictObject({ commissionerPerLotGbp: gbp, bidderPerBidGbp: gbp }).partial();

/** Overrides of the scenario assumptions; anything left out takes its default. */
export const scenarioAssumptionsSchema = z.strictObject({
	planningDate: z.iso.date().optional(),
	unitCostGbp: z.partialRecord(z.enum(CRS_CATEGORIES), positive).optional(),
	subgroupShares: z
		.partialRecord(z.enum(SUBGROUPS), z.number().min(0).max(1).nullable())
		.optional(),
	continueWhileReferralsOpen: z.boolean().optional(),
	siteCatchmentKm: z.number().finite().positive().max(500).optional(),
	subgroups: z.array(z.enum(SUBGROUPS)).min(1).max(SUBGROUPS.length).optional(),
	thresholds: z
		.strictObject({
			contract: routeThresholds,
			grant: routeThresholds,
			smallIncomeGbp: gbp,
			microIncomeGbp: gbp,
			maxConsortiumSize: z.int().min(1).max(10),
			atRiskBelowBids: z.int().min(1).max(10)
		})
		.partial()
		.optional(),
	transactionCosts: z
		.strictObject({
			contract: routeCosts,
			grant: routeCosts,
			expectedBidShare: z.number().min(0).max(1)
		})
		.partial()
		.optional()
});
export type ScenarioAssumptionsInput = z.input<typeof scenarioAssumptionsSchema>;

/** The body of `POST /api/v1/scenarios/run`. */
export const scenarioRunBodySchema = z.strictObject({
	changes: scenarioChangesSchema,
	assumptions: scenarioAssumptionsSchema.optional()
});
export type ScenarioRunBody = z.output<typeof scenarioRunBodySchema>;
