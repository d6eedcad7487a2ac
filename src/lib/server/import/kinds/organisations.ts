import { CATEGORY_SHORT, CRS_CATEGORIES, parseCategory } from '$lib/domain/categories';
import {
	ORG_TYPES,
	normaliseOrganisationName,
	type OrgType,
	type OrganisationAlias
} from '$lib/domain/organisations';
import type { CellError } from '../../csv';
import type { DB } from '../../db';
import { readOrganisationFacts } from '../../repositories/organisations';
import { parseBoolean, parseMoney, type CellResult, type CsvTable } from '../read';
import {
	datasetKeyFor,
	templateCsvFrom,
	type FieldGuideEntry,
	type ImportFile,
	type ImportOptions,
	type ImportSummary,
	type Importer
} from '../types';
import {
	NameLookup,
	checkColumns,
	importKeyed,
	insertChunked,
	lookupKey,
	type KeyedKind,
	type KeyedRead
} from './table-import';
import { textOrder } from '../order';

/**
 * The `organisations` kind: Dynamic Framework supplier lists (or any list of provider
 * organisations). Each row is matched to a known organisation by charity number, then company
 * number, then name (aliases, then the normalised name); an unmatched row is a new organisation.
 * A match by name alone is only a guess, so the user must confirm it before anything is written.
 * What a row says is stored as facts of the dataset version, so each import is a version with
 * history and rollback; the organisations repository reads the newest current facts.
 */

/** The 14 Dynamic Framework service categories (FACTS.md §3a): the 8 CRS ones, 3 cohorts and 3 more. */
export const DF_CATEGORIES = [
	...CRS_CATEGORIES,
	'Women',
	'Young Adults (18–25)',
	'Black and Minority Ethnic',
	'Restorative Justice',
	'Cognitive and Behavioural Change',
	'Service User Involvement'
] as const;
export type DfCategory = (typeof DF_CATEGORIES)[number];

const DF_SPELLINGS: Partial<Record<DfCategory, string[]>> = {
	Women: ['women cohort', 'womens', 'women s', 'womens services', 'female'],
	'Young Adults (18–25)': ['young adults', 'young adults cohort', 'young adults 18 25', '18 25'],
	'Black and Minority Ethnic': [
		'bame',
		'black asian and minority ethnic',
		'black and minority ethnic cohort',
		'ethnic minority',
		'ethnic minorities',
		'minority ethnic'
	],
	'Restorative Justice': ['rj'],
	'Cognitive and Behavioural Change': ['cognitive behavioural change', 'cbc'],
	'Service User Involvement': ['service user', 'lived experience']
};

const ORG_TYPE_SPELLINGS: Record<OrgType, string[]> = {
	vcse: [
		'vcse',
		'vcs',
		'voluntary',
		'voluntary sector',
		'voluntary community and social enterprise',
		'charity',
		'third sector',
		'tso',
		'social enterprise',
		'cic'
	],
	private: ['private', 'private sector', 'for profit', 'commercial'],
	public: ['public', 'public sector', 'statutory'],
	mutual: ['mutual', 'public service mutual', 'staff mutual']
};

export const ORGANISATION_COLUMNS = [
	'name',
	'charity_number',
	'company_number',
	'org_type',
	'annual_income_gbp',
	'by_and_for',
	'df_registered',
	'df_categories',
	'regions'
] as const;
type Column = (typeof ORGANISATION_COLUMNS)[number];

