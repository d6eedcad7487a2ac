import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	decodeText,
	headerKey,
	parseBoolean,
	parseDate,
	parseMoney,
	parseNumber,
	quickDate,
	quickMoney,
	quickWholeNumber,
	readHeader,
	readTable
} from './read';

const bytes = (...parts: (string | number[])[]) =>
	Buffer.concat(
		parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p)))
	);

describe('decodeText', () => {
	it.each([
		['UTF-8 without a BOM', bytes('a,b\n£1,é\n'), 'utf-8'],
		['UTF-8 with a BOM (dropped)', bytes([0xef, 0xbb, 0xbf], 'a,b\n£1,é\n'), 'utf-8'],
		['Windows-1252 (0xA3 is £)', bytes('a,b\n', [0xa3], '1,', [0xe9], '\n'), 'windows-1252']
	])('%s', (_, input, encoding) => {
		expect(decodeText(input)).toEqual({ text: 'a,b\n£1,é\n', encoding });
	});

	it('drops a UTF-8 BOM even when the rest is Windows-1252', () => {
		expect(decodeText(bytes([0xef, 0xbb, 0xbf], 'a\n', [0xa3], '5\n')).text).toBe('a\n£5\n');
	});
});

describe('headerKey', () => {
	it.each([
		['Lead Provider', 'lead_provider'],
		[' LEAD_PROVIDER ', 'lead_provider'],
		['lead-provider', 'lead_provider'],
		['Annual  Value GBP', 'annual_value_gbp'],
		['\uFEFFsource', 'source']
	])('%j → %s', (header, key) => expect(headerKey(header)).toBe(key));
});

describe('readTable', () => {
	it('reads CRLF, quoted commas and line breaks, and skips trailing blank lines', () => {
		const text =
			'Name,Lead Provider,Notes\r\n"Smith, Jones & Co",Acme,"line one\r\nline two"\r\nB,C,D\r\n\r\n\r\n,,\r\n';
		const table = readTable(text, 'f.csv');
		expect(table.errors).toEqual([]);
		expect(table.headers).toEqual(['Name', 'Lead Provider', 'Notes']);
		expect(table.rows).toEqual([
			{ name: 'Smith, Jones & Co', lead_provider: 'Acme', notes: 'line one\nline two' },
			{ name: 'B', lead_provider: 'C', notes: 'D' }
		]);
	});

	it('reports a row with the wrong number of fields, counting rows from 1 after the header', () => {
		const table = readTable('a,b\n1,2\n3\n4,5,6\n', 'f.csv');
		expect(table.errors).toEqual([
			{ file: 'f.csv', row: 2, column: '-', message: 'has 1 fields but the header has 2' },
			{ file: 'f.csv', row: 3, column: '-', message: 'has 3 fields but the header has 2' }
		]);
	});

	it('reports an unclosed quote (a file cut short)', () => {
		const table = readTable('a,b\n1,2\n3,"cut sho', 'f.csv');
		expect(table.errors.some((e) => /never closed/.test(e.message))).toBe(true);
	});

	it('reports a column that appears twice', () => {
		const table = readTable('Name,name\n1,2\n', 'f.csv');
		expect(table.errors).toEqual([
			{ file: 'f.csv', row: 0, column: 'name', message: 'this column appears twice' }
		]);
	});

	it('readHeader reads only the header', () => {
		expect(readHeader('\r\nCRN, First Name\r\nX1,"unclosed')).toEqual(['CRN', 'First Name']);
	});
});

describe('parseMoney', () => {
	it.each([
		['£1,234.50', 1234.5],
		['1234.5', 1234.5],
		['1,234', 1234],
		['£ 25000', 25000],
		['1,234,567.89', 1234567.89],
		[' 0 ', 0]
	])('%j → %d', (raw, value) => expect(parseMoney(raw)).toEqual({ ok: true, value }));

	it.each(['12,34', '£', '-5', '1.2.3', 'ten', '£1,2345'])('%j is refused', (raw) =>
		expect(parseMoney(raw).ok).toBe(false)
	);
});

describe('parseNumber', () => {
	it('reads thousands separators and refuses £', () => {
		expect(parseNumber('1,200')).toEqual({ ok: true, value: 1200 });
		expect(parseNumber('£12').ok).toBe(false);
	});
});

