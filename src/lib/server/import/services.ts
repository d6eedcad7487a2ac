import path from 'node:path';
import { z } from 'zod';
import {
	CATEGORY_SHORT,
	CRS_CATEGORIES,
	parseCategory,
	type CrsCategory
} from '$lib/domain/categories';
import type { OrganisationAlias } from '$lib/domain/organisations';
import {
	MECHANISMS,
	SUPPLY_SOURCES,
	type LotLevel,
	type Mechanism,
	type SexEligibility,
	type SupplySource
} from '$lib/domain/supply';
import { suggestNearest, type SuggestionCandidate } from '../api/suggest';
import { readCsv, type CellError } from '../csv';
import type { DB } from '../db';
import { defaultDataDir } from '../seed';
import { postcodeDistrictRow } from '../seed/files';
import { LadLocator } from '../seed/locate';
import {
	headerKey,
	parseDate,
	parseMoney,
	parseNumber,
	type CellResult,
	type CsvTable
} from './read';

/** The `services` template: the general form every supply source maps onto (DOMAIN.md §4). */
export const SERVICE_COLUMNS = [
	'source',
	'reference',
	'name',
	'mechanism',
	'funder',
	'lead_provider',
	'subcontractors',
	'categories',
	'region',
	'pcc_areas',
	'pdus',
	'site_postcode',
	'lat',
	'lon',
	'start_date',
	'end_date',
	'annual_value_gbp',
	'total_value_gbp',
	'places_per_year',
	'sex',
	'min_age',
	'max_age'
] as const;
export type ServiceColumn = (typeof SERVICE_COLUMNS)[number];

const REQUIRED_COLUMNS: readonly ServiceColumn[] = [
	'source',
	'reference',
	'name',
	'mechanism',
	'categories'
];

/** Where a service's site is, and how precisely. */
export interface ImportedSite {
	postcode: string | null;
	lat: number;
	lon: number;
	/** exact (lat/lon given) or postcode-district (the district's centroid) */
	precision: 'exact' | 'postcode-district';
	ladCode: string | null;
}

/** One valid row of a services file, in the one supply model. Money in £, places per year. */
export interface ImportedService {
	source: SupplySource;
	reference: string;
	name: string;
	mechanism: Mechanism;
	funder: string | null;
	leadProvider: string | null;
	subcontractors: string[];
	categories: CrsCategory[];
	regionCode: string | null;
	pccAreaIds: string[];
	pduCodes: string[];
	site: ImportedSite | null;
	lotLevel: LotLevel;
	startDate: string | null;
	endDate: string | null;
	annualValueGbp: number | null;
	totalValueGbp: number | null;
	placesPerYear: number | null;
	sex: SexEligibility;
	minAge: number | null;
	maxAge: number | null;
}

/** The reference data names in a file are checked against. */
export interface ServiceReferenceData {
	regions: { code: string; rmCode: string; name: string; deliusName: string }[];
	pccAreas: { id: string; name: string; regionCode: string }[];
	pdus: { code: string; slug: string; name: string; regionCode: string }[];
	outcodes: ReadonlyMap<string, { lat: number; lon: number }>;
	/** finds the local authority district of a point; loaded only when a file has sites */
	locateLad: (lon: number, lat: number) => string | undefined;
	ladRegions: ReadonlyMap<string, string>;
	organisationNames: string[];
	aliases: OrganisationAlias[];
}

