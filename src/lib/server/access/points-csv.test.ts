import { describe, expect, it } from 'vitest';
import { MAX_PROBLEMS, normaliseHeader, parsePointsCsv } from './points-csv';

const parse = (text: string, kind: 'demand' | 'supply' = 'demand') =>
	parsePointsCsv(text, 'D.csv', kind);

describe('parsePointsCsv reads', () => {
	it.each([
		{ why: 'a plain file', text: 'id,lat,lon,population\nA,52.5,-1.5,100\nB,53,-2,0\n' },
		{ why: 'CRLF line ends', text: 'id,lat,lon,population\r\nA,52.5,-1.5,100\r\nB,53,-2,0\r\n' },
		{
			why: 'a UTF-8 byte-order mark',
			text: '\uFEFFid,lat,lon,population\nA,52.5,-1.5,100\nB,53,-2,0'
		},
		{
			why: 'headers in other case, spacing and order, and extra columns',
			text: ' LON , Population,note, ID,Lat \n-1.5,100,x,A,52.5\n-2,0,"y, z",B,53\n'
		},
		{
			why: 'trailing and interleaved blank lines',
			text: 'id,lat,lon,population\n\nA,52.5,-1.5,100\n  \nB,53,-2,0\n\n\n,,,\n'
		},
		{
			why: 'spaces around values and signs and exponents in numbers',
			text: 'id,lat,lon,population\n A ,+52.5, -1.5 ,1e2\nB,53.,-2,0.0\n'
		}
	])('$why', ({ text }) => {
		const { table, problems } = parse(text);
		expect(problems).toEqual([]);
		expect(table!.ids).toEqual(['A', 'B']);
		expect([...table!.lat]).toEqual([52.5, 53]);
		expect([...table!.lon]).toEqual([-1.5, -2]);
		expect([...table!.values]).toEqual([100, 0]);
	});

	it('reads quoted ids with commas, quotes and line breaks', () => {
		const { table } = parse('id,lat,lon,population\n"a, ""b""\nc",1,2,3\n');
		expect(table!.ids).toEqual(['a, "b"\nc']);
	});

	it('reads supply files by their capacity column', () => {
		const { table } = parse('id,lat,lon,capacity\nS1,51,0,12.5\n', 'supply');
		expect([...table!.values]).toEqual([12.5]);
	});
});

describe('parsePointsCsv reports file:line:column', () => {
	it.each([
		{
			why: 'a value that is not a number',
			text: 'id,lat,lon,population\nA,1,1,1\nB,1,1,1\nC,abc,1,1\n',
			problems: ['D.csv:4:lat: "abc" is not a number']
		},
		{
			why: 'numbers JavaScript would accept but people do not mean',
			text: 'id,lat,lon,population\nA,0x10,Infinity,1 000\n',
			problems: [
				'D.csv:2:lat: "0x10" is not a number',
				'D.csv:2:lon: "Infinity" is not a number',
				'D.csv:2:population: "1 000" is not a number'
			]
		},
		{
			why: 'coordinates out of range and a negative population',
			text: 'id,lat,lon,population\nA,91,-181,-5\n',
			problems: [
				'D.csv:2:lat: "91" is not a latitude (−90 to 90)',
				'D.csv:2:lon: "-181" is not a longitude (−180 to 180)',
				'D.csv:2:population: "-5" is negative; population must be 0 or more'
			]
		},
		{
			why: 'empty cells',
			text: 'id,lat,lon,population\n ,52,,1\n',
			problems: [
				'D.csv:2:id: empty; every row needs an id',
				'D.csv:2:lon: empty; expected a number'
			]
		},
		{
			why: 'short and long rows',
			text: 'id,lat,lon,population\nA,52\nB,52,1,1,9\n',
			problems: [
				'D.csv:2:lon: missing (the row has 2 fields, the header 4)',
				'D.csv:2:population: missing (the row has 2 fields, the header 4)',
				'D.csv:3: 5 fields, but the header has 4'
			]
		},
		{
			why: 'a repeated id',
			text: 'id,lat,lon,population\nA,1,1,1\nB,1,1,1\nA,2,2,2\n',
			problems: ['D.csv:4:id: "A" is repeated (first on line 2)']
		},
		{
			why: 'lines counted from the top, through CRLF, blank lines and quoted line breaks',
			text: '\r\nid,lat,lon,population\r\n"x\r\ny",1,1,1\r\n\r\nB,north,1,1\r\n',
			problems: ['D.csv:6:lat: "north" is not a number']
		},
		{
			why: 'a missing column',
			text: 'id,lat,lon,people\nA,1,1,1\n',
			problems: [
				'D.csv:1: no "population" column in the header (found: id, lat, lon, people); expected id,lat,lon,population'
			]
		},
		{
			why: 'a repeated column',
			text: 'id,lat,LAT,lon,population\nA,1,1,1,1\n',
			problems: ['D.csv:1:lat: this column appears twice']
		},
		{
			why: 'an empty file',
			text: '\uFEFF\r\n\r\n',
			problems: ['D.csv: the file is empty; expected a header row: id,lat,lon,population']
		},
		{
			why: 'a header and no rows',
			text: 'id,lat,lon,population\r\n\r\n',
			problems: ['D.csv: no rows after the header']
		}
	])('$why', ({ text, problems }) => {
		const result = parse(text);
		expect(result.table).toBeNull();
		expect(result.problems).toEqual(problems);
	});

	it(`lists ${MAX_PROBLEMS} problems and counts the rest`, () => {
		const rows = Array.from({ length: 30 }, (_, i) => `P${i},x,1,1`);
		const { problems } = parse(`id,lat,lon,population\n${rows.join('\n')}\n`);
		expect(problems).toHaveLength(MAX_PROBLEMS + 1);
		expect(problems.at(-1)).toBe('D.csv: … and 10 more problems');
	});
});

describe('normaliseHeader', () => {
	it.each([
		[' Population ', 'population'],
		['\uFEFFID', 'id'],
		['L at', 'lat'],
		['LON', 'lon']
	])('%j → %j', (raw, expected) => expect(normaliseHeader(raw)).toBe(expected));
});
