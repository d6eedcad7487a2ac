import { CRS_CATEGORIES, parseCategory } from '$lib/domain/categories';
import type { CellError } from '../../csv';
import { importSupply, servicesDatasetKey, type SupplyReader } from '../commit';
import type { FieldGuideEntry, Importer } from '../types';
import {
	CONTACT_NAME,
	addProblem,
	asText,
	isObject,
	listAt,
	mappedRow,
	parseJson,
	personFieldsInJson,
	setCell,
	textAt,
	unreadable,
	validateMappedRows,
	type MappedRow
} from './supply-rows';

/**
 * Open Referral UK (ORUK) service records: local services funded by a PCC, local authority, the NHS
 * or a charity that people on probation can use. Each service becomes a 'local' service, delivered
 * in kind (ORUK says who runs and funds a service, not how probation pays for it) at its first
 * located site. Accepts ORUK version 1 and version 3 shapes: a list of services with their
 * organization, locations, eligibility, funding and taxonomy nested; an API page ({"content": […]});
 * or an export with one list per table ({"services": […], "organizations": […], …}) joined by id.
 */

type Json = Record<string, unknown>;

/** The most characters of funding text kept as the funder. */
const FUNDER_MAX = 300;
/** Service statuses that mean it no longer runs: such services are left out, with a warning. */
const CLOSED = new Set(['inactive', 'defunct']);

export const ORUK_GUIDE: readonly FieldGuideEntry[] = [
	{
		column: 'id',
		required: true,
		format: 'The service id, unique in the file: the service reference',
		example: 'example-service-1'
	},
	{
		column: 'name',
		required: true,
		format: 'The service name',
		example: 'Example drop-in (illustrative)'
	},
	{
		column: 'status',
		required: false,
		format:
			"active or temporarily closed; services that are 'inactive' or 'defunct' are left out, with a warning",
		example: 'active'
	},
	{
		column: 'organization.name',
		required: false,
		format:
			'The organisation that runs it: the lead provider (tables form: organizations, by organization_id)',
		example: 'Example charity'
	},
	{
		column: 'service_at_locations.location.latitude',
		required: false,
		format:
			'Latitude and longitude of where it is delivered; one location with these or a postcode is required. Only the first located one is kept (Landscape records one site a service)',
		example: '54.7761'
	},
	{
		column: 'service_at_locations.location.longitude',
		required: false,
		format: 'Longitude, with latitude',
		example: '-1.5733'
	},
	{
		column: 'service_at_locations.location.physical_addresses.postal_code',
		required: false,
		format:
			'Postcode of the location, when it has no latitude and longitude (version 3: addresses.postal_code)',
		example: 'DH1 1AA'
	},
	{
		column: 'service_taxonomys.taxonomy',
		required: true,
		format: `CRS categories as taxonomy terms: a term whose vocabulary is 'crs', or whose name is a CRS category (${CRS_CATEGORIES.join(', ')}). Version 3: attributes.taxonomy_term (term or name; taxonomy or vocabulary)`,
		example: '{"name": "Emotional Wellbeing", "vocabulary": "crs"}'
	},
	{
		column: 'eligibilitys',
		required: false,
		format:
			"minimum_age and maximum_age (years); an eligibility of 'women' or 'female' alone makes it women-only, 'men' or 'male' alone men-only. Version 3: the service's minimum_age and maximum_age",
		example: '{"eligibility": "adult", "minimum_age": 18}'
	},
	{
		column: 'fundings.source',
		required: false,
		format: `Who funds it: the funder (several are joined with ;, cut at ${FUNDER_MAX} characters). Version 3: funding.source`,
		example: 'Example county council'
	}
];

/** The example file: one ORUK version 1 service, obviously illustrative. */
export function orukExample(): string {
	return (
		JSON.stringify(
			[
				{
					id: 'example-service-1',
					name: 'Example drop-in (illustrative)',
					status: 'active',
					organization: { id: 'example-org-1', name: 'Example charity' },
					service_at_locations: [
						{
							id: 'example-sal-1',
							location: {
								id: 'example-location-1',
								name: 'Example community centre',
								latitude: 54.7761,
								longitude: -1.5733,
								physical_addresses: [{ id: 'example-address-1', postal_code: 'DH1 1AA' }]
							}
						}
					],
					eligibilitys: [{ id: 'example-eligibility-1', eligibility: 'adult', minimum_age: 18 }],
					fundings: [{ id: 'example-funding-1', source: 'Example county council' }],
					service_taxonomys: [
						{
							id: 'example-st-1',
							taxonomy: { id: 'crs-ew', name: 'Emotional Wellbeing', vocabulary: 'crs' }
						}
					]
				}
			],
			null,
			2
		) + '\n'
	);
}