/** Read the regions, PCC areas, PDUs and organisations from the database, and the postcode districts from data/. */
export async function loadServiceReferenceData(
	db: DB,
	dataDir = defaultDataDir()
): Promise<ServiceReferenceData> {
	const [regions, pccAreas, pdus, lads, organisations, aliases] = await Promise.all([
		db.selectFrom('regions').selectAll().orderBy('name').execute(),
		db.selectFrom('pcc_areas').selectAll().orderBy('name').execute(),
		db.selectFrom('pdus').where('valid_to', 'is', null).selectAll().orderBy('name').execute(),
		db.selectFrom('lads').select(['code', 'region_code']).execute(),
		db.selectFrom('organisations').select('name').orderBy('id').execute(),
		db
			.selectFrom('organisation_aliases as a')
			.innerJoin('organisations as o', 'o.id', 'a.organisation_id')
			.select(['a.alias', 'o.name'])
			.execute()
	]);
	const outcodes = new Map(
		readCsv(
			path.join(dataDir, 'geography/postcode_districts.csv'),
			postcodeDistrictRow,
			'data/geography/postcode_districts.csv'
		).map((o) => [o.outcode, { lat: o.latitude, lon: o.longitude }])
	);
	let locator: LadLocator | undefined;
	const located = new Map<string, string | undefined>();
	return {
		regions: regions.map((r) => ({
			code: r.code,
			rmCode: r.rm_code,
			name: r.name,
			deliusName: r.delius_name
		})),
		pccAreas: pccAreas.map((p) => ({ id: p.id, name: p.name, regionCode: p.region_code })),
		pdus: pdus.map((p) => ({
			code: p.code,
			slug: p.slug,
			name: p.name,
			regionCode: p.region_code
		})),
		outcodes,
		locateLad(lon, lat) {
			// Sites placed by postcode district share its centroid: look each point up once.
			const point = `${lon},${lat}`;
			if (located.has(point)) return located.get(point);
			locator ??= new LadLocator(
				path.join(dataDir, 'geography/boundaries/lad_dec2024_uk_buc.topo.json')
			);
			const lad = locator.findLad(lon, lat);
			located.set(point, lad);
			return lad;
		},
		ladRegions: new Map(lads.map((l) => [l.code, l.region_code])),
		organisationNames: organisations.map((o) => o.name),
		aliases: aliases.map((a) => ({ alias: a.alias, canonical: a.name }))
	};
}

const key = (text: string) =>
	text
		.trim()
		.toLowerCase()
		.replace(/&/g, 'and')
		.replace(/[^a-z0-9]+/g, ' ')
		.trim();

/** Look names up by any of their spellings; on a miss, say so and suggest the nearest. */
export class NameIndex<T> {
	private readonly byKey = new Map<string, T>();
	private readonly candidates: SuggestionCandidate[] = [];

	constructor(
		private readonly what: string,
		items: readonly T[],
		display: (item: T) => string,
		spellings: (item: T) => readonly string[]
	) {
		for (const item of items) {
			const all = [display(item), ...spellings(item)];
			for (const s of all) if (!this.byKey.has(key(s))) this.byKey.set(key(s), item);
			this.candidates.push({ value: display(item), spellings: all });
		}
	}

	find(raw: string): CellResult<T> {
		const found = this.byKey.get(key(raw));
		if (found !== undefined) return { ok: true, value: found };
		const guess = suggestNearest(raw, this.candidates);
		return {
			ok: false,
			message: `'${raw}' is not ${this.what}.${guess ? ` Did you mean '${guess}'?` : ''}`
		};
	}
}

function list(raw: string): string[] {
	return raw
		.split(';')
		.map((s) => s.trim())
		.filter(Boolean);
}

const OUTCODE = /^([A-Z]{1,2}\d[A-Z\d]?)(?:\s*(\d[A-Z]{2}))?$/;
const SOURCE_SPELLINGS: Record<SupplySource, string[]> = {
	'dynamic-framework': ['dynamic framework', 'df'],
	crs: ['commissioned rehabilitative services'],
	roif: ['regional outcomes and innovation fund'],
	cfo: ['creating future opportunities'],
	local: ['other local service', 'other']
};
const SEX_SPELLINGS: Record<SexEligibility, string[]> = {
	any: ['any', 'all', 'both', 'mixed'],
	female: ['female', 'women', 'woman', 'f'],
	male: ['male', 'men', 'man', 'm']
};

/**
 * The zod schema of one row (keyed by column), checked against the reference data. Each problem is
 * an issue on its column; a name that is not known suggests the nearest known one.
 */
