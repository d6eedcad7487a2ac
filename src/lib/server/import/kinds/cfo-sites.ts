import { CRS_CATEGORIES } from '$lib/domain/categories';
import { importSupply, servicesDatasetKey, type SupplyReader } from '../commit';
import { findPersonColumns } from '../privacy';
import { readHeader, readTable } from '../read';
import { templateCsvFrom, type FieldGuideEntry, type Importer } from '../types';
import {
	addProblem,
	checkCsvHeaders,
	mappedRow,
	setCell,
	unreadable,
	validateMappedRows,
	type MappedRow
} from './supply-rows';

/**
 * CFO activity hubs, satellites and prison wings (Creating Future Opportunities): one CSV row per
 * site. Each becomes a service as the seed makes them (data/supply/cfo_activity_hubs.csv): source
 * 'cfo', a contract funded by HMPPS CFO, let at site level, delivered at one placed site.
 */

/** The funder the seed names for every CFO hub. */
export const CFO_FUNDER = 'HMPPS Creating Future Opportunities (CFO)';
export const CFO_SITE_TYPES = ['hub', 'satellite', 'wing'] as const;
export type CfoSiteType = (typeof CFO_SITE_TYPES)[number];

const TYPE_SPELLINGS: Record<string, CfoSiteType> = {
	hub: 'hub',
	'activity hub': 'hub',
	'cfo activity hub': 'hub',
	satellite: 'satellite',
	'satellite hub': 'satellite',
	wing: 'wing',
	'prison wing': 'wing'
};

export const CFO_GUIDE: readonly FieldGuideEntry[] = [
	{
		column: 'site',
		required: true,
		format: 'The name of the hub, satellite or wing (up to 300 characters)',
		example: 'Example CFO hub (delete this row)'
	},
	{ column: 'type', required: true, format: 'hub, satellite or wing', example: 'hub' },
	{
		column: 'postcode',
		required: false,
		format:
			'Postcode or postcode district of the site; give this or lat and lon (the site is placed at the district centroid)',
		example: 'DE1 2EQ'
	},
	{ column: 'lat', required: false, format: 'Latitude of the site, with lon', example: '' },
	{ column: 'lon', required: false, format: 'Longitude of the site, with lat', example: '' },
	{
		column: 'provider',
		required: true,
		format: 'The organisation that runs the site',
		example: 'Example provider'
	},
	{
		column: 'gender_provision',
		required: false,
		format: 'Who it serves: mixed (the default), female (women) or male (men)',
		example: 'mixed'
	},
	{
		column: 'region',
		required: false,
		format:
			'Probation region: name, nDelius code (N53) or Refer and Monitor letter (F); default: the region the site lies in',
		example: ''
	},
	{
		column: 'reference',
		required: false,
		format:
			'Your reference for the site, unique in the file; default CFO- and the site name (give one when two sites share a name)',
		example: ''
	},
	{
		column: 'start_date',
		required: false,
		format: 'Date it opened: 31/03/2027, 2027-03-31 or an Excel serial number',
		example: '01/04/2025'
	},
	{
		column: 'end_date',
		required: false,
		format: 'Date funded to, on or after start_date',
		example: ''
	},
	{ column: 'min_age', required: false, format: 'Whole number of years, 0 to 120', example: '18' },
	{
		column: 'max_age',
		required: false,
		format: 'Whole number of years, at least min_age',
		example: ''
	},
	{
		column: 'categories',
		required: false,
		format: `CRS categories, separated by ; (${CRS_CATEGORIES.join(', ')}). Leave blank when not published, as the shipped hubs are: the site then shows on maps but adds no places to any category`,
		example: ''
	}
];

const COLUMNS = CFO_GUIDE.map((f) => f.column);
const REQUIRED = CFO_GUIDE.filter((f) => f.required).map((f) => f.column);

