import { z } from 'zod';

// Row schemas for the shipped files in data/, next to the types they produce.

const text = z.string().trim();
const optionalText = z
	.string()
	.trim()
	.transform((v) => (v === '' ? null : v));
const wholeNumber = z.string().trim().regex(/^\d+$/, 'expected a whole number').transform(Number);
const optionalWholeNumber = z
	.string()
	.trim()
	.regex(/^\d*$/, 'expected a whole number or blank')
	.transform((v) => (v === '' ? null : Number(v)));
const decimal = z
	.string()
	.trim()
	.regex(/^-?\d+(\.\d+)?$/, 'expected a number')
	.transform(Number);
const isoDate = z
	.string()
	.trim()
	.regex(/^(\d{4}-\d{2}-\d{2})?/, 'expected a date YYYY-MM-DD')
	.transform((v) => (v === '' ? null : v.slice(0, 10)));
const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
const list = z
	.string()
	.trim()
	.transform((v) =>
		v === ''
			? []
			: v
					.split(';')
					.map((s) => s.trim())
					.filter(Boolean)
	);

export const regionRow = z.object({
	region_code: text,
	region_name: text,
	interventions_region_code: text,
	delius_region_name: text,
	pdu_count: wholeNumber,
	census2021_population: wholeNumber
});

export const pccAreaRow = z.object({
	pcc_area_id: text,
	pcc_area_name: text,
	probation_region_code: text,
	probation_region: text
});

export const pfaRow = z.object({
	pfa23cd: text,
	pfa23nm: text,
	pcc_area_id: text,
	census2021_population: wholeNumber,
	note: optionalText
});

export const pduRow = z.object({
	pdu_code: text,
	pdu_id: text,
	pdu_name: text,
	region_code: text,
	delius_name: optionalText,
	cas_name: optionalText,
	replaces: optionalText,
	split_lads: optionalText,
	pcc_area_ids: list,
	census2021_population: optionalWholeNumber,
	mapping_basis: text
});

export const pduChangeRow = z.object({
	change: text,
	old_pdu_code: text,
	old_pdu_name: text,
	new_pdu_code: text,
	new_pdu_name: text,
	region_code: text,
	recorded_in: text,
	recorded_date: isoDate
});

export const ladRow = z.object({
	lad24cd: text,
	lad24nm: text,
	country: text,
	ctyua24nm: optionalText,
	cauth25nm: optionalText,
	pfa23cd: text,
	pcc_area_id: text,
	probation_region_code: text,
	split_between_pdus: bool,
	census2021_population: wholeNumber,
	population_note: optionalText,
	pop_centroid_lon_approx: decimal,
	pop_centroid_lat_approx: decimal,
	area_km2_approx: decimal
});

export const ladCodeChangeRow = z.object({
	old_code: text,
	lad24cd: text,
	code_from_2025_04: text,
	change: text
});

export const pduLadRow = z.object({
	pdu_code: text,
	lad24cd: text,
	coverage: z.enum(['whole', 'part']),
	basis: text,
	note: optionalText
});

export const awardRow = z.object({
	region: text,
	category: text,
	provider: text,
	value_gbp: wholeNumber,
	lot_level: z.enum(['Region', 'PCC area']),
	areas: text,
	areas_until_june_2023: text,
	notes: optionalText
});

export const rmContractRow = z.object({
	contract_reference: text,
	contract_type_code: text,
	contract_type: text,
	intervention_title: text,
	probation_region: text,
	pcc_areas: list,
	allows_female: bool,
	allows_male: bool,
	minimum_age: optionalWholeNumber,
	maximum_age: optionalWholeNumber,
	visible_from: isoDate,
	visible_until: isoDate,
	prime_provider: text,
	subcontractors: list,
	need_areas: z.string(),
	delivery_locations: optionalText,
	source_file: text
});

export const rmProviderRow = z.object({
	provider_code: text,
	provider_name: text
});

export const aliasRow = z.object({
	alias: text,
	canonical_name: text,
	basis: text
});

export const officeRow = z.object({
	probation_office_id: text,
	name: text,
	address: text,
	probation_region_id: text,
	gov_uk_url: optionalText,
	delius_crs_location_id: optionalText
});

export const postcodeDistrictRow = z.object({
	outcode: text,
	latitude: decimal,
	longitude: decimal
});

export const cfoHubRow = z.object({
	reference: text,
	site: text,
	type: z.enum(['hub', 'satellite', 'wing']),
	town: text,
	lad_code: text,
	provider: text,
	programme: text,
	region_code: text,
	valid_from: isoDate,
	valid_to: isoDate,
	min_age: optionalWholeNumber,
	source_url: text,
	note: text
});
