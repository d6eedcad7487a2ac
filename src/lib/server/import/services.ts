import fs from 'node:fs';
import path from 'node:path';
import { geoBounds, geoContains } from 'd3-geo';
import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';
import { feature as topojsonFeature } from 'topojson-client';
import type { Topology } from 'topojson-specification';
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
import {
	cleanCell,
	detach,
	headerKey,
	parseDate,
	parseMoney,
	parseNumber,
	quickDate,
	quickMoney,
	quickWholeNumber,
	type CellResult,
	type CsvTable
} from './read';
import { textOrder } from './order';

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
		db.selectFrom('regions').selectAll().orderBy(textOrder(db, 'name')).execute(),
		db.selectFrom('pcc_areas').selectAll().orderBy(textOrder(db, 'name')).execute(),
		db
			.selectFrom('pdus')
			.where('valid_to', 'is', null)
			.selectAll()
			.orderBy(textOrder(db, 'name'))
			.execute(),
		db.selectFrom('lads').select(['code', 'region_code']).execute(),
		db.selectFrom('organisations').select('name').orderBy('id').execute(),
		db
			.selectFrom('organisation_aliases as a')
			.innerJoin('organisations as o', 'o.id', 'a.organisation_id')
			.select(['a.alias', 'o.name'])
			.orderBy(textOrder(db, 'a.alias'))
			.execute()
	]);
	const outcodes = new Map(
		readCsv(
			path.join(dataDir, 'geography/postcode_districts.csv'),
			postcodeDistrictRow,
			'data/geography/postcode_districts.csv'
		).map((o) => [o.outcode, { lat: o.latitude, lon: o.longitude }])
	);
	let locator: LadIndex | undefined;
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
			locator ??= new LadIndex(
				path.join(dataDir, 'geography/boundaries/lad_dec2024_uk_buc.topo.json')
			);
			const lad = locator.find(lon, lat);
			located.set(point, lad);
			return lad;
		},
		ladRegions: new Map(lads.map((l) => [l.code, l.region_code])),
		organisationNames: organisations.map((o) => o.name),
		aliases: aliases.map((a) => ({ alias: a.alias, canonical: a.name }))
	};
}

interface LadOutline {
	code: string;
	feature: Feature<Geometry, { AREACD: string }>;
	bounds: [[number, number], [number, number]];
	/** every ring of its polygons, as [lon, lat] points, for a test on the flat map */
	rings: Position[][];
}

/**
 * Which local authority district a point lies in, as LadLocator (seed/locate.ts) finds it: the
 * district (in file order) whose bounding box holds the point and whose outline, on the sphere,
 * contains it. That spherical test is slow, and a file can place thousands of sites, so first the
 * outlines are tested on the flat map (longitude and latitude as x and y), which is quick: as the
 * districts tile the country without overlapping, a point well inside one outline (further from
 * each edge than a great-circle edge can stray from a straight one) is in that district. Only a
 * point near an edge is tested on the sphere, as LadLocator tests it.
 */
class LadIndex {
	private readonly outlines: LadOutline[];
	/** the outlines whose bounding box meets each square degree (in file order) */
	private readonly squares = new Map<number, LadOutline[]>();

	constructor(topoJsonFile: string) {
		const topology = JSON.parse(fs.readFileSync(topoJsonFile, 'utf8')) as Topology;
		const objectName = Object.keys(topology.objects)[0]!;
		const collection = topojsonFeature(
			topology,
			topology.objects[objectName]!
		) as unknown as FeatureCollection<Geometry, { AREACD: string }>;
		this.outlines = collection.features.map((f) => ({
			code: f.properties.AREACD,
			feature: f,
			bounds: geoBounds(f),
			rings:
				f.geometry.type === 'Polygon'
					? f.geometry.coordinates
					: f.geometry.type === 'MultiPolygon'
						? f.geometry.coordinates.flat()
						: []
		}));
		for (const o of this.outlines) {
			const [[w, s], [e, n]] = o.bounds;
			for (let x = Math.floor(w); x <= Math.floor(e); x++)
				for (let y = Math.floor(s); y <= Math.floor(n); y++) {
					const square = this.squares.get(squareOf(x, y));
					if (square) square.push(o);
					else this.squares.set(squareOf(x, y), [o]);
				}
		}
	}