/** The field guide (and template): one obviously illustrative row. */
export const ORGANISATIONS_GUIDE: readonly FieldGuideEntry[] = [
	{
		column: 'name',
		required: true,
		format:
			"The organisation's name (up to 300 characters). Each organisation once in a file. Matched to a known organisation by charity number, then company number, then name; a match by name alone is listed for you to confirm before anything is saved.",
		example: 'Example Community Interest Company (delete this row)'
	},
	{
		column: 'charity_number',
		required: false,
		format:
			'Registered charity number: England and Wales 6 or 7 digits (1123456, or 1123456-1 for a linked charity); Scotland SC012345; Northern Ireland NIC100002.',
		example: ''
	},
	{
		column: 'company_number',
		required: false,
		format:
			'Companies House number: 8 characters (01234567, SC123456). Leading zeros lost by a spreadsheet are put back (1234567 → 01234567).',
		example: '01234567'
	},
	{
		column: 'org_type',
		required: false,
		format: `One of ${ORG_TYPES.join(', ')} (VCSE: voluntary, community or social enterprise, including charities and CICs).`,
		example: 'vcse'
	},
	{
		column: 'annual_income_gbp',
		required: false,
		format: 'Annual income in £: 250000, £250,000, £250k or £1.2m.',
		example: '£250,000'
	},
	{
		column: 'by_and_for',
		required: false,
		format:
			'Yes if it is led by and for the community it serves (e.g. a women-led women’s service).',
		example: 'yes'
	},
	{
		column: 'df_registered',
		required: false,
		format:
			'Yes if it is registered on the Probation Services Dynamic Framework. Blank with df_categories given: yes.',
		example: 'yes'
	},
	{
		column: 'df_categories',
		required: false,
		format: `Dynamic Framework categories it is registered for, separated by ;: ${DF_CATEGORIES.join('; ')}.`,
		example: 'Accommodation; Women'
	},
	{
		column: 'regions',
		required: false,
		format:
			'Probation regions it is registered for, separated by ;: name, nDelius code (N54) or Refer and Monitor letter (A); or "all".',
		example: 'North East'
	}
];

/** One valid row of an organisations file. */
export interface ImportedOrganisation {
	/** the name as written */
	name: string;
	/** the known organisation it is matched to; null: a new organisation */
	organisationId: number | null;
	/** the canonical name of the matched organisation, or the name of a new one */
	canonicalName: string;
	matchedBy: 'charity-number' | 'company-number' | 'name' | 'new';
	charityNumber: string | null;
	companyNumber: string | null;
	orgType: OrgType | null;
	annualIncomeGbp: number | null;
	byAndFor: boolean | null;
	dfRegistered: boolean | null;
	dfCategories: DfCategory[];
	regions: string[];
	raw: Record<string, string>;
}

/** A known organisation, as matching sees it. */
export interface KnownOrganisation {
	id: number;
	name: string;
	charityNumber: string | null;
	companyNumber: string | null;
}

/** What rows are matched and checked against. */
export interface OrganisationsReference {
	organisations: KnownOrganisation[];
	aliases: OrganisationAlias[];
	regions: { code: string; rmCode: string; name: string; deliusName: string }[];
}

async function loadReference(db: DB): Promise<OrganisationsReference> {
	const [orgs, facts, aliases, regions] = await Promise.all([
		db.selectFrom('organisations').select(['id', 'name']).orderBy('id').execute(),
		readOrganisationFacts(db),
		db
			.selectFrom('organisation_aliases as a')
			.innerJoin('organisations as o', 'o.id', 'a.organisation_id')
			.select(['a.alias', 'o.name'])
			.orderBy(textOrder(db, 'a.alias'))
			.execute(),
		db.selectFrom('regions').selectAll().orderBy(textOrder(db, 'name')).execute()
	]);
	return {
		organisations: orgs.map((o) => {
			const f = facts.get(o.id);
			return {
				id: o.id,
				name: o.name,
				charityNumber: f?.charityNumber ? normaliseCharityNumber(f.charityNumber) : null,
				companyNumber: f?.companyNumber ? normaliseCompanyNumber(f.companyNumber) : null
			};
		}),
		aliases: aliases.map((a) => ({ alias: a.alias, canonical: a.name })),
		regions: regions.map((r) => ({
			code: r.code,
			rmCode: r.rm_code,
			name: r.name,
			deliusName: r.delius_name
		}))
	};
}

const compact = (raw: string) => raw.toUpperCase().replace(/\s+/g, '');

function normaliseCharityNumber(raw: string): string {
	return compact(raw);
}

function normaliseCompanyNumber(raw: string): string {
	const c = compact(raw);
	return /^\d{1,7}$/.test(c) ? c.padStart(8, '0') : c;
}

