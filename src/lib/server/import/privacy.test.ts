import { describe, expect, it } from 'vitest';
import { describePersonColumns, findPersonColumns } from './privacy';
import { SERVICE_COLUMNS } from './services';

describe('findPersonColumns', () => {
	it.each([
		'CRN',
		'crn',
		'Delius CRN',
		'PNC',
		'PNC No',
		'pnc_number',
		'NOMIS',
		'NOMIS ID',
		'noms_number',
		'Prison Number',
		'Prisoner No',
		'First Name',
		'first_name',
		'Forename',
		'Surname',
		'Last Name',
		'Full Name',
		'Date of Birth',
		'date_of_birth',
		'DOB',
		'Address Line 1',
		'address_line_2',
		'Address',
		'Address1',
		'NINO',
		'NI Number',
		'National Insurance Number'
	])('refuses %j', (header) => {
		expect(findPersonColumns([header], SERVICE_COLUMNS)).toHaveLength(1);
	});

	it.each([
		'name',
		'Name',
		'lead_provider',
		'Lead Provider',
		'site_postcode',
		'reference',
		'region',
		'pcc_areas',
		'funder',
		'notes',
		'provider name',
		'Organisation',
		'places_per_year',
		'pnc_region_total',
		'min_age'
	])('allows %j in a services file', (header) => {
		expect(findPersonColumns([header], SERVICE_COLUMNS)).toEqual([]);
	});

	it('refuses `name` for a kind whose template does not define it', () => {
		expect(findPersonColumns(['Name', 'pdu'], ['pdu', 'caseload'])).toEqual([
			{ column: 'Name', what: "a person's name" }
		]);
	});

	it('the message says why (data minimisation) and names every column', () => {
		const message = describePersonColumns(
			findPersonColumns(['First Name', 'pdu', 'CRN', 'Date of Birth'], SERVICE_COLUMNS)
		);
		expect(message).toMatch(/data minimisation/);
		expect(message).toMatch(/aggregates/);
		expect(message).toContain("'First Name'");
		expect(message).toContain("'CRN'");
		expect(message).toContain("'Date of Birth'");
		expect(message).not.toContain("'pdu'");
	});
});
