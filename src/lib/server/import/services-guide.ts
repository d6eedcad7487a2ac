import { CRS_CATEGORIES } from '$lib/domain/categories';
import { MECHANISMS, SUPPLY_SOURCES } from '$lib/domain/supply';
import { SERVICE_COLUMNS, type ServiceColumn } from './services';
import { templateCsvFrom, type FieldGuideEntry } from './types';

/** One column of the services template, as the field guide describes it. */
export interface TemplateField extends FieldGuideEntry {
	column: ServiceColumn;
}

/**
 * How to fill in each column of the services template. The example values make up one obviously
 * illustrative row (it is the second line of template.csv), not a real contract.
 */
const GUIDE: Record<ServiceColumn, Omit<TemplateField, 'column'>> = {
	source: {
		required: true,
		format: `One of ${SUPPLY_SOURCES.join(', ')}`,
		example: 'local'
	},
	reference: {
		required: true,
		format: 'Your reference for the service, unique in the file (up to 100 characters)',
		example: 'EXAMPLE-1'
	},
	name: {
		required: true,
		format: 'The name of the service (up to 300 characters)',
		example: 'Example service (delete this row)'
	},
	mechanism: { required: true, format: `One of ${MECHANISMS.join(', ')}`, example: 'grant' },
	funder: { required: false, format: 'Who pays for it', example: 'Example funder' },
	lead_provider: {
		required: false,
		format: 'The organisation that leads delivery',
		example: 'Example provider'
	},
	subcontractors: {
		required: false,
		format: 'Organisations, separated by ;',
		example: 'Example partner A; Example partner B'
	},
	categories: {
		required: true,
		format: `CRS categories, separated by ; (${CRS_CATEGORIES.join(', ')})`,
		example: 'Accommodation'
	},
	region: {
		required: false,
		format: 'Probation region: name, nDelius code (N54) or Refer and Monitor letter (A)',
		example: 'N54'
	},
	pcc_areas: {
		required: false,
		format: 'PCC areas, separated by ;',
		example: ''
	},
	pdus: { required: false, format: 'PDU codes or names, separated by ;', example: '' },
	site_postcode: {
		required: false,
		format: 'Postcode or postcode district of a delivery site',
		example: ''
	},
	lat: { required: false, format: 'Latitude of the site (give lat and lon together)', example: '' },
	lon: { required: false, format: 'Longitude of the site', example: '' },
	start_date: {
		required: false,
		format: 'Date: 31/03/2027, 2027-03-31 or an Excel serial number',
		example: '01/04/2025'
	},
	end_date: { required: false, format: 'Date, on or after start_date', example: '31/03/2027' },
	annual_value_gbp: {
		required: false,
		format: 'Money in £ a year: £1,234.50 or 1234.5',
		example: '1000'
	},
	total_value_gbp: { required: false, format: 'Money in £ over the term', example: '2000' },
	places_per_year: { required: false, format: 'Number of places a year, 0 or more', example: '' },
	sex: { required: false, format: 'any (the default), female or male', example: 'any' },
	min_age: { required: false, format: 'Whole number of years, 0 to 120', example: '18' },
	max_age: { required: false, format: 'Whole number of years, at least min_age', example: '' }
};

/** The field guide, in template column order. */
export const TEMPLATE_FIELDS: TemplateField[] = SERVICE_COLUMNS.map((column) => ({
	column,
	...GUIDE[column]
}));

/** template.csv: the header row of the services kind and one illustrative row. */
export function templateCsv(): string {
	return templateCsvFrom(TEMPLATE_FIELDS);
}
