import { CRS_CATEGORIES, parseCategory } from '$lib/domain/categories';
import type { CellError } from '../../csv';
import type { DB } from '../../db';
import { importSupply, servicesDatasetKey, type SupplyReader, type TextFile } from '../commit';
import { findPersonColumns } from '../privacy';
import { headerKey, parseDate, parseMoney, parseNumber, readHeader, readTable } from '../read';
import { suggestNearest } from '../../api/suggest';
import { NameIndex, type ServiceReferenceData } from '../services';
import { templateCsvFrom, type FieldGuideEntry, type Importer } from '../types';
import {
	CONTACT_NAME,
	addProblem,
	asText,
	datePart,
	extraPersonColumns,
	isObject,
	listAt,
	mappedRow,
	parseJson,
	personFieldsInJson,
	setCell,
	textAt,
	unreadable,
	validateMappedRows,
	type MappedRow,
	type PersonFieldRule
} from './supply-rows';
import { textOrder } from '../order';

/**
 * Grants published to the 360Giving Data Standard (ROIF and Innovation Grants, a PCC's grants), as
 * a flat CSV (the standard's column titles, e.g. 'Recipient Org:Name') or a JSON package
 * ({"grants": […]}). Each grant becomes a service: mechanism 'grant', for the PDUs, PCC areas or
 * regions of its beneficiary locations.
 */

/** The geography grants name, beyond what every supply kind has. */
export interface GrantGeography {
	lads: { code: string; name: string; successorCode: string | null; pduCodes: string[] }[];
	policeForceAreas: { code: string; name: string; pccAreaId: string }[];
}

/** Local authority districts (with their PDUs) and police force areas, from the database. */
export async function loadGrantGeography(db: DB): Promise<GrantGeography> {
	const [lads, pduLads, pfas] = await Promise.all([
		db
			.selectFrom('lads')
			.select(['code', 'name', 'successor_code'])
			.orderBy(textOrder(db, 'name'))
			.execute(),
		db
			.selectFrom('pdu_lads as pl')
			.innerJoin('pdus as p', 'p.code', 'pl.pdu_code')
			.where('p.valid_to', 'is', null)
			.select(['pl.lad_code', 'pl.pdu_code'])
			.orderBy(textOrder(db, 'pl.pdu_code'))
			.execute(),
		db
			.selectFrom('police_force_areas')
			.select(['code', 'name', 'pcc_area_id'])
			.orderBy(textOrder(db, 'code'))
			.execute()
	]);
	const pdusOf = new Map<string, string[]>();
	for (const r of pduLads) pdusOf.set(r.lad_code, [...(pdusOf.get(r.lad_code) ?? []), r.pdu_code]);
	return {
		lads: lads.map((l) => ({
			code: l.code,
			name: l.name,
			successorCode: l.successor_code,
			pduCodes: pdusOf.get(l.code) ?? []
		})),
		policeForceAreas: pfas.map((p) => ({ code: p.code, name: p.name, pccAreaId: p.pcc_area_id }))
	};
}

/**
 * Which supply source a grant is: ROIF when the funder is the Ministry of Justice, HMPPS or the
 * Probation Service (by its name); any other funder's grant is a local one.
 */
export function grantSource(funderName: string): 'roif' | 'local' {
	return /\b(ministry of justice|moj|hmpps|prison and probation service|probation service)\b/i.test(
		funderName
	)
		? 'roif'
		: 'local';
}

/** The header of the custom column that gives CRS categories (360Giving has no such field). */
export const CRS_CATEGORIES_COLUMN = 'CRS categories';