	find(lon: number, lat: number): string | undefined {
		const square = this.squares.get(squareOf(Math.floor(lon), Math.floor(lat))) ?? [];
		const near: LadOutline[] = [];
		for (const o of square) {
			const [[w, s], [e, n]] = o.bounds;
			if (lon < w || lon > e || lat < s || lat > n) continue;
			const flat = onFlatMap(o.rings, lon, lat);
			if (flat === 'inside') return o.code;
			if (flat === 'near an edge') near.push(o);
		}
		return near.find((o) => geoContains(o.feature, [lon, lat]))?.code;
	}
}

const squareOf = (x: number, y: number) => (x + 360) * 1000 + (y + 90);

/**
 * Where a point is for rings (outer and holes alike) on the flat map: inside or outside by the
 * crossings of a ray, or near an edge, where the flat map and the sphere may disagree. A great
 * circle between two points a longitude difference Δ apart strays from the straight line by under
 * Δ² × 0.0011 degrees in Great Britain; "near" allows 0.005 Δ² + 0.0001 degrees (10 metres or more).
 */
function onFlatMap(
	rings: readonly Position[][],
	lon: number,
	lat: number
): 'inside' | 'outside' | 'near an edge' {
	let inside = false;
	for (const ring of rings)
		for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
			const pi = ring[i]!;
			const pj = ring[j]!;
			const xi = pi[0]!;
			const yi = pi[1]!;
			const xj = pj[0]!;
			const yj = pj[1]!;
			if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi)
				inside = !inside;
			const dx = xj - xi;
			const margin = 0.0001 + 0.005 * dx * dx;
			// Most edges are far from the point: outside the edge's box widened by the margin (and a
			// little more, for rounding), the point cannot be near it.
			const reach = margin * 1.001 + 1e-9;
			if (
				lat < Math.min(yi, yj) - reach ||
				lat > Math.max(yi, yj) + reach ||
				lon < Math.min(xi, xj) - reach ||
				lon > Math.max(xi, xj) + reach
			)
				continue;
			const dy = yj - yi;
			const length2 = dx * dx + dy * dy;
			const t =
				length2 > 0 ? Math.max(0, Math.min(1, ((lon - xi) * dx + (lat - yi) * dy) / length2)) : 0;
			const ex = xi + t * dx - lon;
			const ey = yi + t * dy - lat;
			if (ex * ex + ey * ey < margin * margin) return 'near an edge';
		}
	return inside ? 'inside' : 'outside';
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
	// Files name the same few regions or PDUs on many rows, misspelt ones too: look each up once.
	private readonly found = new Map<string, CellResult<T>>();

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
		let result = this.found.get(raw);
		if (result === undefined) {
			result = this.lookUp(raw);
			if (this.found.size < MEMO_LIMIT) this.found.set(detach(raw), result);
		}
		return result;
	}

	private lookUp(raw: string): CellResult<T> {
		const found = this.byKey.get(key(raw));
		if (found !== undefined) return { ok: true, value: found };
		const guess = suggestNearest(raw, this.candidates);
		return {
			ok: false,
			message: `'${raw}' is not ${this.what}.${guess ? ` Did you mean '${guess}'?` : ''}`
		};
	}
}

/** Distinct cell texts remembered per column: enough for any real file's regions, dates and amounts. */
const MEMO_LIMIT = 20_000;

/**
 * A cell parser that parses each distinct text once (its results are shared, so never mutated).
 * A remembered text is parsed as its kept copy, so no value cut from it (a postcode district) keeps
 * a slice of the file's text alive.
 */
function memo<T>(parse: (raw: string) => CellResult<T>): (raw: string) => CellResult<T> {
	const results = new Map<string, CellResult<T>>();
	return (raw) => {
		let result = results.get(raw);
		if (result === undefined) {
			if (results.size >= MEMO_LIMIT) return parse(raw);
			const kept = detach(raw);
			result = parse(kept);
			results.set(kept, result);
		}
		return result;
	};
}

