import { z } from 'zod';
import { defaultAssumptions } from '$lib/domain/assumptions';
import { CRS_CATEGORIES, parseCategory, type CrsCategory } from '$lib/domain/categories';
import type { CoverageAssumptions } from '$lib/domain/coverage';
import { SUBGROUPS, type Subgroup } from '$lib/domain/subgroups';
import { isRealIsoDate } from '$lib/dates';

/** What a gap view shows, as it lives in the URL: shared by the page, its CSV and the API. */
export interface GapQuery {
	region: string | null;
	category: CrsCategory;
	subgroup: Subgroup;
	date: string;
	/** £ per person per year for the chosen category */
	unitCost: number;
	/** count 2021 awards past their term while R&M still takes referrals */
	continued: boolean;
	measure: 'coverage' | 'gap';
	pdu: string | null;
}

const isoDate = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'use a date like 2027-03-31', abort: true })
	.refine(isRealIsoDate, 'not a real date');

export const gapQuerySchema = z.object({
	region: z
		.string()
		.regex(/^[A-Za-z0-9]{1,8}$/, 'use a region code such as N54')
		.optional(),
	category: z
		.string()
		.transform((v, ctx) => {
			const c = parseCategory(v) ?? CRS_CATEGORIES.find((x) => x.toLowerCase() === v.toLowerCase());
			if (!c) {
				ctx.addIssue({
					code: 'custom',
					message: `'${v}' is not a CRS category. Valid: ${CRS_CATEGORIES.join('; ')}`
				});
				return z.NEVER;
			}
			return c;
		})
		.optional(),
	subgroup: z.enum(SUBGROUPS, { message: `use one of ${SUBGROUPS.join(', ')}` }).optional(),
	date: isoDate.optional(),
	unitCost: z.coerce
		.number()
		.positive('must be more than £0')
		.max(1_000_000, 'must be at most £1,000,000')
		.optional(),
	continued: z.enum(['1', '0']).optional(),
	measure: z.enum(['coverage', 'gap']).optional(),
	pdu: z
		.string()
		.regex(/^[A-Za-z0-9]{1,12}$/)
		.optional()
});

export type GapQueryResult =
	{ ok: true; query: GapQuery } | { ok: false; errors: { field: string; message: string }[] };

/** Read a gap view from URL parameters; blank parameters mean the default. */
export function parseGapQuery(params: URLSearchParams, today: string): GapQueryResult {
	const raw: Record<string, string> = {};
	for (const [key, value] of params) if (value.trim() !== '') raw[key] = value.trim();
	const parsed = gapQuerySchema.safeParse(raw);
	if (!parsed.success)
		return {
			ok: false,
			errors: parsed.error.issues.map((i) => ({
				field: String(i.path[0] ?? ''),
				message: i.message
			}))
		};
	const q = parsed.data;
	return {
		ok: true,
		query: {
			region: q.region?.toUpperCase() ?? null,
			category: q.category ?? 'Accommodation',
			subgroup: q.subgroup ?? 'all',
			date: q.date ?? today,
			unitCost: q.unitCost ?? defaultAssumptions(today).unitCostGbp[q.category ?? 'Accommodation'],
			continued: q.continued !== '0',
			measure: q.measure ?? 'coverage',
			pdu: q.pdu?.toUpperCase() ?? null
		}
	};
}

/** The URL parameters for a view, leaving out the defaults so links stay short. */
export function gapQueryParams(query: GapQuery, today: string): URLSearchParams {
	const params = new URLSearchParams();
	if (query.region) params.set('region', query.region);
	params.set('category', query.category);
	params.set('subgroup', query.subgroup);
	if (query.date !== today) params.set('date', query.date);
	if (query.unitCost !== defaultAssumptions(today).unitCostGbp[query.category])
		params.set('unitCost', String(query.unitCost));
	if (!query.continued) params.set('continued', '0');
	if (query.measure !== 'coverage') params.set('measure', query.measure);
	if (query.pdu) params.set('pdu', query.pdu);
	return params;
}

/** The model's assumptions for a view: the defaults, with the view's date, unit cost and continuation rule. */
export function assumptionsFor(query: GapQuery): CoverageAssumptions {
	const base = defaultAssumptions(query.date);
	return {
		...base,
		unitCostGbp: { ...base.unitCostGbp, [query.category]: query.unitCost },
		continueWhileReferralsOpen: query.continued
	};
}