export const GRANTS_GUIDE: readonly FieldGuideEntry[] = [
	{
		column: 'Identifier',
		required: true,
		format: 'The grant identifier (JSON: id), unique in the file: the service reference',
		example: '360G-EXAMPLE-0001'
	},
	{
		column: 'Title',
		required: true,
		format: 'The grant title (JSON: title): the service name',
		example: 'Example mentoring grant (delete this row)'
	},
	{
		column: 'Currency',
		required: false,
		format: 'GBP (other currencies are refused)',
		example: 'GBP'
	},
	{
		column: 'Amount Awarded',
		required: true,
		format:
			'The total awarded, in £ (JSON: amountAwarded). The annual value is this ÷ the planned duration in years, when planned dates are given',
		example: '50000'
	},
	{
		column: 'Award Date',
		required: false,
		format: 'Date of the award decision (kept with the record, not used)',
		example: '2025-03-01'
	},
	{
		column: 'Planned Dates:Start Date',
		required: false,
		format:
			'Date the grant starts: 2027-03-31, 31/03/2027 or a date-time (JSON: plannedDates[0].startDate)',
		example: '2025-04-01'
	},
	{
		column: 'Planned Dates:End Date',
		required: false,
		format: 'Date the grant ends (JSON: plannedDates[0].endDate)',
		example: '2027-03-31'
	},
	{
		column: 'Planned Dates:Duration (months)',
		required: false,
		format:
			'Months; with a start date and no end date, gives the end date (JSON: plannedDates[0].duration)',
		example: '24'
	},
	{
		column: 'Recipient Org:Identifier',
		required: false,
		format: 'The recipient’s org-id (kept with the record)',
		example: 'GB-CHC-000000'
	},
	{
		column: 'Recipient Org:Name',
		required: true,
		format:
			'The organisation given the grant: the lead provider (JSON: recipientOrganization[0].name)',
		example: 'Example grantee'
	},
	{
		column: 'Funding Org:Name',
		required: true,
		format:
			'The funder (JSON: fundingOrganization[0].name). Source: ROIF when it names the Ministry of Justice, MoJ, HMPPS or the Probation Service; otherwise local',
		example: 'Example Police and Crime Commissioner'
	},
	{
		column: 'Beneficiary Location:Name',
		required: false,
		format:
			'Where the beneficiaries are, when no code is given: a PDU, PCC area, probation region or local authority district name. Several locations: Beneficiary Location:0:Name, Beneficiary Location:1:Name…',
		example: 'County Durham'
	},
	{
		column: 'Beneficiary Location:Geographic Code',
		required: false,
		format:
			'A local authority district code (E06, E07, E08, E09, W06: its PDUs) or police force area code (E23, W15: its PCC area); one location is required, by code or name',
		example: 'E06000047'
	},
	{
		column: 'Beneficiary Location:Geographic Code Type',
		required: false,
		format: 'The code’s type, e.g. LAD or PFA (kept with the record; the code itself decides)',
		example: 'LAD'
	},
	{
		column: CRS_CATEGORIES_COLUMN,
		required: true,
		format: `Not a 360Giving field: add it (JSON: crsCategories). CRS categories, separated by ; (${CRS_CATEGORIES.join(', ')}). Or give classifications with Classifications:Vocabulary 'crs' and the category as Classifications:Title`,
		example: 'Lifestyle and Associates; Emotional Wellbeing'
	}
];

/** Column groups of the 360Giving flat form ('Recipient Org:…'); headers in them are the standard's. */
const GROUPS = new Set(
	[
		'Recipient Org',
		'Recipient Ind',
		'Funding Org',
		'Beneficiary Location',
		'Planned Dates',
		'Actual Dates',
		'Grant Programme',
		'Classifications',
		'Funding Type',
		'Related Document',
		'Location'
	].map((g) => headerKey(g))
);
/** Top-level column titles of the 360Giving flat form. */
const TOP_LEVEL = new Set(
	[
		'Identifier',
		'Title',
		'Description',
		'Currency',
		'Amount Applied For',
		'Amount Awarded',
		'Amount Disbursed',
		'Award Date',
		'URL',
		'From an open call?',
		'Related Activity',
		'Last modified',
		'Data Source',
		'Simple Grant Type',
		'For Regrant Type',
		CRS_CATEGORIES_COLUMN
	].map(headerKey)
);
const REQUIRED_CSV: { key: string; column: string }[] = [
	{ key: 'identifier', column: 'Identifier' },
	{ key: 'title', column: 'Title' },
	{ key: 'amount_awarded', column: 'Amount Awarded' },
	{ key: 'recipient_org:name', column: 'Recipient Org:Name' },
	{ key: 'funding_org:name', column: 'Funding Org:Name' }
];

