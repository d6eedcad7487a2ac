import { z } from 'zod';
import { DEFAULT_UNIT_COST_GBP, DEFAULT_UNIT_COSTS } from '$lib/domain/assumptions';
import type { CrsCategory } from '$lib/domain/categories';
import {
	cliffStatements,
	computeCliff,
	defaultCliffDates,
	describeCliffMethod,
	shareOf,
	type CliffAmount,
	type CliffFigures,
	type CliffServiceRow
} from '$lib/domain/cliff';
import { computeMarket, MARKET_METHOD, type MarketShape } from '$lib/domain/market';
import { toCsv } from '$lib/csv';
import type { DB } from '../db';
import { loadBaseline, type Baseline } from '../planning/baseline';
import { listOrganisations } from '../repositories/organisations';
import { resolveRegion } from './handlers';
import { categoryParam, parseQuery, regionParam, YEAR_RANGE } from './query';
import { ApiError, respond } from './respond';
import { quoteInput } from './suggest';
import { isRealIsoDate, todayIso } from '$lib/dates';

/**
 * The contract cliff and market shape: query schemas, the reports the API, pages and CSV share, and
 * the two API handlers (GET /api/v1/cliff, GET /api/v1/market).
 */

export const CLIFF_MARKET_ENDPOINTS = [
	'/api/v1/cliff?region=&category=&dates=&asOf=',
	'/api/v1/market?region=&category='
] as const;

/** At most this many cut-off dates in one request. */
export const MAX_CLIFF_DATES = 12;