/** 'CFO-' and the site's name in capitals and hyphens: the reference of a site given none. */
export function cfoReference(site: string): string {
	const slug = site
		.normalize('NFKD')
		.toUpperCase()
		.replace(/&/g, ' AND ')
		.replace(/[^A-Z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 90)
		.replace(/-+$/, '');
	return `CFO-${slug}`;
}

/** Map one CSV row (keyed by header key) onto the services template. */
function mapRow(
	file: string,
	row: number,
	cells: Record<string, string>,
	header: (key: string) => string
): MappedRow {
	const r = mappedRow(file, row, cells);
	const cell = (key: string) => (cells[key] ?? '').trim();
	const site = cell('site');
	setCell(r, 'source', 'cfo', '-');
	setCell(r, 'mechanism', 'contract', '-');
	setCell(r, 'funder', CFO_FUNDER, '-');
	setCell(r, 'name', site, header('site'));
	if (!site) addProblem(r, header('site'), 'the site name is required');
	if (cell('reference')) setCell(r, 'reference', cell('reference'), header('reference'));
	else setCell(r, 'reference', site ? cfoReference(site) : '', header('site'));

	const type = cell('type');
	if (type === '')
		addProblem(r, header('type'), 'the site type is required (hub, satellite or wing)');
	else if (!TYPE_SPELLINGS[type.toLowerCase().replace(/\s+/g, ' ')])
		addProblem(r, header('type'), `'${type}' is not one of hub, satellite, wing`);

	setCell(r, 'lead_provider', cell('provider'), header('provider'));
	if (!cell('provider')) addProblem(r, header('provider'), 'the provider is required');

	setCell(r, 'site_postcode', cell('postcode'), header('postcode'));
	setCell(r, 'lat', cell('lat'), header('lat'));
	setCell(r, 'lon', cell('lon'), header('lon'));
	setCell(r, 'region', cell('region'), header('region'));
	if (!cell('postcode') && !cell('lat') && !cell('lon')) {
		addProblem(r, header('postcode'), "give the site's postcode, or its lat and lon");
		// Said once: not again as the template's 'no geography' on the region.
		if (!cell('region')) r.sources.region = header('postcode');
	}
	setCell(r, 'sex', cell('gender_provision'), header('gender_provision'));
	for (const c of ['start_date', 'end_date', 'min_age', 'max_age'] as const)
		setCell(r, c, cell(c), header(c));

	// The shipped hubs have no categories (none are published). The schema asks for at least one,
	// so a row without any is checked with a stand-in category, which the finished service drops.
	const categories = cell('categories');
	setCell(r, 'categories', categories || CRS_CATEGORIES[0], header('categories'));
	r.finish = (service) => ({
		...service,
		categories: categories ? service.categories : [],
		lotLevel: 'site'
	});
	return r;
}

export const cfoSitesReader: SupplyReader = {
	kind: 'cfo-sites',
	personFields(files) {
		return files.flatMap((f) => findPersonColumns(readHeader(f.text), COLUMNS));
	},
	read(files, ref) {
		const [only] = files;
		if (!only || files.length > 1)
			return unreadable([
				{
					file: files[1]?.name ?? '-',
					row: 0,
					column: '-',
					message: 'import one CFO sites CSV at a time'
				}
			]);
		const table = readTable(only.text, only.name);
		const checked = checkCsvHeaders(only.name, table.headers, COLUMNS, REQUIRED, 'CFO sites');
		const fileErrors = [...table.errors.filter((e) => e.row === 0), ...checked.errors];
		if (table.rows.length === 0)
			fileErrors.push({
				file: only.name,
				row: 0,
				column: '-',
				message: 'the file has no rows after the header'
			});
		if (fileErrors.length > 0)
			return {
				...unreadable(fileErrors, table.rows.length),
				ignoredColumns: checked.ignoredColumns
			};

		const header = (key: string) => checked.byKey.get(key) ?? key;
		const misaligned = table.errors.filter((e) => e.row > 0);
		const bad = new Set(misaligned.map((e) => e.row));
		const mapped = table.rows
			.map((cells, i) => ({ cells, row: i + 1 }))
			.filter(({ row }) => !bad.has(row))
			.map(({ cells, row }) => mapRow(only.name, row, cells, header));
		const validated = validateMappedRows(mapped, ref);
		return {
			rowsRead: table.rows.length,
			rows: validated.rows,
			rejected: validated.rejected + bad.size,
			errors: [...misaligned, ...validated.errors].sort((a, b) => a.row - b.row),
			ignoredColumns: checked.ignoredColumns
		};
	}
};

export const cfoSitesImporter: Importer = {
	kind: 'cfo-sites',
	title: 'CFO activity hubs, satellites and wings',
	description:
		'Creating Future Opportunities sites, one row each: each becomes a CFO service delivered at its site (placed by postcode or lat and lon), as the shipped hubs are.',
	rowNoun: 'CFO site',
	matchedBy: 'by reference (default: CFO- and the site name)',
	extensions: ['.csv'],
	guide: CFO_GUIDE,
	template: () => ({
		fileName: 'cfo-sites-template.csv',
		contentType: 'text/csv; charset=utf-8',
		body: templateCsvFrom(CFO_GUIDE)
	}),
	datasetKey: servicesDatasetKey,
	run(db, files, options) {
		if (files.length !== 1) throw new Error('import one CFO sites CSV at a time');
		return importSupply(db, files, options, cfoSitesReader);
	}
};