/** Grants to individuals are person-level data; so is a named contact. */
const GRANT_PERSON_RULES: readonly PersonFieldRule[] = [
	{ what: 'a grant to an individual person', test: (c) => c.startsWith('recipientind') },
	{ what: CONTACT_NAME.what, test: (c) => c.endsWith('contactname') || CONTACT_NAME.test(c) }
];
/** Fields that, under an organisation or a place, describe it rather than a person. */
const ORGANISATION_FIELDS = new Set(['name', 'streetAddress']);
/** JSON parents whose `name` and address fields describe an organisation or a place. */
const PLACE_OR_ORGANISATION = new Set([
	'recipientOrganization',
	'fundingOrganization',
	'beneficiaryLocation',
	'location',
	'grantProgramme',
	'classifications'
]);

/** A header key split into its 360Giving parts: 'beneficiary_location:1:name' → group, 1, name. */
function flatPart(key: string): { group: string; index: number; field: string } {
	const parts = key.split(':');
	if (parts.length === 1) return { group: '', index: 0, field: key };
	const index = parts.length > 2 && /^\d+$/.test(parts[1]!) ? Number(parts[1]) : 0;
	return { group: parts[0]!, index, field: parts[parts.length - 1]! };
}

/** A value and where it came from (the header as written, or a JSON path). */
interface Cell {
	value: string;
	column: string;
}

/** A grant's fields as this kind uses them, from either form. */
interface GrantFields {
	id: Cell;
	title: Cell;
	currency: Cell;
	amountAwarded: Cell;
	plannedStart: Cell;
	plannedEnd: Cell;
	durationMonths: Cell;
	recipientName: Cell;
	funderName: Cell;
	crsCategories: Cell | null;
	locations: { name: Cell; code: Cell }[];
	classifications: { vocabulary: Cell; title: Cell; code: Cell }[];
	/** how to give categories, in this form's words */
	howToGiveCategories: string;
}

const CSV_HOW =
	`360Giving has no field for CRS categories: add a column '${CRS_CATEGORIES_COLUMN}' ` +
	"(e.g. 'Accommodation; Emotional Wellbeing'), or classifications with Classifications:Vocabulary 'crs' and the category as Classifications:Title";
const JSON_HOW =
	'360Giving has no field for CRS categories: add "crsCategories" to the grant (e.g. "Accommodation; Emotional Wellbeing"), or a classification with vocabulary \'crs\' and the category as its title';

function csvGrant(
	cells: Record<string, string>,
	header: (key: string) => string
): Omit<GrantFields, 'howToGiveCategories'> {
	// Several locations or classifications come as indexed columns: group:0:field, group:1:field.
	const indexed = new Map<string, Map<number, Map<string, string>>>();
	for (const key of Object.keys(cells)) {
		const { group, index, field } = flatPart(key);
		if (!group) continue;
		const byIndex = indexed.get(group) ?? new Map<number, Map<string, string>>();
		const fields = byIndex.get(index) ?? new Map<string, string>();
		fields.set(field, key);
		byIndex.set(index, fields);
		indexed.set(group, byIndex);
	}
	const at = (key: string | undefined, fallback: string): Cell => ({
		value: key ? (cells[key] ?? '').trim() : '',
		column: key ? header(key) : fallback
	});
	const first = (group: string, field: string, title: string): Cell => {
		const byIndex = indexed.get(group);
		const lowest = byIndex ? Math.min(...byIndex.keys()) : undefined;
		return at(lowest === undefined ? undefined : byIndex!.get(lowest)!.get(field), title);
	};
	const all = (group: string) =>
		[...(indexed.get(group) ?? new Map<number, Map<string, string>>()).entries()]
			.sort(([a], [b]) => a - b)
			.map(([, fields]) => fields);
	return {
		id: at('identifier' in cells ? 'identifier' : undefined, 'Identifier'),
		title: at('title' in cells ? 'title' : undefined, 'Title'),
		currency: at('currency' in cells ? 'currency' : undefined, 'Currency'),
		amountAwarded: at('amount_awarded' in cells ? 'amount_awarded' : undefined, 'Amount Awarded'),
		plannedStart: first('planned_dates', 'start_date', 'Planned Dates:Start Date'),
		plannedEnd: first('planned_dates', 'end_date', 'Planned Dates:End Date'),
		durationMonths: first('planned_dates', 'duration_(months)', 'Planned Dates:Duration (months)'),
		recipientName: first('recipient_org', 'name', 'Recipient Org:Name'),
		funderName: first('funding_org', 'name', 'Funding Org:Name'),
		crsCategories: 'crs_categories' in cells ? at('crs_categories', CRS_CATEGORIES_COLUMN) : null,
		locations: all('beneficiary_location').map((f) => ({
			name: at(f.get('name'), 'Beneficiary Location:Name'),
			code: at(f.get('geographic_code'), 'Beneficiary Location:Geographic Code')
		})),
		classifications: all('classifications').map((f) => ({
			vocabulary: at(f.get('vocabulary'), 'Classifications:Vocabulary'),
			title: at(f.get('title'), 'Classifications:Title'),
			code: at(f.get('code'), 'Classifications:Code')
		}))
	};
}