/** "31/03/2027" → "2027-03-31", to suggest; undefined when it does not look like a UK date. */
function guessIsoDate(value: string): string | undefined {
	const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(value);
	if (!m) return undefined;
	const iso = `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
	return isRealIsoDate(iso) ? iso : undefined;
}

function dateProblem(value: string): string | undefined {
	if (/^\d{4}-\d{2}-\d{2}$/.test(value) && isRealIsoDate(value)) {
		const year = Number(value.slice(0, 4));
		return year >= YEAR_RANGE.min && year <= YEAR_RANGE.max
			? undefined
			: `${quoteInput(value)} is outside the years covered. Valid: ${YEAR_RANGE.min}–${YEAR_RANGE.max}`;
	}
	const guess = guessIsoDate(value);
	return `${quoteInput(value)} is not a date.${guess ? ` Did you mean '${guess}'?` : ''} Valid: YYYY-MM-DD, e.g. 2027-03-31`;
}

/** One ISO date, YYYY-MM-DD. */
export const dateParam = z
	.string()
	.trim()
	.max(100)
	.transform((value, ctx) => {
		const problem = dateProblem(value);
		if (!problem) return value;
		ctx.addIssue({ code: 'custom', message: problem });
		return z.NEVER;
	});

/** Comma-separated ISO dates, de-duplicated and sorted. */
export const datesParam = z
	.string()
	.trim()
	.max(MAX_CLIFF_DATES * 12)
	.transform((value, ctx) => {
		const parts = value
			.split(',')
			.map((p) => p.trim())
			.filter(Boolean);
		const problems = parts.map(dateProblem).filter((p): p is string => p !== undefined);
		if (parts.length > MAX_CLIFF_DATES)
			problems.push(`${parts.length} dates given. Valid: at most ${MAX_CLIFF_DATES}`);
		if (parts.length === 0) problems.push('no dates given. Valid: YYYY-MM-DD,YYYY-MM-DD,…');
		if (problems.length) {
			ctx.addIssue({ code: 'custom', message: problems.join('; ') });
			return z.NEVER;
		}
		return [...new Set(parts)].sort();
	});

export const cliffQuery = z.strictObject({
	region: regionParam.optional(),
	category: categoryParam.optional(),
	dates: datesParam.optional(),
	asOf: dateParam.optional()
});
export const marketQuery = z.strictObject({
	region: regionParam.optional(),
	category: categoryParam.optional()
});

export interface Choice {
	regionCode: string | null;
	category: CrsCategory | null;
}

/**
 * Region and category from a page's URL, validated exactly as the API does (same messages and
 * suggestions). Parameters other than these two are ignored, as a page may carry others.
 */
export async function readChoice(
	db: DB,
	params: URLSearchParams
): Promise<{ ok: true; choice: Choice } | { ok: false; errors: string[] }> {
	const picked = new URLSearchParams();
	for (const key of ['region', 'category'])
		for (const value of params.getAll(key)) picked.append(key, value);
	try {
		const q = parseQuery(marketQuery, picked);
		const regionCode = q.region ? await resolveRegion(db, 'region', q.region, 400) : null;
		return { ok: true, choice: { regionCode, category: q.category ?? null } };
	} catch (caught) {
		if (caught instanceof ApiError) return { ok: false, errors: caught.detail.split('; ') };
		throw caught;
	}
}

/** The 12 regions, by name, for forms and labels. */
export function regionChoices(baseline: Pick<Baseline, 'pdus'>): { code: string; name: string }[] {
	const names = new Map(baseline.pdus.map((p) => [p.regionCode, p.regionName]));
	return [...names]
		.map(([code, name]) => ({ code, name }))
		.sort((a, b) => a.name.localeCompare(b.name));
}

function provenanceOf(baseline: Baseline) {
	return {
		datasetVersions: baseline.datasetVersions,
		values: 'derived' as const,
		valuesNote: 'Published award values divided by the standard term to give £ a year.'
	};
}

// ---------------------------------------------------------------------------------------------
// Contract cliff

/** £ a year (whole £) and places a year (one decimal), with their shares of the current. */
export interface CliffCell {
	gbp: number;
	places: number;
	/** ÷ the current £ a year; null when nothing is current */
	gbpShare: number | null;
	/** ÷ the current places a year; null when nothing is current */
	placesShare: number | null;
}

export interface CliffFiguresReport {
	current: { gbp: number; places: number };
	continuedNow: CliffCell;
	byDate: { date: string; ending: CliffCell; noSuccessor: CliffCell; continued: CliffCell }[];
}

export interface CliffReport {
	asOf: string;
	dates: string[];
	filters: {
		region: string | null;
		regionName: string | null;
		category: CrsCategory | null;
	};
	assumptions: { unitCostGbp: number };
	statements: { date: string; cliff: string; continuation: string | null }[];
	total: CliffFiguresReport;
	byRegion: (CliffFiguresReport & { regionCode: string; regionName: string })[];
	byCategory: (CliffFiguresReport & { category: CrsCategory })[];
	byPdu: (CliffFiguresReport & { pduCode: string; pduName: string; regionCode: string })[];
	unallocated: CliffFiguresReport;
	services: CliffServiceRow[];
	notCounted: { reference: string; name: string; recordType: string }[];
	method: string;
	provenance: ReturnType<typeof provenanceOf> & {
		places: 'modelled';
		placesNote: string;
		caseload: 'modelled';
	};
}

const roundGbp = (n: number) => Math.round(n);
const roundPlaces = (n: number) => Math.round(n * 10) / 10;
const roundShare = (n: number | null) => (n === null ? null : Math.round(n * 1e6) / 1e6);

function cell(amount: CliffAmount, current: CliffAmount): CliffCell {
	return {
		gbp: roundGbp(amount.gbp),
		places: roundPlaces(amount.places),
		gbpShare: roundShare(shareOf(amount.gbp, current.gbp)),
		placesShare: roundShare(shareOf(amount.places, current.places))
	};
}

function figuresReport(f: CliffFigures): CliffFiguresReport {
	return {
		current: { gbp: roundGbp(f.current.gbp), places: roundPlaces(f.current.places) },
		continuedNow: cell(f.continuedNow, f.current),
		byDate: f.byDate.map((d) => ({
			date: d.date,
			ending: cell(d.ending, f.current),
			noSuccessor: cell(d.endingNoSuccessor, f.current),
			continued: cell(d.continued, f.current)
		}))
	};
}

/** The contract cliff for a region and category, from the current dataset versions. */
export async function buildCliffReport(
	db: DB,
	choice: Choice & { asOf: string; dates?: readonly string[] }
): Promise<CliffReport> {
	const baseline = await loadBaseline(db);
	const regions = regionChoices(baseline);
	const regionName = regions.find((r) => r.code === choice.regionCode)?.name ?? null;
	const dates = choice.dates ?? defaultCliffDates(choice.asOf);
	const result = computeCliff(baseline.services, baseline.pdus, {
		asOf: choice.asOf,
		dates,
		unitCostGbp: DEFAULT_UNIT_COSTS,
		regionCode: choice.regionCode,
		category: choice.category
	});
	const nameOf = new Map(regions.map((r) => [r.code, r.name]));
	return {
		asOf: result.asOf,
		dates: result.dates,
		filters: { region: choice.regionCode, regionName, category: choice.category },
		assumptions: { unitCostGbp: DEFAULT_UNIT_COST_GBP },
		statements: cliffStatements(result, { category: choice.category, regionName }),
		total: figuresReport(result.total),
		byRegion: result.byRegion
			.map((r) => ({
				regionCode: r.regionCode,
				regionName: nameOf.get(r.regionCode) ?? r.regionCode,
				...figuresReport(r)
			}))
			.sort((a, b) => a.regionName.localeCompare(b.regionName)),
		byCategory: result.byCategory.map((c) => ({ category: c.category, ...figuresReport(c) })),
		byPdu: result.byPdu.map((p) => ({
			pduCode: p.pduCode,
			pduName: p.pduName,
			regionCode: p.regionCode,
			...figuresReport(p)
		})),
		unallocated: figuresReport(result.unallocated),
		services: result.services.map((s) => ({
			...s,
			gbp: roundGbp(s.gbp),
			places: roundPlaces(s.places)
		})),
		notCounted: result.notCounted,
		method: describeCliffMethod(DEFAULT_UNIT_COST_GBP),
		provenance: {
			...provenanceOf(baseline),
			places: 'modelled',
			placesNote: `£ a year ÷ £${DEFAULT_UNIT_COST_GBP} per person a year (Landscape's assumption; no CRS unit cost is published).`,
			caseload: 'modelled'
		}
	};
}

