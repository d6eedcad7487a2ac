import path from 'node:path';
import { CRS_CATEGORIES, categoriesOfContractType, parseNeedAreas } from '$lib/domain/categories';
import type { DB } from '../../db';
import { importSupply, servicesDatasetKey, type SupplyReader } from '../commit';
import { NameIndex } from '../services';
import type { FieldGuideEntry, Importer } from '../types';
import {
	addProblem,
	asText,
	datePart,
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
import { textOrder } from '../order';

/**
 * Refer and Monitor (R&M) contract definitions: the JSON files of hmpps-interventions-service
 * (src/main/resources/contracts/*.json), one contract per file, a folder of them imported together.
 * Each maps as the seed maps data/facts/crs_interventions_refer_monitor.csv: source 'crs', a
 * call-off, the region by its R&M letter or a PCC area by its id, the prime and subcontractors by
 * their R&M provider codes, categories from the activities' need areas (else the contract type).
 */

/** A provider Landscape knows by its R&M code. */
export interface RmProvider {
	code: string;
	name: string;
}

/** The R&M providers in the database (seeded from data/facts/crs_providers_refer_monitor.csv). */
export async function loadRmProviders(db: DB): Promise<RmProvider[]> {
	const rows = await db
		.selectFrom('organisations')
		.where('rm_provider_code', 'is not', null)
		.select(['rm_provider_code', 'name'])
		.orderBy(textOrder(db, 'rm_provider_code'))
		.execute();
	return rows.map((r) => ({ code: r.rm_provider_code!, name: r.name }));
}

/**
 * Who pays: HMPPS, except the Greater Manchester contracts (DN671065…) that GMCA co-commissions,
 * as the seed says. Greater Manchester is R&M region L, and its one PCC area.
 */
export function rmFunder(reference: string, regionLetter: string, pccAreaId = ''): string {
	const greaterManchester = regionLetter === 'L' || pccAreaId === 'greater-manchester';
	return greaterManchester && reference.startsWith('DN671065')
		? 'Greater Manchester Combined Authority (co-commissioned)'
		: 'HMPPS (Probation Service)';
}

export const RM_GUIDE: readonly FieldGuideEntry[] = [
	{
		column: 'contract_reference',
		required: true,
		format: 'The contract reference, unique across the files (becomes the service reference)',
		example: 'EXAMPLE_0001'
	},
	{
		column: 'contract_type_id',
		required: true,
		format:
			'R&M contract type code (ACC, ETE, PWB, WOS, DNR…, FBD…); gives the categories when no activity names a CRS category',
		example: 'ACC'
	},
	{
		column: 'intervention_title',
		required: true,
		format: 'The intervention title (the service name)',
		example: 'Example accommodation service (illustrative)'
	},
	{
		column: 'region.nps_region_code',
		required: false,
		format: 'R&M region letter, A to L: a region-wide contract. Give this or pcc_region_code',
		example: 'F'
	},
	{
		column: 'region.pcc_region_code',
		required: false,
		format: 'R&M PCC area id (e.g. avon-and-somerset): a contract for one PCC area',
		example: ''
	},
	{
		column: 'eligibility.allows_female',
		required: true,
		format: 'true or false',
		example: 'false'
	},
	{ column: 'eligibility.allows_male', required: true, format: 'true or false', example: 'true' },
	{
		column: 'eligibility.minimum_age',
		required: false,
		format: 'Whole number of years, or null',
		example: '18'
	},
	{
		column: 'eligibility.maximum_age',
		required: false,
		format: 'Whole number of years, or null',
		example: ''
	},
	{
		column: 'scheduling.hide_before',
		required: false,
		format:
			'Date referrals open (YYYY-MM-DD, a time is ignored); stored as the start date, so the service counts from then',
		example: '2025-04-01'
	},
	{
		column: 'scheduling.hide_after',
		required: false,
		format: 'Date referrals close, or null; stored as the end date (the contract cliff)',
		example: ''
	},
	{
		column: 'providers.prime_provider_code',
		required: true,
		format:
			'R&M provider code of the prime (e.g. NACRO); must be a provider Landscape knows (data/facts/crs_providers_refer_monitor.csv)',
		example: 'NACRO'
	},
	{
		column: 'providers.subcontractor_codes',
		required: false,
		format: 'List of R&M provider codes',
		example: 'SHELTER'
	},
	{
		column: 'activities.need_area',
		required: false,
		format:
			'Each activity’s need area; those that are CRS categories (e.g. Accommodation, Finance Benefits & Debt) are the categories',
		example: 'Accommodation'
	}
];

/** The example file: the shape of one R&M definition, obviously illustrative. */
export function rmExample(): string {
	return (
		JSON.stringify(
			{
				contract_reference: 'EXAMPLE_0001',
				contract_type_id: 'ACC',
				region: { nps_region_code: 'F', pcc_region_code: null },
				eligibility: {
					allows_female: false,
					allows_male: true,
					minimum_age: 18,
					maximum_age: null
				},
				scheduling: { hide_before: '2025-04-01', hide_after: null },
				providers: { prime_provider_code: 'NACRO', subcontractor_codes: ['SHELTER'] },
				intervention_title: 'Example accommodation service (illustrative)',
				short_description: 'An illustrative contract definition: replace every value.',
				activities: [
					{
						need_area: 'Accommodation',
						activity: 'Example activity',
						delivery_method: 'One to one',
						delivery_location: 'Example town'
					}
				]
			},
			null,
			2
		) + '\n'
	);
}

/** Fields of a definition that name people: the referral inbox is a mailbox, not stored. */
const DROPPED_FIELDS = ['incoming_distribution_email'];

function booleanAt(r: MappedRow, record: unknown, field: string): boolean | null {
	const value =
		isObject(record) && isObject(record.eligibility) ? record.eligibility[field] : undefined;
	const column = `eligibility.${field}`;
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	addProblem(
		r,
		column,
		value === undefined || value === null
			? 'is required (true or false)'
			: `'${String(value)}' is not true or false`
	);
	return null;
}

/** Map one contract definition onto the services template. */
function mapDefinition(
	file: string,
	row: number,
	record: unknown,
	providers: NameIndex<RmProvider>
): MappedRow {
	const raw = isObject(record)
		? Object.fromEntries(Object.entries(record).filter(([k]) => !DROPPED_FIELDS.includes(k)))
		: record;
	const r = mappedRow(file, row, raw);
	if (!isObject(record)) {
		addProblem(r, '-', 'a contract definition must be a JSON object ({…})');
		return r;
	}
	const reference = textAt(r, record, 'contract_reference');
	setCell(r, 'reference', reference, 'contract_reference');
	setCell(r, 'name', textAt(r, record, 'intervention_title'), 'intervention_title');
	setCell(r, 'source', 'crs', '-');
	setCell(r, 'mechanism', 'call-off', '-');

	const letter = textAt(r, record, 'region.nps_region_code');
	const pcc = textAt(r, record, 'region.pcc_region_code');
	setCell(r, 'region', letter, 'region.nps_region_code');
	setCell(r, 'pcc_areas', pcc, 'region.pcc_region_code');
	if (!letter && !pcc) {
		addProblem(
			r,
			'region',
			'give region.nps_region_code (a region letter, A to L) or region.pcc_region_code (a PCC area id)'
		);
		r.sources.region = 'region';
	}
	setCell(r, 'funder', rmFunder(reference, letter.toUpperCase(), pcc.toLowerCase()), '-');

	const female = booleanAt(r, record, 'allows_female');
	const male = booleanAt(r, record, 'allows_male');
	if (female === false && male === false)
		addProblem(r, 'eligibility.allows_male', 'allows neither women nor men: one must be true');
	setCell(r, 'sex', female && !male ? 'female' : male && !female ? 'male' : 'any', 'eligibility');
	setCell(r, 'min_age', textAt(r, record, 'eligibility.minimum_age'), 'eligibility.minimum_age');
	setCell(r, 'max_age', textAt(r, record, 'eligibility.maximum_age'), 'eligibility.maximum_age');
	setCell(
		r,
		'start_date',
		datePart(textAt(r, record, 'scheduling.hide_before')),
		'scheduling.hide_before'
	);
	setCell(
		r,
		'end_date',
		datePart(textAt(r, record, 'scheduling.hide_after')),
		'scheduling.hide_after'
	);

	const prime = textAt(r, record, 'providers.prime_provider_code');
	if (!prime) addProblem(r, 'providers.prime_provider_code', 'the prime provider is required');
	else {
		const found = providers.find(prime);
		if (found.ok) setCell(r, 'lead_provider', found.value.name, 'providers.prime_provider_code');
		else addProblem(r, 'providers.prime_provider_code', found.message);
	}
	const subs: string[] = [];
	for (const item of listAt(r, record, 'providers.subcontractor_codes')) {
		const code = asText(r, item, 'providers.subcontractor_codes');
		if (!code) continue;
		const found = providers.find(code);
		if (found.ok) subs.push(found.value.name);
		else addProblem(r, 'providers.subcontractor_codes', found.message);
	}
	setCell(r, 'subcontractors', subs.join('; '), 'providers.subcontractor_codes');

	const needAreas = listAt(r, record, 'activities')
		.map((a) => asText(r, isObject(a) ? a.need_area : undefined, 'activities.need_area'))
		.filter(Boolean);
	const type = textAt(r, record, 'contract_type_id');
	if (!type) addProblem(r, 'contract_type_id', 'the contract type is required');
	const parsed = parseNeedAreas([...new Set(needAreas)].join('; '));
	const categories =
		parsed.categories.length > 0 ? parsed.categories : categoriesOfContractType(type);
	if (categories.length === 0 && type)
		addProblem(
			r,
			'activities.need_area',
			`no activity names a CRS category, and contract type '${type}' gives none: give an activity whose need_area is one of ${CRS_CATEGORIES.join(', ')}`
		);
	setCell(
		r,
		'categories',
		categories.join('; '),
		parsed.categories.length > 0 ? 'activities.need_area' : 'contract_type_id'
	);
	return r;
}

/** The reader, resolving provider codes against `providers`. */
export function rmContractsReader(providers: readonly RmProvider[]): SupplyReader {
	const index = new NameIndex(
		'an R&M provider code Landscape knows (add the provider to data/facts/crs_providers_refer_monitor.csv, or check the code)',
		providers,
		(p) => p.code,
		(p) => [p.code]
	);
	return {
		kind: 'rm-contracts',
		personFields(files) {
			return files.flatMap((f) => {
				const parsed = parseJson(f.name, f.text);
				if (!parsed.ok) return [];
				// A definition has no field of its own that names a person: check every one.
				return personFieldsInJson(parsed.value, () => false).map((c) => ({
					...c,
					column: `${path.basename(f.name)}: ${c.column}`
				}));
			});
		},
		read(files, ref) {
			const mapped: MappedRow[] = [];
			const fileErrors = [];
			let rowsRead = 0;
			for (const f of files) {
				const parsed = parseJson(f.name, f.text);
				if (!parsed.ok) {
					fileErrors.push(parsed.error);
					continue;
				}
				const records = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
				if (records.length === 0)
					fileErrors.push({
						file: f.name,
						row: 0,
						column: '-',
						message: 'the file holds no contract definitions'
					});
				records.forEach((record, i) => mapped.push(mapDefinition(f.name, i + 1, record, index)));
				rowsRead += records.length;
			}
			if (files.length === 0)
				fileErrors.push({
					file: '-',
					row: 0,
					column: '-',
					message: 'no contract definition files were given'
				});
			if (fileErrors.length > 0) return unreadable(fileErrors, rowsRead);
			const validated = validateMappedRows(mapped, ref);
			return { rowsRead, ...validated, ignoredColumns: [] };
		}
	};
}

export const rmContractsImporter: Importer = {
	kind: 'rm-contracts',
	title: 'Refer and Monitor contract definitions (JSON)',
	description:
		'CRS contract definitions as Refer and Monitor holds them (hmpps-interventions-service contracts/*.json), one file or a folder: each becomes a CRS call-off for its region or PCC area, with its prime, subcontractors, categories, eligibility and referral window.',
	rowNoun: 'contract definition',
	matchedBy: 'by contract reference',
	extensions: ['.json'],
	acceptsFolder: true,
	guide: RM_GUIDE,
	template: () => ({
		fileName: 'rm-contract-example.json',
		contentType: 'application/json; charset=utf-8',
		body: rmExample()
	}),
	datasetKey: servicesDatasetKey,
	async run(db, files, options) {
		const reader = rmContractsReader(await loadRmProviders(db));
		return importSupply(db, files, options, reader);
	}
};