function jsonGrant(r: MappedRow, grant: Record<string, unknown>): GrantFields {
	const cell = (path: string): Cell => ({ value: textAt(r, grant, path), column: path });
	const categories = grant.crsCategories;
	let crsCategories: Cell | null = null;
	if (Array.isArray(categories))
		crsCategories = {
			value: categories.map((c) => asText(r, c, 'crsCategories')).join('; '),
			column: 'crsCategories'
		};
	else if (categories !== undefined) crsCategories = cell('crsCategories');
	return {
		id: cell('id'),
		title: cell('title'),
		currency: cell('currency'),
		amountAwarded: cell('amountAwarded'),
		plannedStart: cell('plannedDates.startDate'),
		plannedEnd: cell('plannedDates.endDate'),
		durationMonths: cell('plannedDates.duration'),
		recipientName: cell('recipientOrganization.name'),
		funderName: cell('fundingOrganization.name'),
		crsCategories,
		locations: listAt(r, grant, 'beneficiaryLocation').map((l) => ({
			name: { value: textAt(r, l, 'name'), column: 'beneficiaryLocation.name' },
			code: { value: textAt(r, l, 'geoCode'), column: 'beneficiaryLocation.geoCode' }
		})),
		classifications: listAt(r, grant, 'classifications').map((c) => ({
			vocabulary: { value: textAt(r, c, 'vocabulary'), column: 'classifications.vocabulary' },
			title: { value: textAt(r, c, 'title'), column: 'classifications.title' },
			code: { value: textAt(r, c, 'code'), column: 'classifications.code' }
		})),
		howToGiveCategories: JSON_HOW
	};
}

type Place =
	| { kind: 'region'; code: string; name: string }
	| { kind: 'pcc-area'; id: string; name: string }
	| { kind: 'pdu'; code: string; name: string }
	| { kind: 'lad'; code: string; name: string; pduCodes: string[] };

/** Finds a beneficiary location by its code or name. */
class Places {
	private readonly ladByCode = new Map<string, GrantGeography['lads'][number]>();
	private readonly pccByPfa = new Map<string, string>();
	private readonly names: NameIndex<Place>;
	private readonly ladNames: NameIndex<Place>;