/** Where a field's `name` or address lines describe a service, organisation or place, not a person. */
const NAMED_THINGS = new Set([
	'services',
	'service',
	'content',
	'contents',
	'organization',
	'organizations',
	'location',
	'locations',
	'taxonomy',
	'taxonomies',
	'taxonomy_term',
	'taxonomy_terms',
	'service_areas',
	'languages',
	'programs',
	'program',
	'accessibility',
	'accessibility_for_disabilities',
	'cost_options',
	'fundings',
	'funding',
	'schedules',
	'regular_schedules',
	'holiday_schedules'
]);
const ADDRESS_LISTS = new Set(['physical_addresses', 'addresses', 'postal_addresses']);

function allowedField(path: readonly string[]): boolean {
	const key = path[path.length - 1]!;
	if (path.length === 1) return key === 'name';
	const parent = path[path.length - 2]!;
	if (key === 'name' || key === 'alternate_name') return NAMED_THINGS.has(parent);
	return ADDRESS_LISTS.has(parent) && /^address(_\d)?$/.test(key);
}

/** The list a file's services are in, whichever shape it has. */
function servicesOf(value: unknown): { services: unknown[]; tables: Json | null } | null {
	if (Array.isArray(value)) return { services: value, tables: null };
	if (!isObject(value)) return null;
	if (Array.isArray(value.services)) return { services: value.services, tables: value };
	for (const key of ['content', 'contents', 'items'])
		if (Array.isArray(value[key])) return { services: value[key] as unknown[], tables: null };
	if ('id' in value && 'name' in value) return { services: [value], tables: null };
	return null;
}

/** Join an export's tables onto its services, so every shape is read as nested services. */
function nestTables(services: unknown[], tables: Json): unknown[] {
	const rows = (...names: string[]): Json[] =>
		names
			.flatMap((n) => (Array.isArray(tables[n]) ? (tables[n] as unknown[]) : []))
			.filter(isObject);
	const byId = (list: Json[]) => new Map(list.map((x) => [String(x.id), x]));
	const groupBy = (list: Json[], key: string) => {
		const map = new Map<string, Json[]>();
		for (const x of list) map.set(String(x[key]), [...(map.get(String(x[key])) ?? []), x]);
		return map;
	};
	const organizations = byId(rows('organizations', 'organization'));
	const addresses = groupBy(rows('physical_addresses', 'addresses'), 'location_id');
	const locations = byId(
		rows('locations', 'location').map((l) => ({
			...l,
			physical_addresses: l.physical_addresses ?? addresses.get(String(l.id)) ?? []
		}))
	);
	const atLocations = groupBy(rows('service_at_locations'), 'service_id');
	const eligibility = groupBy(rows('eligibilitys', 'eligibility'), 'service_id');
	const funding = groupBy(rows('fundings', 'funding'), 'service_id');
	const terms = byId(rows('taxonomies', 'taxonomy', 'taxonomy_terms'));
	const serviceTaxonomys = groupBy(rows('service_taxonomys'), 'service_id');
	const attributes = groupBy(rows('attributes'), 'link_id');
	return services.map((s) => {
		if (!isObject(s)) return s;
		const id = String(s.id);
		return {
			...s,
			organization: s.organization ?? organizations.get(String(s.organization_id)),
			service_at_locations:
				s.service_at_locations ??
				(atLocations.get(id) ?? []).map((x) => ({
					...x,
					location: x.location ?? locations.get(String(x.location_id))
				})),
			eligibilitys: s.eligibilitys ?? s.eligibility ?? eligibility.get(id),
			fundings: s.fundings ?? s.funding ?? funding.get(id),
			service_taxonomys:
				s.service_taxonomys ??
				serviceTaxonomys.get(id)?.map((x) => ({
					...x,
					taxonomy: x.taxonomy ?? terms.get(String(x.taxonomy_id))
				})),
			attributes:
				s.attributes ??
				attributes.get(id)?.map((x) => ({
					...x,
					taxonomy_term: x.taxonomy_term ?? terms.get(String(x.taxonomy_term_id))
				}))
		};
	});
}