/** A charity number of England and Wales, Scotland or Northern Ireland, without spaces. */
export function parseCharityNumber(raw: string): CellResult<string> {
	const c = normaliseCharityNumber(raw);
	if (/^\d{6,7}(-\d{1,3})?$/.test(c) || /^SC0\d{5}$/.test(c) || /^NIC\d{6}$/.test(c))
		return { ok: true, value: c };
	return {
		ok: false,
		message: `'${raw}' is not a charity number (England and Wales: 6 or 7 digits such as 1123456; Scotland: SC012345; Northern Ireland: NIC100002)`
	};
}

/** A Companies House number: 8 digits (leading zeros put back), or 2 letters and 6 digits. */
export function parseCompanyNumber(raw: string): CellResult<string> {
	const c = normaliseCompanyNumber(raw);
	if (/^\d{8}$/.test(c) || /^[A-Z]{2}\d{6}$/.test(c)) return { ok: true, value: c };
	return {
		ok: false,
		message: `'${raw}' is not a Companies House number (8 characters, such as 01234567 or SC123456)`
	};
}

/** Money as parseMoney reads it, or shortened: '£250k', '1.2m', '£1.2 million'. */
export function parseIncome(raw: string): CellResult<number> {
	const m = /^\s*(?:£|GBP)?\s*(\d+(?:\.\d+)?)\s*(k|m|million|bn)\s*$/i.exec(raw);
	if (m) {
		const unit = m[2]!.toLowerCase();
		const factor = unit === 'k' ? 1e3 : unit === 'bn' ? 1e9 : 1e6;
		return { ok: true, value: Math.round(Number(m[1]) * factor) };
	}
	const money = parseMoney(raw);
	return money.ok
		? money
		: { ok: false, message: `'${raw}' is not an amount in £ (write 250000, £250,000 or £1.2m)` };
}

function list(raw: string): string[] {
	return raw
		.split(';')
		.map((s) => s.trim())
		.filter(Boolean);
}