/** GET /api/v1/cliff?region=&category=&dates=&asOf= */
export function getCliff(db: DB, query: URLSearchParams, today = todayIso()): Promise<Response> {
	return respond(async () => {
		const q = parseQuery(cliffQuery, query);
		const asOf = q.asOf ?? today;
		const early = (q.dates ?? []).filter((d) => d < asOf);
		if (early.length)
			throw new ApiError(
				400,
				`dates: ${early.map(quoteInput).join(', ')} ${early.length > 1 ? 'are' : 'is'} before asOf (${asOf}). Valid: dates on or after ${asOf}`
			);
		const regionCode = q.region ? await resolveRegion(db, 'region', q.region, 400) : null;
		return buildCliffReport(db, {
			regionCode,
			category: q.category ?? null,
			asOf,
			dates: q.dates
		});
	});
}

const percent = (share: number | null) => (share === null ? null : Math.round(share * 1000) / 10);

/**
 * The cliff as CSV, with the same numbers and rounding as the page: £ whole, places whole, shares as
 * a % to one decimal. One row per date for the choice, then per date for each PDU in scope.
 */
export function cliffCsv(report: CliffReport): string {
	const header = [
		'level',
		'region_code',
		'region',
		'pdu_code',
		'pdu',
		'category',
		'as_of',
		'date',
		'current_gbp_a_year',
		'current_places_a_year',
		'ending_gbp_a_year',
		'ending_places_a_year',
		'ending_percent_of_current_places',
		'no_successor_gbp_a_year',
		'no_successor_places_a_year',
		'no_successor_percent_of_current_places',
		'past_term_still_taking_referrals_gbp_a_year',
		'past_term_still_taking_referrals_places_a_year',
		'past_term_still_taking_referrals_percent_of_current_places'
	];
	const rowsOf = (
		level: string,
		f: CliffFiguresReport,
		where: { regionCode: string | null; regionName: string | null; pduCode?: string; pdu?: string }
	) =>
		f.byDate.map((d) => [
			level,
			where.regionCode,
			where.regionName ?? 'England and Wales',
			where.pduCode ?? null,
			where.pdu ?? null,
			report.filters.category ?? 'All categories',
			report.asOf,
			d.date,
			Math.round(f.current.gbp),
			Math.round(f.current.places),
			Math.round(d.ending.gbp),
			Math.round(d.ending.places),
			percent(d.ending.placesShare),
			Math.round(d.noSuccessor.gbp),
			Math.round(d.noSuccessor.places),
			percent(d.noSuccessor.placesShare),
			Math.round(d.continued.gbp),
			Math.round(d.continued.places),
			percent(d.continued.placesShare)
		]);
	const names = new Map(report.byRegion.map((r) => [r.regionCode, r.regionName]));
	const rows = [
		...rowsOf('selection', report.total, {
			regionCode: report.filters.region,
			regionName: report.filters.regionName
		}),
		...report.byPdu.flatMap((p) =>
			rowsOf('pdu', p, {
				regionCode: p.regionCode,
				regionName: names.get(p.regionCode) ?? p.regionCode,
				pduCode: p.pduCode,
				pdu: p.pduName
			})
		)
	];
	return toCsv(header, rows);
}