export function serviceRowSchema(ref: ServiceReferenceData) {
	const regions = new NameIndex(
		'a probation region (give its name, nDelius code such as N54, or Refer and Monitor letter such as A)',
		ref.regions,
		(r) => r.name,
		(r) => [r.code, r.rmCode, r.deliusName]
	);
	const pccAreas = new NameIndex(
		'a PCC area',
		ref.pccAreas,
		(p) => p.name,
		(p) => [p.id, ...(p.id === 'metropolitan' ? ['London'] : [])]
	);
	const pdus = new NameIndex(
		'a PDU (give its code or name)',
		ref.pdus,
		(p) => p.name,
		(p) => [p.code, p.slug]
	);
	const categories = new NameIndex<CrsCategory>(
		'a CRS category',
		CRS_CATEGORIES,
		(c) => c,
		(c) => [CATEGORY_SHORT[c]]
	);
	const sources = new NameIndex<SupplySource>(
		'a supply source',
		SUPPLY_SOURCES,
		(s) => s,
		(s) => SOURCE_SPELLINGS[s]
	);
	const mechanisms = new NameIndex<Mechanism>(
		'a mechanism',
		MECHANISMS,
		(m) => m,
		(m) => [m.replace('-', ' '), m.replace('-', '')]
	);

	/** a column whose cell, when not blank, must parse */
	const cell = <T>(parse: (raw: string) => CellResult<T>) =>
		z
			.string()
			.optional()
			.transform((raw, ctx): T | null => {
				const text = (raw ?? '').trim();
				if (text === '') return null;
				const result = parse(text);
				if (result.ok) return result.value;
				ctx.addIssue({ code: 'custom', message: result.message });
				return z.NEVER;
			});
	const required = <T>(parse: (raw: string) => CellResult<T>, what: string) =>
		cell(parse).transform((value, ctx): T => {
			if (value !== null) return value;
			ctx.addIssue({ code: 'custom', message: `${what} is required` });
			return z.NEVER;
		});
	/** a `;`-separated list whose every item must parse; all misses are reported together */
	const many = <T>(find: (raw: string) => CellResult<T>) =>
		z
			.string()
			.optional()
			.transform((raw, ctx): T[] => {
				const found: T[] = [];
				for (const item of list(raw ?? '')) {
					const result = find(item);
					if (result.ok) {
						if (!found.includes(result.value)) found.push(result.value);
					} else ctx.addIssue({ code: 'custom', message: result.message });
				}
				return found;
			});
	const text = (max: number) => (raw: string) =>
		raw.length <= max
			? ({ ok: true, value: raw } as const)
			: ({ ok: false, message: `is longer than ${max} characters` } as const);
	const wholeNumber = (min: number, max: number) => (raw: string) => {
		const n = parseNumber(raw);
		if (!n.ok) return n;
		return Number.isInteger(n.value) && n.value >= min && n.value <= max
			? n
			: ({ ok: false, message: `'${raw}' is not a whole number from ${min} to ${max}` } as const);
	};
	const decimalIn = (min: number, max: number, what: string) => (raw: string) => {
		const n = parseNumber(raw);
		if (!n.ok) return n;
		return n.value >= min && n.value <= max
			? n
			: ({
					ok: false,
					message: `'${raw}' is not a ${what} in Great Britain (${min} to ${max})`
				} as const);
	};
	const placesPerYear = (raw: string): CellResult<number> => {
		const n = parseNumber(raw);
		if (!n.ok) return n;
		return n.value >= 0 ? n : { ok: false, message: `'${raw}' places a year is below zero` };
	};
	const outcode = (raw: string): CellResult<{ postcode: string; outcode: string }> => {
		const m = OUTCODE.exec(raw.toUpperCase().replace(/\s+/g, ' ').trim());
		if (!m) return { ok: false, message: `'${raw}' is not a UK postcode` };
		const out = m[1]!;
		if (!ref.outcodes.has(out))
			return {
				ok: false,
				message: `postcode district '${out}' is not known, so the site cannot be placed`
			};
		return { ok: true, value: { postcode: m[2] ? `${out} ${m[2]}` : out, outcode: out } };
	};
	const sex = (raw: string): CellResult<SexEligibility> => {
		const k = key(raw);
		const found = (Object.keys(SEX_SPELLINGS) as SexEligibility[]).find((s) =>
			SEX_SPELLINGS[s].includes(k)
		);
		return found
			? { ok: true, value: found }
			: { ok: false, message: `'${raw}' is not one of 'any', 'female', 'male'` };
	};

	return z
		.object({
			source: required((r) => sources.find(r), 'the supply source'),
			reference: required(text(100), 'a reference'),
			name: required(text(300), 'the service name'),
			mechanism: required((r) => mechanisms.find(r), 'the mechanism'),
			funder: cell(text(300)),
			lead_provider: cell(text(300)),
			subcontractors: many((r) => text(300)(r)),
			categories: many((r) => {
				const parsed = parseCategory(r);
				return parsed ? { ok: true, value: parsed } : categories.find(r);
			}),
			region: cell((r) => regions.find(r)),
			pcc_areas: many((r) => pccAreas.find(r)),
			pdus: many((r) => pdus.find(r)),
			site_postcode: cell(outcode),
			lat: cell(decimalIn(49.8, 60.9, 'latitude')),
			lon: cell(decimalIn(-8.7, 1.8, 'longitude')),
			start_date: cell(parseDate),
			end_date: cell(parseDate),
			annual_value_gbp: cell(parseMoney),
			total_value_gbp: cell(parseMoney),
			places_per_year: cell(placesPerYear),
			sex: cell(sex),
			min_age: cell(wholeNumber(0, 120)),
			max_age: cell(wholeNumber(0, 120))
		})
		.transform((r, ctx): ImportedService => {
			const issue = (column: ServiceColumn, message: string) =>
				ctx.addIssue({ code: 'custom', path: [column], message });
			if (r.categories.length === 0) issue('categories', 'at least one CRS category is required');
			if ((r.lat === null) !== (r.lon === null))
				issue(r.lat === null ? 'lat' : 'lon', 'give both lat and lon, or neither');
			if (r.start_date && r.end_date && r.end_date < r.start_date)
				issue('end_date', `ends (${r.end_date}) before it starts (${r.start_date})`);
			if (r.min_age !== null && r.max_age !== null && r.max_age < r.min_age)
				issue('max_age', `is below min_age (${r.min_age})`);

			let site: ImportedSite | null = null;
			if (r.lat !== null && r.lon !== null)
				site = {
					postcode: r.site_postcode?.postcode ?? null,
					lat: r.lat,
					lon: r.lon,
					precision: 'exact',
					ladCode: null
				};
			else if (r.site_postcode) {
				const centroid = ref.outcodes.get(r.site_postcode.outcode)!;
				site = {
					postcode: r.site_postcode.postcode,
					...centroid,
					precision: 'postcode-district',
					ladCode: null
				};
			}
			if (site) site.ladCode = ref.locateLad(site.lon, site.lat) ?? null;

			// The region: as given, else the one region all the named PDUs, PCC areas or the site lie in.
			const regionsOf = new Set([
				...r.pdus.map((p) => p.regionCode),
				...r.pcc_areas.map((p) => p.regionCode)
			]);
			let regionCode = r.region?.code ?? null;
			if (regionCode) {
				for (const p of r.pcc_areas)
					if (p.regionCode !== regionCode)
						issue('pcc_areas', `'${p.name}' is not in ${r.region!.name}`);
				for (const p of r.pdus)
					if (p.regionCode !== regionCode) issue('pdus', `'${p.name}' is not in ${r.region!.name}`);
			} else if (regionsOf.size === 1) regionCode = [...regionsOf][0]!;
			else if (regionsOf.size === 0 && site?.ladCode)
				regionCode = ref.ladRegions.get(site.ladCode) ?? null;

			const lotLevel: LotLevel | undefined =
				r.pdus.length > 0
					? 'pdu'
					: r.pcc_areas.length > 0
						? 'pcc-area'
						: r.region
							? 'region'
							: site
								? 'site'
								: undefined;
			if (!lotLevel)
				issue(
					'region',
					'the service has no geography: give a region, pcc_areas, pdus, or a site (site_postcode or lat and lon)'
				);
			return {
				source: r.source,
				reference: r.reference,
				name: r.name,
				mechanism: r.mechanism,
				funder: r.funder,
				leadProvider: r.lead_provider,
				subcontractors: r.subcontractors,
				categories: CRS_CATEGORIES.filter((c) => r.categories.includes(c)),
				regionCode,
				pccAreaIds: r.pcc_areas.map((p) => p.id),
				pduCodes: r.pdus.map((p) => p.code),
				site,
				lotLevel: lotLevel ?? 'region',
				startDate: r.start_date,
				endDate: r.end_date,
				annualValueGbp: r.annual_value_gbp,
				totalValueGbp: r.total_value_gbp,
				placesPerYear: r.places_per_year,
				sex: r.sex ?? 'any',
				minAge: r.min_age,
				maxAge: r.max_age
			};
		});
}