function plural(n: number, word: string): string {
	return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Check an organisations file and match each row: columns, then rows, then matches. */
export function readOrganisations(
	table: CsvTable,
	file: string,
	ref: OrganisationsReference
): KeyedRead<ImportedOrganisation> {
	const { errors, ignoredColumns, columns } = checkColumns(table, file, {
		noun: 'organisations',
		known: (k) => (ORGANISATION_COLUMNS as readonly string[]).includes(k),
		suggestions: ORGANISATION_COLUMNS,
		required: ['name']
	});
	const result: KeyedRead<ImportedOrganisation> = {
		rowsRead: table.rows.length,
		rows: [],
		rejected: table.rows.length,
		errors,
		warnings: [],
		ignoredColumns,
		needsConfirmation: null,
		newOrganisations: 0
	};
	if (errors.some((e) => e.row === 0)) {
		errors.sort((a, b) => a.row - b.row);
		return result;
	}

	const types = new NameLookup<OrgType>(
		ORG_TYPES,
		(t) => t,
		(t) => ORG_TYPE_SPELLINGS[t]
	);
	const categories = new NameLookup<DfCategory>(
		DF_CATEGORIES,
		(c) => c,
		(c) => [
			...((CRS_CATEGORIES as readonly string[]).includes(c)
				? [CATEGORY_SHORT[c as (typeof CRS_CATEGORIES)[number]]]
				: []),
			...(DF_SPELLINGS[c] ?? [])
		]
	);
	const regions = new NameLookup(
		ref.regions,
		(r) => r.name,
		(r) => [r.code, r.rmCode, r.deliusName]
	);
	const ALL_REGIONS = new Set(['all', 'all regions', 'national', 'england and wales']);
	const byCharity = new Map<string, KnownOrganisation>();
	const byCompany = new Map<string, KnownOrganisation>();
	const byName = new Map<string, KnownOrganisation>();
	for (const o of ref.organisations) {
		if (o.charityNumber) byCharity.set(o.charityNumber, o);
		if (o.companyNumber) byCompany.set(o.companyNumber, o);
		byName.set(normaliseOrganisationName(o.name), o);
	}
	// resolveOrganisationName, with its lists indexed once: an alias, then the normalised name.
	const aliasOf = new Map(
		ref.aliases.map((a) => [
			normaliseOrganisationName(a.alias),
			normaliseOrganisationName(a.canonical)
		])
	);
	const resolve = (name: string) => {
		const key = normaliseOrganisationName(name);
		return byName.get(aliasOf.get(key) ?? key);
	};

	const bad = new Set<number>(table.errors.filter((e) => e.row > 0).map((e) => e.row));
	// What identifies an organisation in this file (its id, or a new one's numbers and name) → first row.
	const seen = new Map<string, { row: number; name: string }>();
	const newNames = new Set<string>();
	let byNameAlone = 0;
	table.rows.forEach((raw, i) => {
		const row = i + 1;
		if (bad.has(row)) return;
		const rowErrors: CellError[] = [];
		const rowWarnings: CellError[] = [];
		const at = (key: Column) => columns.get(key) ?? key;
		const problem = (key: Column, message: string) =>
			rowErrors.push({ file, row, column: at(key), message });
		const cell = (key: Column) => (raw[key] ?? '').trim();
		const parse = <T>(key: Column, parser: (text: string) => CellResult<T>): T | null => {
			const text = cell(key);
			if (text === '') return null;
			const parsed = parser(text);
			if (parsed.ok) return parsed.value;
			problem(key, parsed.message);
			return null;
		};
		const lookup =
			<T>(index: NameLookup<T>, what: string) =>
			(text: string): CellResult<T> => {
				const found = index.get(text);
				if (found !== undefined) return { ok: true, value: found };
				const guess = index.nearest(text);
				return {
					ok: false,
					message: `'${text}' is not ${what}.${guess ? ` Did you mean '${guess}'?` : ''}`
				};
			};

		const name = cell('name');
		if (name === '') problem('name', "the organisation's name is required");
		else if (name.length > 300) problem('name', 'is longer than 300 characters');
		const charityNumber = parse('charity_number', parseCharityNumber);
		const companyNumber = parse('company_number', parseCompanyNumber);
		const orgType = parse(
			'org_type',
			lookup(types, `an organisation type (${ORG_TYPES.join(', ')})`)
		);
		const annualIncomeGbp = parse('annual_income_gbp', parseIncome);
		const byAndFor = parse('by_and_for', parseBoolean);
		let dfRegistered = parse('df_registered', parseBoolean);
		const dfCategories: DfCategory[] = [];
		for (const item of list(cell('df_categories'))) {
			const crs = parseCategory(item);
			const found = crs ?? categories.get(item);
			if (found !== undefined) {
				if (!dfCategories.includes(found)) dfCategories.push(found);
				continue;
			}
			const guess = categories.nearest(item);
			problem(
				'df_categories',
				`'${item}' is not a Dynamic Framework category.${guess ? ` Did you mean '${guess}'?` : ''}`
			);
		}
		const regionCodes: string[] = [];
		for (const item of list(cell('regions'))) {
			if (ALL_REGIONS.has(lookupKey(item))) {
				for (const r of ref.regions) if (!regionCodes.includes(r.code)) regionCodes.push(r.code);
				continue;
			}
			const found = regions.get(item);
			if (found) {
				if (!regionCodes.includes(found.code)) regionCodes.push(found.code);
				continue;
			}
			const guess = regions.nearest(item);
			problem(
				'regions',
				`'${item}' is not a probation region (give its name, nDelius code such as N54, or Refer and Monitor letter such as A; or "all").${guess ? ` Did you mean '${guess}'?` : ''}`
			);
		}
		if (dfCategories.length > 0) {
			if (dfRegistered === false)
				problem(
					'df_registered',
					`is 'no', but the row gives Dynamic Framework categories (${dfCategories.join('; ')}): say yes, or leave df_categories blank`
				);
			else dfRegistered = true;
		}

		// Match: charity number, then company number, then name.
		let match: KnownOrganisation | undefined;
		let matchedBy: ImportedOrganisation['matchedBy'] = 'new';
		const viaCharity = charityNumber ? byCharity.get(charityNumber) : undefined;
		const viaCompany = companyNumber ? byCompany.get(companyNumber) : undefined;
		if (viaCharity && viaCompany && viaCharity.id !== viaCompany.id)
			problem(
				'company_number',
				`${companyNumber} is the company number of '${viaCompany.name}', but charity number ${charityNumber} is that of '${viaCharity.name}': check both numbers`
			);
		else if (viaCharity || viaCompany) {
			match = viaCharity ?? viaCompany;
			matchedBy = viaCharity ? 'charity-number' : 'company-number';
		}
		const named = name ? resolve(name) : undefined;
		if (match && named && named.id !== match.id)
			rowWarnings.push({
				file,
				row,
				column: at('name'),
				message: `the name '${name}' is that of another known organisation${named.name === name ? '' : ` ('${named.name}')`}; matched '${match.name}' by ${matchedBy === 'charity-number' ? `charity number ${charityNumber}` : `company number ${companyNumber}`}`
			});
		if (!match && named && rowErrors.length === 0) {
			// A name match whose numbers disagree with the organisation's is a different organisation.
			if (charityNumber && named.charityNumber && named.charityNumber !== charityNumber)
				problem(
					'charity_number',
					`'${name}' has the name of '${named.name}', whose charity number is ${named.charityNumber}, not ${charityNumber}: correct the number, or the name if they are different organisations`
				);
			else if (companyNumber && named.companyNumber && named.companyNumber !== companyNumber)
				problem(
					'company_number',
					`'${name}' has the name of '${named.name}', whose company number is ${named.companyNumber}, not ${companyNumber}: correct the number, or the name if they are different organisations`
				);
			else {
				match = named;
				matchedBy = 'name';
			}
		}

		// Each organisation once: by the one it matched, else by a new one's numbers and name.
		if (name) {
			const identities = match
				? [`id:${match.id}`]
				: [
						...(charityNumber ? [`charity:${charityNumber}`] : []),
						...(companyNumber ? [`company:${companyNumber}`] : []),
						`name:${normaliseOrganisationName(name)}`
					];
			const earlier = identities.map((k) => seen.get(k)).find((s) => s !== undefined);
			if (earlier)
				problem(
					'name',
					`'${name}' is the same organisation as '${earlier.name}' on row ${earlier.row}; give each organisation once`
				);
			else if (rowErrors.length === 0) for (const k of identities) seen.set(k, { row, name });
		}

		if (rowErrors.length > 0) {
			const order = (e: CellError) => {
				const k = table.headers.indexOf(e.column);
				return k === -1 ? table.headers.length : k;
			};
			errors.push(...rowErrors.sort((a, b) => order(a) - order(b)));
			return;
		}
		if (matchedBy === 'name') {
			byNameAlone++;
			rowWarnings.push({
				file,
				row,
				column: at('name'),
				message: `matched '${name}' by name alone to existing organisation '${match!.name}'`
			});
		}
		if (!match) newNames.add(normaliseOrganisationName(name));
		result.warnings.push(...rowWarnings);
		const value: ImportedOrganisation = {
			name,
			organisationId: match?.id ?? null,
			canonicalName: match?.name ?? name,
			matchedBy,
			charityNumber,
			companyNumber,
			orgType,
			annualIncomeGbp,
			byAndFor,
			dfRegistered,
			dfCategories,
			regions: regionCodes,
			raw
		};
		result.rows.push({
			row,
			key: match ? String(match.id) : `new:${normaliseOrganisationName(name)}`,
			fingerprint: fingerprint(value),
			value
		});
	});
	errors.sort((a, b) => a.row - b.row);
	result.rejected = table.rows.length - result.rows.length;
	result.newOrganisations = newNames.size;
	result.needsConfirmation =
		byNameAlone > 0 ? `Confirm ${plural(byNameAlone, 'organisation')} matched by name alone` : null;
	return result;
}

/** What decides whether an organisation's facts changed between versions, as comparable text. */
function fingerprint(
	o: Pick<
		ImportedOrganisation,
		| 'charityNumber'
		| 'companyNumber'
		| 'orgType'
		| 'annualIncomeGbp'
		| 'byAndFor'
		| 'dfRegistered'
		| 'dfCategories'
		| 'regions'
	>
): string {
	return JSON.stringify([
		o.charityNumber,
		o.companyNumber,
		o.orgType,
		o.annualIncomeGbp,
		o.byAndFor,
		o.dfRegistered,
		[...o.dfCategories].sort(),
		[...o.regions].sort()
	]);
}

async function fingerprintsOf(db: DB, versionId: number): Promise<Map<string, string>> {
	const rows = await db
		.selectFrom('organisation_facts')
		.where('dataset_version_id', '=', versionId)
		.selectAll()
		.execute();
	const list = (json: string) => JSON.parse(json) as string[];
	const bool = (v: 0 | 1 | null) => (v === null ? null : v === 1);
	return new Map(
		rows.map((r) => [
			String(r.organisation_id),
			fingerprint({
				charityNumber: r.charity_number,
				companyNumber: r.company_number,
				orgType: r.org_type as OrgType | null,
				annualIncomeGbp: r.annual_income_gbp,
				byAndFor: bool(r.by_and_for),
				dfRegistered: bool(r.df_registered),
				dfCategories: list(r.df_categories) as DfCategory[],
				regions: list(r.regions)
			})
		])
	);
}

/** `organisations-<slug>`: the dataset an organisations file named `datasetName` adds a version to. */
export function organisationsDatasetKey(datasetName: string): string {
	return datasetKeyFor('organisations', datasetName);
}

const bit = (v: boolean | null) => (v === null ? null : v ? 1 : 0);

const organisationsKind: KeyedKind<ImportedOrganisation, OrganisationsReference> = {
	kind: 'organisations',
	fileNoun: 'organisations CSV',
	datasetKey: organisationsDatasetKey,
	columns: ORGANISATION_COLUMNS,
	load: loadReference,
	read: readOrganisations,
	fingerprints: fingerprintsOf,
	describe: (fileName) =>
		`Provider organisations (Dynamic Framework supplier list) imported from ${fileName}: charity and company numbers, type, income, "by and for", Dynamic Framework categories and regions.`,
	async write(trx, rows, { versionId }) {
		// New organisations first, in multi-row inserts; a name is known once (normalised, unique).
		const fresh = new Map<string, string>();
		for (const { value: o } of rows)
			if (o.organisationId === null) {
				const normalised = normaliseOrganisationName(o.name);
				if (!fresh.has(normalised)) fresh.set(normalised, o.name);
			}
		await insertChunked(
			trx,
			'organisations',
			[...fresh].map(([normalised_name, name]) => ({ name, normalised_name }))
		);
		const ids = new Map<string, number>();
		const keys = [...fresh.keys()];
		for (let i = 0; i < keys.length; i += 10_000)
			for (const o of await trx
				.selectFrom('organisations')
				.where('normalised_name', 'in', keys.slice(i, i + 10_000))
				.select(['id', 'normalised_name'])
				.execute())
				ids.set(o.normalised_name, o.id);
		await insertChunked(
			trx,
			'organisation_facts',
			rows.map(({ row, value: o }) => ({
				dataset_version_id: versionId,
				organisation_id: o.organisationId ?? ids.get(normaliseOrganisationName(o.name))!,
				row,
				name: o.name,
				matched_by: o.matchedBy,
				charity_number: o.charityNumber,
				company_number: o.companyNumber,
				org_type: o.orgType,
				annual_income_gbp: o.annualIncomeGbp,
				by_and_for: bit(o.byAndFor),
				df_registered: bit(o.dfRegistered),
				df_categories: JSON.stringify(o.dfCategories),
				regions: JSON.stringify(o.regions),
				source_record: JSON.stringify(o.raw)
			}))
		);
	}
};

/** Import an organisations CSV as a new version of its dataset (all or nothing; see importKeyed). */
export function importOrganisations(
	db: DB,
	files: readonly ImportFile[],
	options: ImportOptions
): Promise<ImportSummary> {
	return importKeyed(db, files, options, organisationsKind);
}

export const organisationsImporter: Importer = {
	kind: 'organisations',
	title: 'Organisations (Dynamic Framework suppliers)',
	description:
		'Provider organisations, one row each: charity and company numbers, type, income, "by and for", Dynamic Framework categories and regions. Rows are matched to known organisations; a match by name alone needs your confirmation.',
	rowNoun: 'organisation',
	matchedBy: 'by organisation',
	extensions: ['.csv'],
	guide: ORGANISATIONS_GUIDE,
	template: () => ({
		fileName: 'organisations-template.csv',
		contentType: 'text/csv; charset=utf-8',
		body: templateCsvFrom(ORGANISATIONS_GUIDE)
	}),
	datasetKey: organisationsDatasetKey,
	run: importOrganisations
};
