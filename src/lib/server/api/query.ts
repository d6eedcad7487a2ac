import { z } from 'zod';
import { CRS_CATEGORIES, parseCategory, type CrsCategory } from '$lib/domain/categories';
import { SUPPLY_SOURCES, type SupplySource } from '$lib/domain/supply';
import { ApiError } from './respond';
import { notOneOf, quoteInput, quoteList, suggestNearest } from './suggest';

/**
 * Query-string schemas for the read API. Each endpoint has a strict schema, so a parameter it does
 * not know is an error rather than silently ignored (a typo such as `?regoin=N54` would otherwise
 * return every region). Values arrive as strings; an empty value counts as not given, as an
 * unfilled form field does.
 */

/** Longer than any valid value; stops a huge input being echoed back in an error. */
const MAX_LENGTH = 100;
const text = z.string().trim().max(MAX_LENGTH);

export const sourceParam = text.transform((value, ctx): SupplySource => {
	const found = SUPPLY_SOURCES.find((s) => s === value.toLowerCase());
	if (found) return found;
	ctx.addIssue({
		code: 'custom',
		message: notOneOf(
			value,
			'a supply source',
			suggestNearest(value, SUPPLY_SOURCES),
			quoteList(SUPPLY_SOURCES)
		)
	});
	return z.NEVER;
});

/**
 * Everyday words for a need that are not spellings of a CRS category, used only to suggest one:
 * `category=Housing` is still refused, with "Did you mean 'Accommodation'?". Words inside a
 * category's name ("debt", "wellbeing") need no entry: `suggestNearest` finds those itself.
 */
const CATEGORY_HINTS: Record<CrsCategory, readonly string[]> = {
	Accommodation: ['housing', 'homelessness', 'homeless', 'no fixed abode', 'nfa'],
	'Education, Training and Employment': ['work', 'jobs', 'job', 'skills'],
	'Finance, Benefits and Debt': ['money', 'benefit', 'debts'],
	'Dependency and Recovery': ['drugs', 'drug misuse', 'alcohol', 'substance misuse', 'addiction'],
	'Lifestyle and Associates': ['peers', 'peer associates'],
	'Family and Significant Others': ['relationships', 'parenting'],
	'Emotional Wellbeing': ['mental health', 'well-being'],
	'Social Inclusion': ['isolation']
};

const CATEGORY_CANDIDATES = CRS_CATEGORIES.map((category) => ({
	value: category,
	spellings: [category, ...CATEGORY_HINTS[category]]
}));

/** One of the eight CRS categories, by its name or any spelling `parseCategory` knows. */
export const categoryParam = text.transform((value, ctx): CrsCategory => {
	const found = parseCategory(value);
	if (found) return found;
	ctx.addIssue({
		code: 'custom',
		message: notOneOf(
			value,
			'a CRS category',
			suggestNearest(value, CATEGORY_CANDIDATES),
			quoteList(CRS_CATEGORIES)
		)
	});
	return z.NEVER;
});

export const YEAR_RANGE = { min: 2000, max: 2100 } as const;

export const yearParam = text.transform((value, ctx): number => {
	const year = /^\d{4}$/.test(value) ? Number(value) : undefined;
	if (year !== undefined && year >= YEAR_RANGE.min && year <= YEAR_RANGE.max) return year;
	const guess = /^\d{2}$/.test(value) ? ` Did you mean '20${value}'?` : '';
	ctx.addIssue({
		code: 'custom',
		message:
			year === undefined
				? `${quoteInput(value)} is not a 4-digit year.${guess} Valid: ${YEAR_RANGE.min}–${YEAR_RANGE.max}`
				: `${year} is outside the years covered. Valid: ${YEAR_RANGE.min}–${YEAR_RANGE.max}`
	});
	return z.NEVER;
});

/**
 * A probation region as sent: an nDelius code (N54) or an R&M letter (A). Whether it exists is
 * checked against the database by `resolveRegion`, which also suggests the nearest.
 */
export const regionParam = text;

/** For endpoints that take no query parameters. */
export const noQuery = z.strictObject({});
export const pdusQuery = z.strictObject({ region: regionParam.optional() });
export const servicesQuery = z.strictObject({
	source: sourceParam.optional(),
	region: regionParam.optional(),
	category: categoryParam.optional(),
	year: yearParam.optional()
});

function describeIssue(issue: z.core.$ZodIssue, known: readonly string[]): string {
	if (issue.code === 'unrecognized_keys') {
		const names = issue.keys.map(quoteInput).join(', ');
		const guesses = issue.keys
			.map((key) => suggestNearest(key, known))
			.filter((g): g is string => g !== undefined);
		const hint = guesses.length ? ` Did you mean ${quoteList([...new Set(guesses)])}?` : '';
		const valid = known.length
			? known.join(', ')
			: 'none (this endpoint takes no query parameters)';
		const noun = issue.keys.length > 1 ? 'unknown parameters' : 'unknown parameter';
		return `${noun} ${names}.${hint} Valid: ${valid}`;
	}
	return `${issue.path.map(String).join('.')}: ${issue.message}`;
}

/**
 * Parse a query string with one of the schemas above; throws a 400 `ApiError` whose detail names
 * every parameter at fault and why. A parameter given twice is refused rather than one copy ignored.
 */
export function parseQuery<Shape extends z.ZodRawShape>(
	schema: z.ZodObject<Shape, z.core.$strict>,
	params: URLSearchParams
): z.output<z.ZodObject<Shape, z.core.$strict>> {
	const input: Record<string, string | undefined> = {};
	const problems: string[] = [];
	for (const key of new Set(params.keys())) {
		const values = params.getAll(key);
		if (values.length > 1) problems.push(`${key}: given ${values.length} times; give it once`);
		const value = values[0]!.trim();
		input[key] = value === '' ? undefined : value;
	}
	const result = schema.safeParse(input);
	if (!result.success) {
		const known = Object.keys(schema.shape);
		problems.push(...result.error.issues.map((issue) => describeIssue(issue, known)));
	}
	if (problems.length || !result.success) throw new ApiError(400, problems.join('; '));
	return result.data;
}