	constructor(
		private readonly ref: ServiceReferenceData,
		geo: GrantGeography
	) {
		for (const l of geo.lads) {
			this.ladByCode.set(l.code, l);
			// A file may use the April 2025 codes of the districts recoded then.
			if (l.successorCode && !this.ladByCode.has(l.successorCode))
				this.ladByCode.set(l.successorCode, l);
		}
		for (const p of geo.policeForceAreas) this.pccByPfa.set(p.code, p.pccAreaId);
		const lads: Place[] = geo.lads
			.filter((l) => l.pduCodes.length > 0)
			.map((l) => ({ kind: 'lad', code: l.code, name: l.name, pduCodes: l.pduCodes }));
		const places: Place[] = [
			...ref.regions.map((r) => ({ kind: 'region' as const, code: r.code, name: r.name })),
			...ref.pccAreas.map((p) => ({ kind: 'pcc-area' as const, id: p.id, name: p.name })),
			...ref.pdus.map((p) => ({ kind: 'pdu' as const, code: p.code, name: p.name })),
			...lads
		];
		this.names = new NameIndex(
			'a PDU, PCC area, probation region or local authority district',
			places,
			(p) => p.name,
			(p) =>
				p.kind === 'region'
					? [p.code, ref.regions.find((r) => r.code === p.code)!.deliusName]
					: p.kind === 'pcc-area'
						? [p.id, ...(p.id === 'metropolitan' ? ['London'] : [])]
						: p.kind === 'pdu'
							? [p.code, ref.pdus.find((x) => x.code === p.code)!.slug]
							: [p.code]
		);
		this.ladNames = new NameIndex(
			'a local authority district',
			lads,
			(p) => p.name,
			() => []
		);
	}

	/** The place a location names: its code decides when it is a district or police force area code. */
	find(
		name: Cell,
		code: Cell
	): { ok: true; place: Place; column: string } | { ok: false; column: string; message: string } {
		const c = code.value.toUpperCase().replace(/\s+/g, '');
		if (/^(E0[6-9]|W06)\d{6}$/.test(c)) {
			const lad = this.ladByCode.get(c);
			if (lad && lad.pduCodes.length > 0)
				return {
					ok: true,
					place: { kind: 'lad', code: lad.code, name: lad.name, pduCodes: lad.pduCodes },
					column: code.column
				};
			// The district the location's name gives, else the code nearest the one written.
			const named = name.value ? this.ladNames.find(name.value) : undefined;
			const nearest =
				named?.ok && named.value.kind === 'lad'
					? named.value
					: this.ladByCode.get(suggestNearest(c, [...this.ladByCode.keys()]) ?? '');
			const hint = nearest ? ` Did you mean ${nearest.code} (${nearest.name})?` : '';
			return {
				ok: false,
				column: code.column,
				message: `'${code.value}' is not a local authority district code Landscape knows (December 2024 or April 2025 codes).${hint}`
			};
		}
		if (/^(E23|W15)\d{6}$/.test(c)) {
			const id = this.pccByPfa.get(c);
			const area = this.ref.pccAreas.find((p) => p.id === id);
			if (area)
				return {
					ok: true,
					place: { kind: 'pcc-area', id: area.id, name: area.name },
					column: code.column
				};
			return {
				ok: false,
				column: code.column,
				message: `'${code.value}' is not a police force area code Landscape knows`
			};
		}
		if (name.value) {
			const found = this.names.find(name.value);
			return found.ok
				? { ok: true, place: found.value, column: name.column }
				: { ok: false, column: name.column, message: found.message };
		}
		return {
			ok: false,
			column: code.column,
			message: `'${code.value}' cannot be placed: give a local authority district code (E06, E07, E08, E09, W06) or police force area code (E23, W15), or a PDU, PCC area, probation region or district name in Beneficiary Location:Name`
		};
	}
}

/** Whole months from one ISO date to another, both days counted: 2025-04-01 to 2026-03-31 → 12. */
function monthsBetween(start: string, end: string): number {
	const days = (Date.parse(end) - Date.parse(start)) / 86_400_000 + 1;
	return Math.max(1, Math.round(days / (365.25 / 12)));
}

/** The day before the same day `months` later: 2025-04-01 + 24 months → 2027-03-31. */
function endAfterMonths(start: string, months: number): string {
	const [y, m, d] = start.split('-').map(Number) as [number, number, number];
	return new Date(Date.UTC(y, m - 1 + months, d - 1)).toISOString().slice(0, 10);
}

