// A generated services CSV in the shape real files come in, for the import bench
// (scripts/bench/import.js) and the import tests (large files, crash safety, progress). Typed with
// JSDoc, because the tests import it.
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * mulberry32: a small, fast, seedable PRNG returning floats in [0, 1) (as in access.js).
 * @param {number} seed
 * @returns {() => number}
 */
function seededRandom(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * A shipped data file's rows, keyed by header (every cell a string).
 * @param {string} file
 * @returns {Record<string, string>[]}
 */
function readDataCsv(file) {
	const text = fs.readFileSync(path.join(root, 'data', file), 'utf8').replace(/^\uFEFF/, '');
	/** @type {Papa.ParseResult<Record<string, string>>} */
	const parsed = Papa.parse(text, { header: true, skipEmptyLines: 'greedy' });
	return parsed.data;
}

/**
 * @param {Record<string, string>} row
 * @param {string} column
 * @returns {string}
 */
const cell = (row, column) => row[column] ?? '';

/** @param {string} value */
function csvCell(value) {
	return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const HEADER = [
	'Source',
	'Reference',
	'Name',
	'Mechanism',
	'Funder',
	'Lead Provider',
	'Subcontractors',
	'Categories',
	'Region',
	'PCC Areas',
	'PDUs',
	'Site Postcode',
	'Lat',
	'Lon',
	'Start Date',
	'End Date',
	'Annual Value GBP',
	'Total Value GBP',
	'Places per year',
	'Sex',
	'Min Age',
	'Max Age'
];
const SOURCES = [
	['local', 'Local', 'Other local service'],
	['crs', 'CRS'],
	['roif', 'ROIF'],
	['cfo', 'CFO'],
	['dynamic-framework', 'Dynamic Framework', 'DF']
];
const SOURCE_WEIGHTS = [0.4, 0.2, 0.15, 0.1, 0.15];
const MECHANISMS = ['contract', 'grant', 'grant', 'call-off', 'Call off', 'in-kind'];
const CATEGORIES = [
	'Accommodation',
	'ETE',
	'Education, Training and Employment',
	'FBD',
	'Finance, Benefits and Debt',
	'Dependency and Recovery',
	'D&R',
	'Lifestyle and Associates',
	'Family and Significant Others',
	'Emotional Wellbeing',
	'Social Inclusion'
];
const KINDS = ['support', 'drop-in', 'advice service', 'hub', 'outreach', 'mentoring', 'café'];
const FUNDERS = ['HMPPS', 'HMPPS (Probation Service)', 'Example PCC', 'Example council', ''];
// Scotland, Northern Ireland and the islands: not in a probation region of England and Wales.
const NOT_ENGLAND_OR_WALES = /^(AB|DD|DG|EH|FK|G|HS|IV|KA|KW|KY|ML|PA|PH|TD|ZE|BT|GY|JE|IM)\d/;

/**
 * A services CSV in the shape real files come in: mixed-case headers with spaces, a BOM, CRLF,
 * regions by name, nDelius code or R&M letter, PDUs by code or name, PCC areas, sites by postcode
 * district or lat/lon, money as £1,234.50 or plain, dates as 31/03/2027, ISO or Excel serials,
 * quoted names with commas, ~2,000 organisations (obviously made up, plus a few spellings of real
 * ones that resolve by alias). The same seed gives the same file. References are `<prefix>-<n>`.
 * With `changeEvery` n, every nth service (from the first) has its name changed: the same file
 * otherwise, for a re-import that changes n-th of the rows.
 * @param {{ rows: number, seed?: number, prefix?: string, startYear?: number, changeEvery?: number }} options
 * @returns {string}
 */
export function generateServicesCsv({
	rows,
	seed = 20_261_123,
	prefix = 'BENCH',
	startYear = 2021,
	changeEvery = 0
}) {
	const random = seededRandom(seed);
	/**
	 * @template T
	 * @param {readonly T[]} list
	 * @returns {T}
	 */
	const pick = (list) => /** @type {T} */ (list[Math.floor(random() * list.length)]);
	/** @param {number} p */
	const chance = (p) => random() < p;
	/** @param {number} lo @param {number} hi */
	const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));

	const regions = readDataCsv('geography/probation_regions.csv');
	const pdus = readDataCsv('geography/probation_delivery_units.csv');
	/** @type {Map<string, string[]>} */
	const pccByPdu = new Map();
	for (const r of readDataCsv('facts/pdu_pcc_area.csv'))
		pccByPdu.set(cell(r, 'pdu_id'), [
			...(pccByPdu.get(cell(r, 'pdu_id')) ?? []),
			cell(r, 'pcc_area_name')
		]);
	/** @type {Map<string, Record<string, string>[]>} */
	const pdusByRegion = new Map();
	/** @type {Map<string, Set<string>>} */
	const pccsByRegion = new Map();
	for (const p of pdus) {
		const code = cell(p, 'region_code');
		pdusByRegion.set(code, [...(pdusByRegion.get(code) ?? []), p]);
		const pccs = pccsByRegion.get(code) ?? new Set();
		for (const name of pccByPdu.get(cell(p, 'pdu_id')) ?? []) pccs.add(name);
		pccsByRegion.set(code, pccs);
	}
	const outcodes = readDataCsv('geography/postcode_districts.csv').filter(
		(o) => !NOT_ENGLAND_OR_WALES.test(cell(o, 'outcode'))
	);
	const organisations = Array.from(
		{ length: 2000 },
		(_, i) =>
			`Bench ${pick(['Community', 'Recovery', 'Housing', 'Women’s', 'Pathways', 'Futures'])} ${pick(['Trust', 'CIC', 'Ltd', 'Partnership', 'Charity'])} ${String(i + 1).padStart(4, '0')}`
	);
	// Real organisations' other spellings (data/organisation_aliases.csv), as real files name them.
	const aliases = readDataCsv('organisation_aliases.csv').map((a) => cell(a, 'alias'));

	/** @type {number[]} */
	const cumulative = [];
	let total = 0;
	for (const w of SOURCE_WEIGHTS) cumulative.push((total += w));
	/** @param {number} y @param {number} m @param {number} d */
	const date = (y, m, d) => {
		const form = random();
		if (form < 0.5)
			return `${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${String(y)}`;
		if (form < 0.8)
			return `${String(y)}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
		return String(Math.round((Date.UTC(y, m - 1, d) - Date.UTC(1899, 11, 30)) / 86_400_000));
	};
	/** @param {number} pounds */
	const money = (pounds) => {
		const form = random();
		if (form < 0.4) return `£${pounds.toLocaleString('en-GB', { minimumFractionDigits: 2 })}`;
		if (form < 0.7) return pounds.toLocaleString('en-GB');
		return String(pounds);
	};

	const lines = [HEADER.join(',')];
	for (let i = 0; i < rows; i++) {
		const s = random() * total;
		const sourceIndex = cumulative.findIndex((c) => s < c);
		const source = pick(SOURCES[sourceIndex === -1 ? 0 : sourceIndex] ?? ['local']);
		const region = pick(regions);
		const regionCode = cell(region, 'region_code');
		const regionName = cell(region, 'region_name');
		/** @type {string[]} */
		const categories = [];
		for (let n = int(1, 3); categories.length < n;) {
			const c = pick(CATEGORIES);
			if (!categories.includes(c)) categories.push(c);
		}
		let regionCell = '';
		let pccCell = '';
		let pduCell = '';
		let postcode = '';
		let lat = '';
		let lon = '';
		const where = random();
		if (where < 0.3)
			regionCell = pick([regionName, regionCode, cell(region, 'interventions_region_code')]);
		else if (where < 0.55) {
			const inRegion = pdusByRegion.get(regionCode) ?? [];
			const chosen = new Set([pick(inRegion), ...(chance(0.3) ? [pick(inRegion)] : [])]);
			pduCell = [...chosen]
				.map((p) => (chance(0.5) ? cell(p, 'pdu_code') : cell(p, 'pdu_name')))
				.join('; ');
			if (chance(0.3)) regionCell = regionName;
		} else if (where < 0.75) {
			const inRegion = [...(pccsByRegion.get(regionCode) ?? [])];
			pccCell = [...new Set([pick(inRegion), ...(chance(0.2) ? [pick(inRegion)] : [])])].join('; ');
		} else {
			const o = pick(outcodes);
			if (chance(0.2)) {
				lat = (Number(cell(o, 'latitude')) + (random() - 0.5) * 0.01).toFixed(5);
				lon = (Number(cell(o, 'longitude')) + (random() - 0.5) * 0.01).toFixed(5);
			}
			postcode = chance(0.5)
				? `${cell(o, 'outcode')} ${int(1, 9)}${pick(['AB', 'DX', 'HQ', 'JZ'])}`
				: cell(o, 'outcode');
		}
		const y = int(startYear, startYear + 5);
		const m = int(1, 12);
		const years = int(1, 5);
		const annual = int(5, 2000) * 500;
		const category = categories[0];
		const name = `${category} ${pick(KINDS)} ${i + 1}${chance(0.3) ? `, ${regionName}` : ''}`;
		const lead = chance(0.1) ? '' : chance(0.03) ? pick(aliases) : pick(organisations);
		const subs = Array.from({ length: chance(0.6) ? 0 : int(1, 3) }, () => pick(organisations));
		const minAge = chance(0.5) ? '' : String(pick([16, 18, 18, 21, 25]));
		const row = [
			source,
			`${prefix}-${String(i + 1).padStart(6, '0')}`,
			name,
			pick(MECHANISMS),
			pick(FUNDERS),
			lead,
			subs.join('; '),
			categories.join(chance(0.5) ? ';' : '; '),
			regionCell,
			pccCell,
			pduCell,
			postcode,
			lat,
			lon,
			chance(0.1) ? '' : date(y, m, 1),
			chance(0.1) ? '' : date(y + years, m, 1),
			chance(0.15) ? '' : money(annual),
			chance(0.5) ? '' : money(annual * years),
			chance(0.4) ? '' : String(int(0, 500)),
			pick(['any', 'any', 'Any', '', 'female', 'Women', 'male']),
			minAge,
			minAge && chance(0.5) ? String(int(Number(minAge), 99)) : ''
		];
		if (changeEvery > 0 && i % changeEvery === 0) row[2] = `${row[2]} (renamed)`;
		lines.push(row.map(csvCell).join(','));
	}
	return `\uFEFF${lines.join('\r\n')}\r\n`;
}
