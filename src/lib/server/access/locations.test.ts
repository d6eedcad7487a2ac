import { describe, expect, it } from 'vitest';
import { indexDistricts, matchLocation, splitLocations } from './locations';

describe('splitLocations', () => {
	it.each([
		{ field: null, names: [] },
		{ field: '', names: [] },
		{
			field: 'Nottingham City, Mansfield, Leicester',
			names: ['Nottingham City', 'Mansfield', 'Leicester']
		},
		{
			why: 'semicolons, bars, stray spaces, full stops and repeats',
			field: 'Ashford; Canterbury;  Folkestone. | ashford,, Rugby.',
			names: ['Ashford', 'Canterbury', 'Folkestone', 'Rugby']
		},
		{
			why: 'HTML tags removed',
			field: '<html><b>Cumbria</b>, Barrow, Kendal </html>',
			names: ['Cumbria', 'Barrow', 'Kendal']
		}
	])('$field → $names', ({ field, names }) => {
		expect(splitLocations(field)).toEqual(names);
	});
});

describe('matchLocation', () => {
	const index = indexDistricts([
		{ code: 'E06000018', name: 'Nottingham', regionCode: 'N53' },
		{ code: 'E06000016', name: 'Leicester', regionCode: 'N53' },
		{ code: 'E08000026', name: 'Coventry', regionCode: 'N52' },
		{ code: 'E06000023', name: 'Bristol, City of', regionCode: 'N58' },
		{ code: 'E06000022', name: 'Bath and North East Somerset', regionCode: 'N58' }
	]);
	it.each([
		{ name: 'Leicester', region: 'N53', code: 'E06000016', why: 'exact name' },
		{ name: '  LEICESTER ', region: 'N53', code: 'E06000016', why: 'any case and spacing' },
		{ name: 'Nottingham City', region: 'N53', code: 'E06000018', why: "' City' removed" },
		{
			name: 'bath and north east  somerset',
			region: 'N58',
			code: 'E06000022',
			why: 'a long name'
		},
		{ name: 'Nottingham', region: 'N54', code: undefined, why: 'another region' },
		{ name: 'Loughborough', region: 'N53', code: undefined, why: 'a town inside a district' },
		{ name: 'Leicestr', region: 'N53', code: undefined, why: 'a typo: no fuzzy matching' },
		{
			name: 'Bristol',
			region: 'N58',
			code: 'E06000023',
			why: 'the plain form of the ONS name "Bristol, City of"'
		},
		{ name: 'Bristol City Centre', region: 'N58', code: undefined, why: "not the district's name" },
		{ name: 'City', region: 'N53', code: undefined, why: 'nothing left without City' },
		{ name: 'Coventry City', region: 'N53', code: undefined, why: 'City removed, wrong region' }
	])('$name in $region → $code ($why)', ({ name, region, code }) => {
		expect(matchLocation(name, region, index)?.code).toBe(code);
	});
});

describe('ONS "…, City of" names', () => {
	it('matches the plain town name to a district ONS calls "X, City of"', () => {
		const index = indexDistricts([
			{ code: 'E06000023', name: 'Bristol, City of', regionCode: 'N58' }
		]);
		expect(matchLocation('Bristol', 'N58', index)?.code).toBe('E06000023');
		expect(matchLocation('Bristol, City of', 'N58', index)?.code).toBe('E06000023');
		expect(matchLocation('Bristol', 'N07', index)).toBeUndefined();
	});
});