/** Map one grant onto the services template. */
function mapGrant(r: MappedRow, g: GrantFields, places: Places, ref: ServiceReferenceData): void {
	const cellTo = (column: Parameters<typeof setCell>[1], cell: Cell) =>
		setCell(r, column, cell.value, cell.column);
	cellTo('reference', g.id);
	cellTo('name', g.title);
	cellTo('funder', g.funderName);
	cellTo('lead_provider', g.recipientName);
	setCell(r, 'mechanism', 'grant', '-');
	setCell(r, 'source', grantSource(g.funderName.value), g.funderName.column);
	if (!g.funderName.value) addProblem(r, g.funderName.column, 'the funder is required');
	if (!g.recipientName.value)
		addProblem(r, g.recipientName.column, 'the recipient organisation is required');
	if (g.currency.value && g.currency.value.toUpperCase() !== 'GBP')
		addProblem(
			r,
			g.currency.column,
			`'${g.currency.value}': Landscape counts money in £ (GBP) only`
		);

	// Categories: the custom column, then classifications in the 'crs' vocabulary or named as one.
	const categories: string[] = [];
	let categoryColumn = g.crsCategories?.column ?? CRS_CATEGORIES_COLUMN;
	if (g.crsCategories?.value) categories.push(g.crsCategories.value);
	for (const c of g.classifications) {
		const title = c.title.value || c.code.value;
		if (!title) continue;
		if (c.vocabulary.value.trim().toLowerCase() === 'crs' || parseCategory(title)) {
			if (categories.length === 0) categoryColumn = c.title.value ? c.title.column : c.code.column;
			categories.push(title);
		}
	}
	if (categories.length === 0)
		addProblem(
			r,
			categoryColumn,
			g.crsCategories ? 'give at least one CRS category' : g.howToGiveCategories
		);
	setCell(r, 'categories', categories.join('; '), categoryColumn);

	// Geography: each beneficiary location is a district (its PDUs), a PCC area, a PDU or a region.
	const pdus = new Set<string>();
	const pccAreas = new Set<string>();
	const regions = new Set<string>();
	let geoColumn: string | undefined;
	const located = g.locations.filter((l) => l.name.value || l.code.value);
	// Where a location cannot be placed, that is the error: not also 'no geography' in template words.
	const firstLocation = located[0] ?? g.locations[0];
	const locationColumn = firstLocation
		? firstLocation.code.value
			? firstLocation.code.column
			: firstLocation.name.column
		: 'Beneficiary Location:Geographic Code';
	setCell(r, 'region', '', locationColumn);
	for (const l of located) {
		const found = places.find(l.name, l.code);
		if (!found.ok) {
			addProblem(r, found.column, found.message);
			if (pdus.size + pccAreas.size + regions.size === 0) r.sources.region = found.column;
			continue;
		}
		geoColumn ??= found.column;
		const p = found.place;
		if (p.kind === 'lad') p.pduCodes.forEach((c) => pdus.add(c));
		else if (p.kind === 'pdu') pdus.add(p.code);
		else if (p.kind === 'pcc-area') pccAreas.add(p.id);
		else regions.add(p.code);
	}
	if (located.length === 0)
		addProblem(
			r,
			locationColumn,
			'give where the beneficiaries are: a Beneficiary Location with a local authority district or police force area code, or a PDU, PCC area, probation region or district name'
		);
	// One region alone is a region-wide grant; regions with other places stand for their PCC areas.
	if (regions.size === 1 && pdus.size === 0 && pccAreas.size === 0)
		setCell(r, 'region', [...regions][0]!, geoColumn!);
	else
		for (const code of regions)
			for (const p of ref.pccAreas) if (p.regionCode === code) pccAreas.add(p.id);
	if (pdus.size) setCell(r, 'pdus', [...pdus].join('; '), geoColumn!);
	if (pccAreas.size) setCell(r, 'pcc_areas', [...pccAreas].join('; '), geoColumn!);

	// Dates and money: annual value = amount ÷ planned years, when the dates give a term.
	const start = datePart(g.plannedStart.value);
	let end = datePart(g.plannedEnd.value);
	cellTo('start_date', { ...g.plannedStart, value: start });
	const startDate = start ? parseDate(start) : null;
	let months: number | null = null;
	if (g.durationMonths.value) {
		const n = parseNumber(g.durationMonths.value);
		if (!n.ok || n.value <= 0)
			addProblem(
				r,
				g.durationMonths.column,
				`'${g.durationMonths.value}' is not a number of months above 0`
			);
		else months = n.value;
	}
	if (!end && months !== null && startDate?.ok)
		end = endAfterMonths(startDate.value, Math.round(months));
	setCell(r, 'end_date', end, g.plannedEnd.value ? g.plannedEnd.column : g.durationMonths.column);
	const endDate = end ? parseDate(end) : null;
	if (months === null && startDate?.ok && endDate?.ok && endDate.value >= startDate.value)
		months = monthsBetween(startDate.value, endDate.value);
	cellTo('total_value_gbp', g.amountAwarded);
	if (!g.amountAwarded.value)
		addProblem(r, g.amountAwarded.column, 'the amount awarded is required');
	const amount = g.amountAwarded.value ? parseMoney(g.amountAwarded.value) : null;
	if (amount?.ok && months !== null)
		setCell(
			r,
			'annual_value_gbp',
			String(Math.round((amount.value * 12) / months)),
			g.amountAwarded.column
		);
}