/** The CRS categories a service's taxonomy terms name, and the field they are in. */
function categoriesOf(r: MappedRow, s: Json): { names: string[]; column: string } {
	const names: string[] = [];
	const consider = (term: unknown, nameField: string, vocabField: string) => {
		if (!isObject(term)) return;
		const name = asText(r, term.name ?? term.term, nameField);
		const vocabulary = asText(
			r,
			term.vocabulary ??
				term.taxonomy ??
				(isObject(term.taxonomy_detail) ? term.taxonomy_detail.name : undefined),
			vocabField
		);
		// A term in the 'crs' vocabulary must be a category (the schema says so, with a suggestion);
		// a term in any other vocabulary counts when its name is one.
		if (name && (vocabulary.toLowerCase() === 'crs' || parseCategory(name))) names.push(name);
	};
	const v1 = listAt(r, s, 'service_taxonomys');
	for (const st of v1)
		consider(
			isObject(st) ? st.taxonomy : undefined,
			'service_taxonomys.taxonomy.name',
			'service_taxonomys.taxonomy.vocabulary'
		);
	const v3 = listAt(r, s, 'attributes');
	for (const a of v3)
		consider(
			isObject(a) ? a.taxonomy_term : undefined,
			'attributes.taxonomy_term.name',
			'attributes.taxonomy_term.taxonomy'
		);
	const column =
		v1.length === 0 && v3.length > 0
			? 'attributes.taxonomy_term.name'
			: 'service_taxonomys.taxonomy.name';
	return { names, column };
}

/** Map one nested service onto the services template; extra located sites become warnings. */
function mapService(file: string, row: number, s: unknown, warnings: CellError[]): MappedRow {
	const r = mappedRow(file, row, s);
	if (!isObject(s)) {
		addProblem(r, '-', 'a service must be a JSON object ({…})');
		return r;
	}
	setCell(r, 'reference', textAt(r, s, 'id'), 'id');
	setCell(r, 'name', textAt(r, s, 'name'), 'name');
	setCell(r, 'source', 'local', '-');
	setCell(r, 'mechanism', 'in-kind', '-');

	if (isObject(s.organization))
		setCell(r, 'lead_provider', textAt(r, s.organization, 'name'), 'organization.name');
	else if (s.organization_id !== undefined && s.organization_id !== null)
		addProblem(
			r,
			'organization_id',
			`'${String(s.organization_id)}' is not the id of any organization in the file`
		);

	const fundingField = Array.isArray(s.fundings) ? 'fundings' : 'funding';
	const funders = listAt(r, s, fundingField)
		.map((f) => asText(r, isObject(f) ? f.source : undefined, `${fundingField}.source`))
		.filter(Boolean);
	const funder = [...new Set(funders)].join('; ');
	setCell(
		r,
		'funder',
		funder.length > FUNDER_MAX ? `${funder.slice(0, FUNDER_MAX - 1).trimEnd()}…` : funder,
		`${fundingField}.source`
	);

	const categories = categoriesOf(r, s);
	setCell(r, 'categories', categories.names.join('; '), categories.column);
	if (categories.names.length === 0)
		addProblem(
			r,
			categories.column,
			`no CRS category: add a taxonomy term whose vocabulary is 'crs' and whose name is one of ${CRS_CATEGORIES.join(', ')}`
		);

	// Sites: the first location with a point or a postcode.
	const located: { lat: string; lon: string; postcode: string }[] = [];
	for (const sal of listAt(r, s, 'service_at_locations')) {
		const loc = isObject(sal) ? sal.location : undefined;
		if (!isObject(loc)) continue;
		const address = [...listAt(r, loc, 'physical_addresses'), ...listAt(r, loc, 'addresses')].find(
			(a) => isObject(a) && a.postal_code
		);
		const site = {
			lat: asText(r, loc.latitude, 'service_at_locations.location.latitude'),
			lon: asText(r, loc.longitude, 'service_at_locations.location.longitude'),
			postcode: asText(
				r,
				isObject(address) ? address.postal_code : undefined,
				'service_at_locations.location.physical_addresses.postal_code'
			)
		};
		if (site.lat || site.lon || site.postcode) located.push(site);
	}
	const [site] = located;
	if (site) {
		setCell(r, 'lat', site.lat, 'service_at_locations.location.latitude');
		setCell(r, 'lon', site.lon, 'service_at_locations.location.longitude');
		setCell(
			r,
			'site_postcode',
			site.postcode,
			'service_at_locations.location.physical_addresses.postal_code'
		);
		if (located.length > 1)
			warnings.push({
				file,
				row,
				column: 'service_at_locations',
				message: `${located.length} locations: only the first is kept as the service's site`
			});
	} else {
		addProblem(
			r,
			'service_at_locations',
			'no location to place the service: give a location with latitude and longitude, or a postal_code in its physical_addresses'
		);
		r.sources.region = 'service_at_locations';
	}

	// Eligibility: ages from the eligibility records (version 1) or the service (version 3).
	const eligibilityField = Array.isArray(s.eligibilitys) ? 'eligibilitys' : 'eligibility';
	const eligibility = listAt(r, s, eligibilityField).filter(isObject);
	// The broadest range given; a value that is not a whole number is passed on for the schema to name.
	const age = (field: 'minimum_age' | 'maximum_age') => {
		const given = [
			...eligibility.map((e) => ({
				text: asText(r, e[field], `${eligibilityField}.${field}`),
				column: `${eligibilityField}.${field}`
			})),
			{ text: asText(r, s[field], field), column: field }
		].filter((a) => a.text);
		const odd = given.find((a) => !/^\d+$/.test(a.text));
		if (odd || given.length === 0) return odd ?? { text: '', column: field };
		const values = given.map((a) => Number(a.text));
		const pick = field === 'minimum_age' ? Math.min(...values) : Math.max(...values);
		return { text: String(pick), column: given[0]!.column };
	};
	const min = age('minimum_age');
	const max = age('maximum_age');
	setCell(r, 'min_age', min.text, min.column);
	setCell(r, 'max_age', max.text, max.column);
	const words = new Set(
		eligibility.map((e) =>
			asText(r, e.eligibility, `${eligibilityField}.eligibility`).toLowerCase()
		)
	);
	const women = ['female', 'females', 'women', 'woman'].some((w) => words.has(w));
	const men = ['male', 'males', 'men', 'man'].some((w) => words.has(w));
	setCell(
		r,
		'sex',
		women && !men ? 'female' : men && !women ? 'male' : 'any',
		`${eligibilityField}.eligibility`
	);
	return r;
}