export interface ValidatedServices {
	/** valid rows, with their row number in the file */
	rows: { row: number; service: ImportedService }[];
	/** rows with at least one error */
	rejected: number;
	errors: CellError[];
	/** columns ignored because the template does not have them */
	ignoredColumns: string[];
}

/**
 * Check a parsed services file: file-level problems first (missing or misspelt columns, no rows),
 * then every row against the schema, then references repeated within the file.
 */
export function validateServices(
	table: CsvTable,
	file: string,
	ref: ServiceReferenceData
): ValidatedServices {
	const errors: CellError[] = [...table.errors];
	const columns = new Map<string, string>(); // key → header as written
	for (const h of table.headers) columns.set(headerKey(h), h);
	const known = new Set<string>(SERVICE_COLUMNS);
	const ignoredColumns: string[] = [];
	for (const [k, header] of columns) {
		if (k === '' || known.has(k)) continue;
		const guess = suggestNearest(
			k.replace(/_/g, ' '),
			SERVICE_COLUMNS.map((c) => ({
				value: c,
				spellings: [c.replace(/_/g, ' ')]
			}))
		);
		if (guess)
			errors.push({
				file,
				row: 0,
				column: header,
				message: `is not a column of the services template. Did you mean '${guess}'?`
			});
		else ignoredColumns.push(header);
	}
	for (const c of REQUIRED_COLUMNS)
		if (!columns.has(c))
			errors.push({ file, row: 0, column: c, message: 'this column is missing' });
	if (table.rows.length === 0)
		errors.push({ file, row: 0, column: '-', message: 'the file has no rows after the header' });
	if (errors.some((e) => e.row === 0))
		return { rows: [], rejected: table.rows.length, errors, ignoredColumns };

	const schema = serviceRowSchema(ref);
	const rows: ValidatedServices['rows'] = [];
	// A row whose fields do not line up with the header is not read at all.
	const bad = new Set<number>(table.errors.filter((e) => e.row > 0).map((e) => e.row));
	const firstRowOf = new Map<string, number>();
	table.rows.forEach((raw, i) => {
		const row = i + 1;
		if (bad.has(row)) return;
		const result = schema.safeParse(raw);
		if (!result.success) {
			bad.add(row);
			for (const issue of result.error.issues) {
				const k = String(issue.path[0] ?? '-');
				errors.push({ file, row, column: columns.get(k) ?? k, message: issue.message });
			}
			return;
		}
		const service = result.data;
		const first = firstRowOf.get(service.reference);
		if (first !== undefined) {
			bad.add(row);
			errors.push({
				file,
				row,
				column: columns.get('reference') ?? 'reference',
				message: `'${service.reference}' is also the reference on row ${first}; each service needs its own`
			});
			return;
		}
		firstRowOf.set(service.reference, row);
		rows.push({ row, service });
	});
	// Rows with a cell-level error come out of order with file-level ones; sort for reading.
	errors.sort((a, b) => a.row - b.row);
	return { rows, rejected: table.rows.length - rows.length, errors, ignoredColumns };
}