function grantsFromCsv(file: TextFile, ref: ServiceReferenceData, places: Places) {
	const table = readTable(file.text, file.name);
	const byKey = new Map<string, string>();
	for (const h of table.headers) byKey.set(headerKey(h), h);
	const errors: CellError[] = table.errors.filter((e) => e.row === 0);
	const ignoredColumns: string[] = [];
	for (const [key, header] of byKey) {
		const { group } = flatPart(key);
		if (key && !(group ? GROUPS.has(group) : TOP_LEVEL.has(key))) ignoredColumns.push(header);
	}
	const keys = [...byKey.keys()].map((k) => {
		const { group, field } = flatPart(k);
		return group ? `${group}:${field}` : k;
	});
	for (const c of REQUIRED_CSV)
		if (!keys.includes(c.key))
			errors.push({ file: file.name, row: 0, column: c.column, message: 'this column is missing' });
	if (table.rows.length === 0)
		errors.push({
			file: file.name,
			row: 0,
			column: '-',
			message: 'the file has no rows after the header'
		});
	if (errors.length > 0) return { ...unreadable(errors, table.rows.length), ignoredColumns };

	const header = (key: string) => byKey.get(key) ?? key;
	const misaligned = table.errors.filter((e) => e.row > 0);
	const bad = new Set(misaligned.map((e) => e.row));
	const mapped: MappedRow[] = [];
	table.rows.forEach((cells, i) => {
		if (bad.has(i + 1)) return;
		const r = mappedRow(file.name, i + 1, cells);
		mapGrant(r, { ...csvGrant(cells, header), howToGiveCategories: CSV_HOW }, places, ref);
		mapped.push(r);
	});
	const validated = validateMappedRows(mapped, ref);
	return {
		rowsRead: table.rows.length,
		rows: validated.rows,
		rejected: validated.rejected + bad.size,
		errors: [...misaligned, ...validated.errors].sort((a, b) => a.row - b.row),
		ignoredColumns
	};
}

function grantsFromJson(file: TextFile, value: unknown, ref: ServiceReferenceData, places: Places) {
	const grants = Array.isArray(value) ? value : isObject(value) ? value.grants : undefined;
	if (!Array.isArray(grants))
		return unreadable([
			{
				file: file.name,
				row: 0,
				column: 'grants',
				message: 'a 360Giving JSON file is an object with a "grants" list ({"grants": […]})'
			}
		]);
	if (grants.length === 0)
		return unreadable([
			{ file: file.name, row: 0, column: 'grants', message: 'the "grants" list is empty' }
		]);
	const mapped = grants.map((grant, i) => {
		const r = mappedRow(file.name, i + 1, grant);
		if (isObject(grant)) mapGrant(r, jsonGrant(r, grant), places, ref);
		else addProblem(r, '-', 'a grant must be a JSON object ({…})');
		return r;
	});
	return { rowsRead: grants.length, ...validateMappedRows(mapped, ref), ignoredColumns: [] };
}