/**
 * A cell parser that reads the usual shapes of text with `quick` (which gives what `parse` would,
 * or undefined) and any other text with `parse`, each distinct text once.
 */
function quickOr<T>(
	quick: (raw: string) => T | undefined,
	parse: (raw: string) => CellResult<T>
): (raw: string) => CellResult<T> {
	const slow = memo(parse);
	return (raw) => {
		const value = quick(raw);
		return value !== undefined ? { ok: true, value } : slow(raw);
	};
}

/** A `;`-separated cell's items that parse (each once, in order), and the messages of those that do not. */
interface ListResult<T> {
	found: T[];
	messages: string[];
}

/**
 * A list parser that parses each distinct cell once: a file names the same few lists of
 * categories, PCC areas or PDUs on many rows. Its results are shared, so never mutated.
 */
function memoList<T>(
	find: (raw: string) => CellResult<T>,
	order?: (found: T[]) => T[]
): (raw: string) => ListResult<T> {
	const parseList = (raw: string) => {
		const result = readList(raw, find);
		return order ? { found: order(result.found), messages: result.messages } : result;
	};
	const results = new Map<string, ListResult<T>>();
	return (raw) => {
		let result = results.get(raw);
		if (result === undefined) {
			if (results.size >= MEMO_LIMIT) return parseList(raw);
			const kept = detach(raw);
			result = parseList(kept);
			results.set(kept, result);
		}
		return result;
	};
}

/** A `;`-separated cell's items, each parsed. */
function readList<T>(raw: string, find: (raw: string) => CellResult<T>): ListResult<T> {
	const result: ListResult<T> = { found: [], messages: [] };
	for (const item of list(raw)) {
		const r = find(item);
		if (!r.ok) result.messages.push(r.message);
		else if (!result.found.includes(r.value)) result.found.push(r.value);
	}
	return result;
}