describe('parseDate', () => {
	it.each([
		['31/03/2027', '2027-03-31'],
		['1/4/2025', '2025-04-01'],
		['31-03-2027', '2027-03-31'],
		['2027-03-31', '2027-03-31'],
		['2027-3-1', '2027-03-01'],
		['46477', '2027-03-31'],
		['45383', '2024-04-01'],
		['61', '1900-03-01'],
		['59', '1900-02-28'],
		['1', '1900-01-01'],
		['29/02/2024', '2024-02-29']
	])('%j → %s', (raw, iso) => expect(parseDate(raw)).toEqual({ ok: true, value: iso }));

	it.each([
		['31/02/2027', /not a date on the calendar/],
		['2027-13-01', /not a date on the calendar/],
		['60', /29 February 1900/],
		['0', /out of range/],
		['03/31/2027', /not a date on the calendar/],
		['next year', /not a date/]
	])('%j is refused', (raw, message) => {
		const result = parseDate(raw);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.message).toMatch(message);
	});
});

describe('quick readings of the usual shapes', () => {
	it.each([
		[quickDate, '2027-03-31', '2027-03-31'],
		[quickDate, '31/03/2027', '2027-03-31'],
		[quickDate, '29.02.2024', '2024-02-29'],
		[quickMoney, '£1,234,000.00', 1234000],
		[quickMoney, '725000', 725000],
		[quickWholeNumber, '018', 18]
	] as const)('%o reads %j as %j', (quick, raw, value) =>
		expect((quick as (raw: string) => unknown)(raw)).toBe(value)
	);

	it.each([
		[quickDate, '31/02/2027'],
		[quickDate, '1/4/2025'],
		[quickDate, '0999-01-01'],
		[quickMoney, '£1,234.50'],
		[quickMoney, '£ 25'],
		[quickMoney, '12,34'],
		[quickWholeNumber, '1,200'],
		[quickWholeNumber, '-5']
	] as const)('%o leaves %j to the full parser', (quick, raw) =>
		expect((quick as (raw: string) => unknown)(raw)).toBeUndefined()
	);

	// Texts near the usual shapes: digits, separators, '£', spaces and the odd letter.
	const nearly = fc
		.array(fc.constantFrom(...'0123456789012345678901234567890123456789/.-,,££  G'.split('')), {
			maxLength: 18
		})
		.map((chars) => chars.join(''));
	const dateLike = fc
		.tuple(
			fc.integer({ min: 0, max: 10000 }),
			fc.integer({ min: 0, max: 13 }),
			fc.integer({ min: 0, max: 32 })
		)
		.chain(([y, m, d]) =>
			fc.constantFrom(
				`${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
				`${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${String(y).padStart(4, '0')}`,
				`${String(d).padStart(2, '0')}.${String(m).padStart(2, '0')}-${y}`
			)
		);
	const moneyLike = fc
		.tuple(fc.nat(), fc.boolean(), fc.constantFrom('', '.0', '.00', '.50', '.'))
		.map(([n, pound, pence]) => `${pound ? '£' : ''}${n.toLocaleString('en-GB')}${pence}`);

	/** Whatever `quick` reads, `parse` reads the same. */
	const agrees =
		<T>(quick: (raw: string) => T | undefined, parse: (raw: string) => unknown) =>
		(raw: string) => {
			const value = quick(raw);
			if (value !== undefined) expect(parse(raw)).toEqual({ ok: true, value });
		};

	it('quickDate reads as parseDate does', () =>
		fc.assert(fc.property(fc.oneof(nearly, dateLike), agrees(quickDate, parseDate)), {
			numRuns: 3000
		}));
	it('quickMoney reads as parseMoney does', () =>
		fc.assert(fc.property(fc.oneof(nearly, moneyLike), agrees(quickMoney, parseMoney)), {
			numRuns: 3000
		}));
	it('quickWholeNumber reads as parseNumber does', () =>
		fc.assert(fc.property(nearly, agrees(quickWholeNumber, parseNumber)), { numRuns: 3000 }));
});

describe('parseBoolean', () => {
	it.each([
		['Yes', true],
		['y', true],
		['TRUE', true],
		['1', true],
		['No', false],
		['n', false],
		['false', false],
		['0', false]
	])('%j → %s', (raw, value) => expect(parseBoolean(raw)).toEqual({ ok: true, value }));

	it('refuses anything else', () => expect(parseBoolean('maybe').ok).toBe(false));
});