export const orukReader: SupplyReader = {
	kind: 'oruk',
	personFields(files) {
		return files.flatMap((f) => {
			const parsed = parseJson(f.name, f.text);
			return parsed.ok ? personFieldsInJson(parsed.value, allowedField, [CONTACT_NAME]) : [];
		});
	},
	read(files, ref) {
		const [only] = files;
		if (!only || files.length > 1)
			return unreadable([
				{
					file: files[1]?.name ?? '-',
					row: 0,
					column: '-',
					message: 'import one ORUK file at a time'
				}
			]);
		const parsed = parseJson(only.name, only.text);
		if (!parsed.ok) return unreadable([parsed.error]);
		const found = servicesOf(parsed.value);
		if (!found)
			return unreadable([
				{
					file: only.name,
					row: 0,
					column: '-',
					message:
						'is not an Open Referral UK file: give a list of services ([…]), an API page ({"content": […]}) or an export with a "services" list'
				}
			]);
		if (found.services.length === 0)
			return unreadable([
				{ file: only.name, row: 0, column: 'services', message: 'the file holds no services' }
			]);
		const services = found.tables ? nestTables(found.services, found.tables) : found.services;
		const warnings: CellError[] = [];
		const mapped: MappedRow[] = [];
		services.forEach((s, i) => {
			const status =
				isObject(s) && typeof s.status === 'string' ? s.status.trim().toLowerCase() : '';
			if (CLOSED.has(status)) {
				warnings.push({
					file: only.name,
					row: i + 1,
					column: 'status',
					message: `left out: the service is ${status}`
				});
				return;
			}
			mapped.push(mapService(only.name, i + 1, s, warnings));
		});
		const validated = validateMappedRows(mapped, ref);
		return {
			rowsRead: services.length,
			...validated,
			warnings: warnings.sort((a, b) => a.row - b.row),
			ignoredColumns: []
		};
	}
};

export const orukImporter: Importer = {
	kind: 'oruk',
	title: 'Local services (Open Referral UK JSON)',
	description:
		'PCC, local authority, NHS or charity services in Open Referral UK JSON (version 1 or 3): each becomes a local service at its location, for the CRS categories its taxonomy terms name.',
	rowNoun: 'service',
	matchedBy: 'by service id',
	extensions: ['.json'],
	guide: ORUK_GUIDE,
	template: () => ({
		fileName: 'oruk-example.json',
		contentType: 'application/json; charset=utf-8',
		body: orukExample()
	}),
	datasetKey: servicesDatasetKey,
	run(db, files, options) {
		if (files.length !== 1) throw new Error('import one ORUK file at a time');
		return importSupply(db, files, options, orukReader);
	}
};