function list(raw: string): string[] {
	if (!raw.includes(';')) return [raw]; // one item, already trimmed
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

/** Reads the cells of one row after another, noting each problem on its column. */
class RowCells {
	issues: RowIssue[] = [];
	private cellOf: (column: ServiceColumn) => string | undefined = () => undefined;

	start(cellOf: (column: ServiceColumn) => string | undefined): void {
		this.cellOf = cellOf;
		// A row's issues are handed on with it; an empty list stays for the next row.
		if (this.issues.length > 0) this.issues = [];
	}

	/** a column whose cell, when not blank, must parse (and, when `required` says what it is, not be blank) */
	cell<T>(
		column: ServiceColumn,
		read: (raw: string) => CellResult<T>,
		required?: string
	): T | null {
		const raw = cleanCell(this.cellOf(column) ?? '');
		if (raw === '') {
			if (required) this.issues.push({ column, message: `${required} is required` });
			return null;
		}
		const result = read(raw);
		if (result.ok) return result.value;
		this.issues.push({ column, message: result.message });
		return null;
	}

	/** a `;`-separated list whose every item must parse; all misses are reported together */
	many<T>(column: ServiceColumn, read: (raw: string) => ListResult<T>): T[] {
		const raw = cleanCell(this.cellOf(column) ?? '');
		if (raw === '') return [];
		const { found, messages } = read(raw);
		for (const message of messages) this.issues.push({ column, message });
		return found.slice(); // the row's own copy: the parsed list is shared
	}
}

/** A problem with one cell of a row, by template column. */
export interface RowIssue {
	column: ServiceColumn;
	message: string;
}

export type ServiceRowResult =
	{ ok: true; service: ImportedService } | { ok: false; issues: RowIssue[] };

/**
 * The check of one row, given its cells by template column (missing: not given), against the
 * reference data. Each problem is an issue on its column; a name that is not known suggests the
 * nearest known one. Cells are checked first, in template order; only a row whose every cell reads
 * is checked as a whole (categories given, both of lat and lon, dates and ages in order, PDUs and
 * PCC areas in the region, some geography). Plain functions rather than a zod schema per row, and
 * each distinct cell text is parsed once, because a file can have 100,000 rows.
 */
export function serviceRowChecker(
	ref: ServiceReferenceData
): (cell: (column: ServiceColumn) => string | undefined) => ServiceRowResult {
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

	const text =
		(max: number) =>
		(raw: string): CellResult<string> =>
			raw.length <= max
				? { ok: true, value: raw }
				: { ok: false, message: `is longer than ${max} characters` };
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
	const category = (raw: string): CellResult<CrsCategory> => {
		const parsed = parseCategory(raw);
		return parsed ? { ok: true, value: parsed } : categories.find(raw);
	};

	const text300 = text(300);
	const parse = {
		source: (r: string) => sources.find(r),
		reference: text(100),
		name: text(300),
		mechanism: (r: string) => mechanisms.find(r),
		text300,
		// Lists of organisations are too varied to remember; lists of categories, areas and PDUs are not.
		subcontractors: (raw: string) => readList(raw, text300),
		// in the categories' own order, as a service lists them
		categories: memoList(memo(category), (found) =>
			CRS_CATEGORIES.filter((c) => found.includes(c))
		),
		region: (r: string) => regions.find(r),
		pccAreas: memoList((r: string) => pccAreas.find(r)),
		pdus: memoList((r: string) => pdus.find(r)),
		outcode: memo(outcode),
		lat: decimalIn(49.8, 60.9, 'latitude'),
		lon: decimalIn(-8.7, 1.8, 'longitude'),
		date: quickOr(quickDate, parseDate),
		money: quickOr(quickMoney, parseMoney),
		places: quickOr(quickWholeNumber, placesPerYear),
		sex: memo(sex),
		age: quickOr(
			(raw) => {
				const n = quickWholeNumber(raw);
				return n !== undefined && n <= 120 ? n : undefined;
			},
			wholeNumber(0, 120)
		)
	};

	// A site placed by its postcode district is at the district's centroid: locate each district
	// once, without making a key of the point's coordinates on every row.
	const ladOfDistrict = new Map<string, string | null>();
	const ladOf = (site: ImportedSite, outcode: string | undefined): string | null => {
		if (site.precision === 'exact' || outcode === undefined)
			return ref.locateLad(site.lon, site.lat) ?? null;
		let lad = ladOfDistrict.get(outcode);
		if (lad === undefined) {
			lad = ref.locateLad(site.lon, site.lat) ?? null;
			ladOfDistrict.set(outcode, lad);
		}
		return lad;
	};

	// One reader for every row (a file can have 100,000): no functions made per row.
	const cells = new RowCells();
	const cell = cells.cell.bind(cells);
	const many = cells.many.bind(cells);
	return (cellOf) => {
		cells.start(cellOf);
		const issues = cells.issues;
		const r = {
			source: cell('source', parse.source, 'the supply source'),
			reference: cell('reference', parse.reference, 'a reference'),
			name: cell('name', parse.name, 'the service name'),
			mechanism: cell('mechanism', parse.mechanism, 'the mechanism'),
			funder: cell('funder', parse.text300),
			lead_provider: cell('lead_provider', parse.text300),
			subcontractors: many('subcontractors', parse.subcontractors),
			categories: many('categories', parse.categories),
			region: cell('region', parse.region),
			pcc_areas: many('pcc_areas', parse.pccAreas),
			pdus: many('pdus', parse.pdus),
			site_postcode: cell('site_postcode', parse.outcode),
			lat: cell('lat', parse.lat),
			lon: cell('lon', parse.lon),
			start_date: cell('start_date', parse.date),
			end_date: cell('end_date', parse.date),
			annual_value_gbp: cell('annual_value_gbp', parse.money),
			total_value_gbp: cell('total_value_gbp', parse.money),
			places_per_year: cell('places_per_year', parse.places),
			sex: cell('sex', parse.sex),
			min_age: cell('min_age', parse.age),
			max_age: cell('max_age', parse.age)
		};
		if (issues.length > 0) return { ok: false, issues };

		// Every cell reads: now the row as a whole.
		const issue = (column: ServiceColumn, message: string) => issues.push({ column, message });
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
				lat: centroid.lat,
				lon: centroid.lon,
				precision: 'postcode-district',
				ladCode: null
			};
		}
		if (site) site.ladCode = ladOf(site, r.site_postcode?.outcode);

		// The region: as given, else the one region all the named PDUs, PCC areas or the site lie in.
		let regionCode = r.region?.code ?? null;
		if (r.region) {
			for (const p of r.pcc_areas)
				if (p.regionCode !== r.region.code)
					issue('pcc_areas', `'${p.name}' is not in ${r.region.name}`);
			for (const p of r.pdus)
				if (p.regionCode !== r.region.code) issue('pdus', `'${p.name}' is not in ${r.region.name}`);
		} else {
			const sole = soleRegion(r.pdus, r.pcc_areas);
			if (sole !== undefined) regionCode = sole;
			else if (r.pdus.length === 0 && r.pcc_areas.length === 0 && site?.ladCode)
				regionCode = ref.ladRegions.get(site.ladCode) ?? null;
		}

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
		if (issues.length > 0) return { ok: false, issues };
		return {
			ok: true,
			service: {
				source: r.source!,
				reference: r.reference!,
				name: r.name!,
				mechanism: r.mechanism!,
				funder: r.funder,
				leadProvider: r.lead_provider,
				subcontractors: r.subcontractors,
				categories: r.categories,
				regionCode,
				pccAreaIds: r.pcc_areas.map((p) => p.id),
				pduCodes: r.pdus.map((p) => p.code),
				site,
				lotLevel: lotLevel!,
				startDate: r.start_date,
				endDate: r.end_date,
				annualValueGbp: r.annual_value_gbp,
				totalValueGbp: r.total_value_gbp,
				placesPerYear: r.places_per_year,
				sex: r.sex ?? 'any',
				minAge: r.min_age,
				maxAge: r.max_age
			}
		};
	};
}

