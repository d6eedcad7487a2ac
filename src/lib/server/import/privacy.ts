import { headerKey } from './read';

/**
 * Data minimisation: Landscape plans with aggregates, so a file that identifies people is refused
 * whole, from its header alone, before any row is read; nothing from it is stored or logged.
 */

interface PersonColumnRule {
	what: string;
	test: (compact: string) => boolean;
}

const oneOf =
	(...keys: string[]) =>
	(compact: string) =>
		keys.includes(compact);

/** Header spellings that identify a person, compared with letters and digits only ('PNC No' → 'pncno'). */
const PERSON_COLUMNS: readonly PersonColumnRule[] = [
	{
		what: 'case reference number (CRN)',
		test: oneOf('crn', 'crnno', 'crnnumber', 'deliuscrn', 'ndeliuscrn', 'casereferencenumber')
	},
	{
		what: 'Police National Computer (PNC) number',
		test: (c) => /^pnc(no|num|number|id|ref|reference)?$/.test(c)
	},
	{
		what: 'NOMIS or prison number',
		test: (c) =>
			/^(nomis|noms)(no|num|number|id)?$/.test(c) ||
			/^prison(er)?(no|num|number|id)$/.test(c) ||
			c === 'bookingnumber'
	},
	{
		what: "a person's name",
		test: oneOf(
			'name',
			'fullname',
			'firstname',
			'firstnames',
			'forename',
			'forenames',
			'givenname',
			'givennames',
			'middlename',
			'middlenames',
			'lastname',
			'surname',
			'familyname',
			'preferredname',
			'personname',
			'offendername',
			'clientname',
			'popname'
		)
	},
	{
		what: 'date of birth',
		test: (c) => /^(dob|dateofbirth|birthdate|birthday)$/.test(c)
	},
	{
		what: 'an address line',
		test: (c) => /^(home|street|postal)?address(line)?\d*$/.test(c) || /^addr(line)?\d*$/.test(c)
	},
	{
		what: 'National Insurance (NI) number',
		test: (c) =>
			/^(ni|nino)$/.test(c) ||
			/^(ni|nationalinsurance)(no|num|number)$/.test(c) ||
			c === 'nationalinsurance'
	}
];

export interface PersonColumn {
	/** the header as written */
	column: string;
	what: string;
}

/**
 * The columns of `headers` that identify people. Columns of the kind's own template are allowed:
 * `name` in the services template is the service's name, not a person's.
 */
export function findPersonColumns(
	headers: readonly string[],
	templateColumns: readonly string[]
): PersonColumn[] {
	const allowed = new Set(templateColumns.map(headerKey));
	const found: PersonColumn[] = [];
	for (const column of headers) {
		if (allowed.has(headerKey(column))) continue;
		const compact = column.toLowerCase().replace(/[^a-z0-9]+/g, '');
		const rule = PERSON_COLUMNS.find((r) => r.test(compact));
		if (rule) found.push({ column, what: rule.what });
	}
	return found;
}

/** Why the file is refused, naming each column; says nothing of the file's contents. */
export function describePersonColumns(found: readonly PersonColumn[]): string {
	const list = found.map((f) => `'${f.column}' (${f.what})`).join(', ');
	return (
		`refused: the file has columns that identify people: ${list}. Landscape plans with ` +
		'aggregates only (data minimisation), so it does not accept person-level data; nothing from ' +
		'this file was stored. Remove those columns, or count the people per PDU first.'
	);
}