// ---------------------------------------------------------------------------------------------
// Market shape

export interface MarketReport {
	filters: { region: string | null; regionName: string | null; category: CrsCategory | null };
	/** the shape for the choice */
	scope: MarketShape;
	/** rows to compare: each region (England and Wales), or each category (one region) */
	rows: (MarketShape & { regionName: string | null })[];
	rowsBy: 'region' | 'category';
	method: string;
	provenance: ReturnType<typeof provenanceOf> & { organisations: string };
}

/** Where the organisation facts behind the market shape come from, in a sentence. */
function describeOrganisationFacts(
	organisations: readonly { factSources: readonly string[] }[]
): string {
	const imported = organisations.filter((o) => o.factSources.length > 0).length;
	if (imported === 0)
		return 'Organisation type as recorded with its basis; income, "by and for" and Welsh status are not recorded for any organisation yet.';
	return `Organisation type as recorded with its basis; income, type and "by and for" as given in imported supplier lists for ${imported} organisation${imported === 1 ? '' : 's'} (the newest current list wins); Welsh status is not recorded yet.`;
}

/** The market shape for a region and category, from the current dataset versions. */
export async function buildMarketReport(db: DB, choice: Choice): Promise<MarketReport> {
	const [baseline, organisations] = await Promise.all([loadBaseline(db), listOrganisations(db)]);
	const regions = regionChoices(baseline);
	const nameOf = new Map(regions.map((r) => [r.code, r.name]));
	const { scope, rows } = computeMarket(
		baseline.services,
		organisations.map((o) => ({
			id: o.id,
			name: o.name,
			orgType: o.orgType,
			annualIncomeGbp: o.annualIncomeGbp,
			byAndFor: o.byAndFor,
			// Where an organisation is based is not recorded yet, so Welsh status is unknown for all.
			welsh: null
		})),
		choice,
		regions.map((r) => r.code)
	);
	return {
		filters: {
			region: choice.regionCode,
			regionName: choice.regionCode ? (nameOf.get(choice.regionCode) ?? null) : null,
			category: choice.category
		},
		scope,
		rows: rows.map((r) => ({
			...r,
			regionName: r.regionCode ? (nameOf.get(r.regionCode) ?? r.regionCode) : null
		})),
		rowsBy: choice.regionCode ? 'category' : 'region',
		method: MARKET_METHOD,
		provenance: {
			...provenanceOf(baseline),
			organisations: describeOrganisationFacts(organisations)
		}
	};
}

/** GET /api/v1/market?region=&category= */
export function getMarket(db: DB, query: URLSearchParams): Promise<Response> {
	return respond(async () => {
		const q = parseQuery(marketQuery, query);
		const regionCode = q.region ? await resolveRegion(db, 'region', q.region, 400) : null;
		return buildMarketReport(db, { regionCode, category: q.category ?? null });
	});
}