/** The one region all the PDUs and PCC areas lie in; undefined when there are none, or several. */
function soleRegion(
	pdus: readonly { regionCode: string }[],
	pccAreas: readonly { regionCode: string }[]
): string | undefined {
	// Without making a set on every row: most rows name none, or one of each.
	const first = pdus[0]?.regionCode ?? pccAreas[0]?.regionCode;
	if (first === undefined) return undefined;
	for (const p of pdus) if (p.regionCode !== first) return undefined;
	for (const p of pccAreas) if (p.regionCode !== first) return undefined;
	return first;
}

/**
 * The zod schema of one row (keyed by column), checked against the reference data: the row
 * checker at a zod boundary, for readers that map other files onto the template. Each problem is
 * an issue on its column.
 */
export function serviceRowSchema(ref: ServiceReferenceData) {
	const check = serviceRowChecker(ref);
	return z.record(z.string(), z.unknown()).transform((cells, ctx): ImportedService => {
		let typed = true;
		for (const column of SERVICE_COLUMNS) {
			const value = cells[column];
			if (value !== undefined && typeof value !== 'string') {
				ctx.addIssue({ code: 'custom', path: [column], message: 'must be text' });
				typed = false;
			}
		}
		if (!typed) return z.NEVER;
		const result = check((column) => cells[column] as string | undefined);
		if (result.ok) return result.service;
		for (const i of result.issues)
			ctx.addIssue({ code: 'custom', path: [i.column], message: i.message });
		return z.NEVER;
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
 * A services file checked a row at a time, as it is read. The header is checked first (missing or
 * misspelt columns, columns not in the template); a file whose header is wrong has every row
 * rejected unchecked. Then each row, and references repeated within the file.
 */
export class ServicesFileCheck {
	readonly errors: CellError[];
	readonly ignoredColumns: string[] = [];
	/** a problem with the file as a whole (row 0): no row is checked */
	readonly fileLevel: boolean;
	rowsRead = 0;
	accepted = 0;
	/** template column → its index among the file's headers (-1: not in the file) */
	private readonly index: Record<ServiceColumn, number>;
	private readonly columns = new Map<string, string>(); // key → header as written
	private readonly firstRowOf = new Map<string, number>();
	private readonly check: ReturnType<typeof serviceRowChecker>;
	/** the row being checked, and its cells by column (one function for every row) */
	private fields: readonly string[] | Readonly<Record<string, string>> = [];
	private readonly cellOf = (column: ServiceColumn): string | undefined => {
		if (!Array.isArray(this.fields))
			return (this.fields as Readonly<Record<string, string>>)[column];
		const i = this.index[column];
		return i < 0 ? undefined : (this.fields as readonly string[])[i];
	};

	/** `headerErrors`: problems the parser found in the header row (e.g. a column named twice) */
	constructor(
		headers: readonly string[],
		private readonly file: string,
		ref: ServiceReferenceData,
		headerErrors: readonly CellError[] = []
	) {
		this.errors = [...headerErrors];
		const keys = headers.map(headerKey);
		keys.forEach((k, i) => this.columns.set(k, headers[i]!));
		this.index = Object.fromEntries(SERVICE_COLUMNS.map((c) => [c, keys.indexOf(c)])) as Record<
			ServiceColumn,
			number
		>;
		const known = new Set<string>(SERVICE_COLUMNS);
		for (const [k, header] of this.columns) {
			if (k === '' || known.has(k)) continue;
			const guess = suggestNearest(
				k.replace(/_/g, ' '),
				SERVICE_COLUMNS.map((c) => ({ value: c, spellings: [c.replace(/_/g, ' ')] }))
			);
			if (guess)
				this.errors.push({
					file,
					row: 0,
					column: header,
					message: `is not a column of the services template. Did you mean '${guess}'?`
				});
			else this.ignoredColumns.push(header);
		}
		for (const c of REQUIRED_COLUMNS)
			if (!this.columns.has(c))
				this.errors.push({ file, row: 0, column: c, message: 'this column is missing' });
		this.fileLevel = this.errors.some((e) => e.row === 0);
		this.check = serviceRowChecker(ref);
	}

	get rejected(): number {
		return this.rowsRead - this.accepted;
	}

	/**
	 * Check the next row: its fields in header order (or keyed by column), and the problems the
	 * parser found in it (which reject it unread). Returns the service, or null when the row is
	 * rejected (its errors are recorded).
	 */
	row(
		fields: readonly string[] | Readonly<Record<string, string>>,
		row: number,
		problems: readonly CellError[] = []
	): ImportedService | null {
		this.rowsRead++;
		if (problems.length > 0) {
			this.errors.push(...problems);
			return null;
		}
		if (this.fileLevel) return null;
		this.fields = fields;
		const result = this.check(this.cellOf);
		if (!result.ok) {
			for (const issue of result.issues)
				this.errors.push({
					file: this.file,
					row,
					column: this.columns.get(issue.column) ?? issue.column,
					message: issue.message
				});
			return null;
		}
		const service = result.service;
		const first = this.firstRowOf.get(service.reference);
		if (first !== undefined) {
			this.errors.push({
				file: this.file,
				row,
				column: this.columns.get('reference') ?? 'reference',
				message: `'${service.reference}' is also the reference on row ${first}; each service needs its own`
			});
			return null;
		}
		this.firstRowOf.set(detach(service.reference), row);
		this.accepted++;
		return service;
	}

	/** The file has been read: a file with no rows is an error; errors are put in row order. */
	finish(): void {
		if (this.rowsRead === 0)
			this.errors.push({
				file: this.file,
				row: 0,
				column: '-',
				message: 'the file has no rows after the header'
			});
		// Rows with a cell-level error come out of order with file-level ones; sort for reading.
		this.errors.sort((a, b) => a.row - b.row);
	}
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
	// The table's errors on rows (fields that do not line up with the header) reject those rows.
	const problems = new Map<number, CellError[]>();
	for (const e of table.errors)
		if (e.row > 0) problems.set(e.row, [...(problems.get(e.row) ?? []), e]);
	const checked = new ServicesFileCheck(
		table.headers,
		file,
		ref,
		table.errors.filter((e) => e.row === 0)
	);
	const rows: ValidatedServices['rows'] = [];
	table.rows.forEach((raw, i) => {
		const service = checked.row(raw, i + 1, problems.get(i + 1));
		if (service) rows.push({ row: i + 1, service });
	});
	checked.finish();
	return {
		rows: checked.fileLevel ? [] : rows,
		rejected: checked.rejected,
		errors: checked.errors,
		ignoredColumns: checked.ignoredColumns
	};
}
