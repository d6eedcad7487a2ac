import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from './csv';

describe('csvCell', () => {
	it.each([
		['plain', 'plain'],
		['a,b', '"a,b"'],
		['say "hi"', '"say ""hi"""'],
		['=SUM(A1)', "'=SUM(A1)"],
		['+44', "'+44"],
		['-1', "'-1"],
		['@cmd', "'@cmd"],
		['\tx', "'\tx"],
		['line\nbreak', '"line\nbreak"']
	])('%j → %j', (input, expected) => {
		expect(csvCell(input)).toBe(expected);
	});

	it('leaves numbers alone, including negatives, and blanks missing values', () => {
		expect(csvCell(-1.5)).toBe('-1.5');
		expect(csvCell(null)).toBe('');
	});

	it('joins rows with CRLF', () => {
		expect(toCsv(['a', 'b'], [[1, 'x']])).toBe('a,b\r\n1,x\r\n');
	});
});