const looksLikeJson = (file: TextFile) =>
	file.name.toLowerCase().endsWith('.json') || /^\s*[[{]/.test(file.text.replace(/^\uFEFF/, ''));

/** The reader, placing beneficiary locations with `geo`. */
export function grants360Reader(geo: GrantGeography): SupplyReader {
	return {
		kind: 'grants-360giving',
		personFields(files) {
			return files.flatMap((f) => {
				if (looksLikeJson(f)) {
					const parsed = parseJson(f.name, f.text);
					if (!parsed.ok) return [];
					return personFieldsInJson(
						parsed.value,
						(path) =>
							path.length >= 2 &&
							PLACE_OR_ORGANISATION.has(path[path.length - 2]!) &&
							ORGANISATION_FIELDS.has(path[path.length - 1]!),
						GRANT_PERSON_RULES
					);
				}
				const headers = readHeader(f.text);
				// The standard's own columns ('Recipient Org:Name', '…:Street Address') describe organisations.
				const standard = headers.filter((h) => {
					const { group } = flatPart(headerKey(h));
					return group ? GROUPS.has(group) : TOP_LEVEL.has(headerKey(h));
				});
				const found = [
					...findPersonColumns(headers, standard),
					...extraPersonColumns(headers, GRANT_PERSON_RULES)
				];
				return found.filter((p, i) => found.findIndex((q) => q.column === p.column) === i);
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
						message: 'import one 360Giving file at a time'
					}
				]);
			const places = new Places(ref, geo);
			if (looksLikeJson(only)) {
				const parsed = parseJson(only.name, only.text);
				if (!parsed.ok) return unreadable([parsed.error]);
				return grantsFromJson(only, parsed.value, ref, places);
			}
			return grantsFromCsv(only, ref, places);
		}
	};
}

/** A 360Giving JSON package with one illustrative grant. */
export function grantsJsonExample(): string {
	return (
		JSON.stringify(
			{
				grants: [
					{
						id: '360G-EXAMPLE-0001',
						title: 'Example mentoring grant (illustrative)',
						currency: 'GBP',
						amountAwarded: 50000,
						awardDate: '2025-03-01',
						plannedDates: [{ startDate: '2025-04-01', endDate: '2027-03-31', duration: 24 }],
						recipientOrganization: [{ id: 'GB-CHC-000000', name: 'Example grantee' }],
						fundingOrganization: [
							{ id: 'GB-EXAMPLE-1', name: 'Example Police and Crime Commissioner' }
						],
						beneficiaryLocation: [
							{ name: 'County Durham', geoCode: 'E06000047', geoCodeType: 'LAD' }
						],
						classifications: [{ vocabulary: 'crs', code: 'LA', title: 'Lifestyle and Associates' }]
					}
				]
			},
			null,
			2
		) + '\n'
	);
}

export const grants360Importer: Importer = {
	kind: 'grants-360giving',
	title: 'Grants (360Giving CSV or JSON)',
	description:
		'ROIF, Innovation Grants or a PCC’s grants in the 360Giving Data Standard (flat CSV or JSON package), plus a CRS categories column: each grant becomes a service for the PDUs, PCC areas or region of its beneficiary locations.',
	rowNoun: 'grant',
	matchedBy: 'by grant identifier',
	extensions: ['.csv', '.json'],
	guide: GRANTS_GUIDE,
	template: () => ({
		fileName: 'grants-360giving-template.csv',
		contentType: 'text/csv; charset=utf-8',
		body: templateCsvFrom(GRANTS_GUIDE)
	}),
	datasetKey: servicesDatasetKey,
	async run(db, files, options) {
		if (files.length !== 1) throw new Error('import one 360Giving file at a time');
		return importSupply(db, files, options, grants360Reader(await loadGrantGeography(db)));
	}
};
