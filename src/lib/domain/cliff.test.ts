import { describe, expect, it } from 'vitest';
import { DEFAULT_UNIT_COSTS } from './assumptions';
import { CRS_CATEGORIES, type CrsCategory } from './categories';
import {
	addDays,
	addMonths,
	cliffStatements,
	computeCliff,
	defaultCliffDates,
	describeCliffMethod,
	describeCliffShare,
	describeContinuation,
	formatDateWords,
	formatShareWords,
	regionPhrase,
	type CliffOptions,
	type CliffPdu,
	type CliffResult,
	type CliffService
} from './cliff';

/**
 * Hand-worked cases. Region R1 has three PDUs: P1 (100 people on probation) and P2 (300) in PCC
 * area A, P3 (600) in PCC area B; region R2 has Q1 (50). Unit cost £1,000, so £1,000 a year = 1 place.
 */
const PDUS: CliffPdu[] = [
	{ code: 'P1', name: 'One', regionCode: 'R1', pccAreaIds: ['A'], caseload: 100 },
	{ code: 'P2', name: 'Two', regionCode: 'R1', pccAreaIds: ['A'], caseload: 300 },
	{ code: 'P3', name: 'Three', regionCode: 'R1', pccAreaIds: ['B'], caseload: 600 },
	{ code: 'Q1', name: 'Quay', regionCode: 'R2', pccAreaIds: ['C'], caseload: 50 }
];
const AS_OF = '2026-11-23';
const MARCH_2027 = '2027-03-31';

let counter = 0;
function service(overrides: Partial<CliffService> = {}): CliffService {
	counter += 1;
	return {
		reference: `S${counter}`,
		name: `Service ${counter}`,
		recordType: 'award',
		leadProvider: 'Lead Ltd',
		categories: ['Accommodation'],
		lotLevel: 'region',
		regionCode: 'R1',
		pccAreas: [],
		pduCodes: [],
		sex: 'any',
		startDate: '2021-06-26',
		endDate: MARCH_2027,
		referralFrom: null,
		referralUntil: null,
		annualValueGbp: 100_000,
		placesPerYear: null,
		linkedReferences: [],
		...overrides
	};
}

/** An R&M definition: no value, a referral window, no start or end. */
function definition(overrides: Partial<CliffService> = {}): CliffService {
	return service({
		recordType: 'definition',
		startDate: null,
		endDate: null,
		annualValueGbp: null,
		referralFrom: '2021-01-01',
		...overrides
	});
}

function cliff(
	services: CliffService[],
	options: Partial<CliffOptions> = {},
	pdus: CliffPdu[] = PDUS
): CliffResult {
	return computeCliff(services, pdus, {
		asOf: AS_OF,
		dates: [MARCH_2027],
		unitCostGbp: DEFAULT_UNIT_COSTS,
		...options
	});
}

const first = (r: CliffResult) => r.total.byDate[0]!;

describe('when a contract ends', () => {
	it.each([
		{ case: 'ends the day before the date', endDate: '2027-03-30', ending: 100_000 },
		{ case: 'ends on the date (its last day)', endDate: '2027-03-31', ending: 100_000 },
		{ case: 'ends the day after the date', endDate: '2027-04-01', ending: 0 },
		{ case: 'has no end date, so never ends', endDate: null, ending: 0 }
	])('a contract that $case: £$ending a year ending by 31 March 2027', ({ endDate, ending }) => {
		const result = cliff([service({ endDate })]);
		expect(result.total.current).toEqual({ gbp: 100_000, places: 100 });
		expect(first(result).ending).toEqual({ gbp: ending, places: ending / 1000 });
	});

	it.each([
		{ case: 'ended before the as-of date', overrides: { endDate: '2026-11-22' } },
		{ case: 'starts after the as-of date', overrides: { startDate: '2026-11-24' } }
	])('a contract that $case is not current, so is not in the cliff', ({ overrides }) => {
		const result = cliff([service(overrides)]);
		expect(result.total.current).toEqual({ gbp: 0, places: 0 });
		expect(result.services).toEqual([]);
	});

	it('reads each date separately, in date order', () => {
		const result = cliff([service({ endDate: '2027-06-30' })], {
			dates: ['2028-03-31', MARCH_2027, '2027-06-30', MARCH_2027]
		});
		expect(result.dates).toEqual([MARCH_2027, '2027-06-30', '2028-03-31']);
		expect(result.total.byDate.map((d) => d.ending.gbp)).toEqual([0, 100_000, 100_000]);
	});
});

describe('Refer and Monitor still taking referrals', () => {
	const award = (ref: string, defRef: string) =>
		service({ reference: ref, endDate: '2024-03-25', linkedReferences: [defRef] });
	const linkedDef = (ref: string, awardRef: string, referralUntil: string | null) =>
		definition({ reference: ref, linkedReferences: [awardRef], referralUntil });

	it.each([
		{
			case: 'with no end to referrals: current, flagged, and never ends',
			referralUntil: null,
			current: 100_000,
			ending: [0, 0],
			continued: [100_000, 100_000]
		},
		{
			case: 'until 30 June 2027: ends by 30 June 2027, flagged before',
			referralUntil: '2027-06-30',
			current: 100_000,
			ending: [0, 100_000],
			continued: [100_000, 0]
		},
		{
			case: 'closed before the as-of date: already ended, not current',
			referralUntil: '2024-01-01',
			current: 0,
			ending: [0, 0],
			continued: [0, 0]
		}
	])('an award past its standard term $case', ({ referralUntil, current, ending, continued }) => {
		const result = cliff([award('AW', 'DEF'), linkedDef('DEF', 'AW', referralUntil)], {
			dates: [MARCH_2027, '2027-06-30']
		});
		expect(result.total.current.gbp).toBe(current);
		expect(result.total.continuedNow.gbp).toBe(current);
		expect(result.total.byDate.map((d) => d.ending.gbp)).toEqual(ending);
		expect(result.total.byDate.map((d) => d.continued.gbp)).toEqual(continued);
	});

	it('counts the contract once, through its award; the linked definition is not "not counted"', () => {
		const result = cliff([award('AW', 'DEF'), linkedDef('DEF', 'AW', null)]);
		expect(result.services.map((s) => s.reference)).toEqual(['AW']);
		expect(result.services[0]).toMatchObject({ continuedNow: true, lastDay: null });
		expect(result.notCounted).toEqual([]);
	});

	it('lists a current definition with no value and no award as not counted', () => {
		const result = cliff([definition({ reference: 'LONE' })]);
		expect(result.notCounted.map((n) => n.reference)).toEqual(['LONE']);
		expect(result.total.current).toEqual({ gbp: 0, places: 0 });
	});

	it('the last day of an award is the later of its term and its linked referral windows', () => {
		const result = cliff(
			[
				service({ reference: 'AW', endDate: '2024-03-25', linkedReferences: ['D1', 'D2'] }),
				linkedDef('D1', 'AW', '2025-01-01'),
				linkedDef('D2', 'AW', '2027-02-01')
			],
			{}
		);
		expect(result.services[0]!.lastDay).toBe('2027-02-01');
		expect(first(result).ending.gbp).toBe(100_000);
	});
});

describe('sharing among PDUs, categories and regions', () => {
	it.each([
		{
			case: 'a region-level contract, by caseload',
			s: service(),
			byPdu: { P1: 10_000, P2: 30_000, P3: 60_000, Q1: 0 },
			unallocated: 0
		},
		{
			case: 'a contract for PCC area A only',
			s: service({ lotLevel: 'pcc-area', pccAreas: [{ id: 'A', until: null }] }),
			byPdu: { P1: 25_000, P2: 75_000, P3: 0, Q1: 0 },
			unallocated: 0
		},
		{
			case: 'a PCC area it stopped covering before the as-of date',
			s: service({
				lotLevel: 'pcc-area',
				pccAreas: [
					{ id: 'A', until: null },
					{ id: 'B', until: '2023-06-30' }
				]
			}),
			byPdu: { P1: 25_000, P2: 75_000, P3: 0, Q1: 0 },
			unallocated: 0
		},
		{
			case: 'a site-level service, which reaches no PDU by its geography',
			s: service({ lotLevel: 'site' }),
			byPdu: { P1: 0, P2: 0, P3: 0, Q1: 0 },
			unallocated: 100_000
		}
	])('$case', ({ s, byPdu, unallocated }) => {
		const result = cliff([s]);
		expect(Object.fromEntries(result.byPdu.map((p) => [p.pduCode, p.current.gbp]))).toEqual(byPdu);
		expect(result.unallocated.current.gbp).toBe(unallocated);
	});

	it('shares equally among PDUs with no caseload', () => {
		const flat = PDUS.map((p) => ({ ...p, caseload: 0 }));
		const result = cliff([service({ annualValueGbp: 90_000 })], {}, flat);
		expect(result.byPdu.filter((p) => p.regionCode === 'R1').map((p) => p.current.gbp)).toEqual([
			30_000, 30_000, 30_000
		]);
	});

	it('splits value evenly across categories, and counts only the chosen one', () => {
		const four: CrsCategory[] = [
			'Accommodation',
			'Education, Training and Employment',
			'Emotional Wellbeing',
			'Social Inclusion'
		];
		const s = service({ categories: four, annualValueGbp: 80_000 });
		const all = cliff([s]);
		expect(all.byCategory.filter((c) => c.current.gbp > 0).map((c) => c.category)).toEqual(
			CRS_CATEGORIES.filter((c) => four.includes(c))
		);
		expect(all.byCategory.map((c) => c.current.gbp).filter((v) => v > 0)).toEqual([
			20_000, 20_000, 20_000, 20_000
		]);
		const one = cliff([s], { category: 'Accommodation' });
		expect(one.total.current).toEqual({ gbp: 20_000, places: 20 });
		expect(one.byCategory.map((c) => c.category)).toEqual(['Accommodation']);
		expect(one.services[0]!.categories).toEqual(['Accommodation']);
	});

	it('uses stated places where a service has them', () => {
		const result = cliff([service({ placesPerYear: 40, annualValueGbp: null })]);
		expect(result.total.current).toEqual({ gbp: 0, places: 40 });
	});

	it('counts only the chosen region', () => {
		const result = cliff([service(), service({ regionCode: 'R2' })], { regionCode: 'R2' });
		expect(result.total.current.gbp).toBe(100_000);
		expect(result.byPdu.map((p) => p.pduCode)).toEqual(['Q1']);
		expect(result.byRegion.map((r) => r.regionCode)).toEqual(['R2']);
	});

	it('every breakdown adds up to the total, on every measure and date', () => {
		const services = [
			service({ categories: ['Accommodation', 'Social Inclusion'], annualValueGbp: 123_457 }),
			service({
				lotLevel: 'pcc-area',
				pccAreas: [{ id: 'B', until: null }],
				endDate: '2027-01-15',
				annualValueGbp: 77_777
			}),
			service({ regionCode: 'R2', endDate: null, annualValueGbp: 31_313 }),
			service({ lotLevel: 'site', endDate: '2027-02-01', annualValueGbp: 5_000 }),
			service({ reference: 'X', endDate: '2024-03-25', linkedReferences: ['XD'] }),
			definition({ reference: 'XD', linkedReferences: ['X'], referralUntil: '2027-09-30' }),
			service({ startDate: '2027-05-01', endDate: null, annualValueGbp: 50_000 })
		];
		const result = cliff(services, { dates: [MARCH_2027, '2027-12-31'] });
		const sum = (rows: { current: { gbp: number; places: number } }[]) =>
			rows.reduce((s, r) => s + r.current.gbp, 0);
		const close = (a: number, b: number) => expect(a).toBeCloseTo(b, 6);
		close(sum(result.byRegion), result.total.current.gbp);
		close(sum(result.byCategory), result.total.current.gbp);
		close(sum(result.byPdu) + result.unallocated.current.gbp, result.total.current.gbp);
		close(result.total.current.gbp, 123_457 + 77_777 + 31_313 + 5_000 + 100_000);
		for (let i = 0; i < result.dates.length; i++) {
			for (const measure of ['ending', 'endingNoSuccessor', 'continued'] as const) {
				for (const unit of ['gbp', 'places'] as const) {
					const total = result.total.byDate[i]![measure][unit];
					const of = (rows: CliffResult['byPdu']) =>
						rows.reduce((s, r) => s + r.byDate[i]![measure][unit], 0);
					close(of(result.byPdu) + result.unallocated.byDate[i]![measure][unit], total);
					close(
						result.byCategory.reduce((s, r) => s + r.byDate[i]![measure][unit], 0),
						total
					);
					close(
						result.byRegion.reduce((s, r) => s + r.byDate[i]![measure][unit], 0),
						total
					);
				}
			}
		}
	});
});

describe('successor recorded', () => {
	// The ending contract: accommodation in R1, region-wide, for men, last day 31 March 2027.
	const ending = () => service({ reference: 'END', sex: 'male' });

	it.each([
		{ case: 'nothing else', other: null, noSuccessor: 100_000 },
		{
			case: 'a contract that starts the day after',
			other: service({ startDate: '2027-04-01', endDate: '2030-03-31', annualValueGbp: null }),
			noSuccessor: 0
		},
		{
			case: 'a contract still open after it',
			other: service({ startDate: '2025-01-01', endDate: '2030-03-31' }),
			noSuccessor: 0
		},
		{
			case: 'an R&M definition, with no value, taking referrals from the day after',
			other: definition({ referralFrom: '2027-04-01', sex: 'male' }),
			noSuccessor: 0
		},
		{
			case: 'a contract with no end date',
			other: service({ startDate: '2027-06-01', endDate: null }),
			noSuccessor: 0
		},
		{
			case: 'a contract ending the same day (not after it)',
			other: service({ endDate: MARCH_2027 }),
			noSuccessor: 100_000
		},
		{
			case: 'a contract in another region',
			other: service({ regionCode: 'R2', endDate: null }),
			noSuccessor: 100_000
		},
		{
			case: 'a contract for another category',
			other: service({ categories: ['Social Inclusion'], endDate: null }),
			noSuccessor: 100_000
		},
		{
			case: 'a women-only contract (not open to the same people)',
			other: service({ sex: 'female', endDate: null }),
			noSuccessor: 100_000
		},
		{
			case: 'a contract for PCC area B only: P3 (60%) has a successor, P1 and P2 do not',
			other: service({ lotLevel: 'pcc-area', pccAreas: [{ id: 'B', until: null }], endDate: null }),
			noSuccessor: 40_000
		}
	])('with $case: £$noSuccessor a year ends with no successor', ({ other, noSuccessor }) => {
		// The other service carries no value, so every £ in the figures is the ending contract's.
		const others = other ? [{ ...other, annualValueGbp: null }] : [];
		const result = cliff([ending(), ...others]);
		expect(first(result).ending.gbp).toBe(100_000);
		expect(first(result).endingNoSuccessor.gbp).toBeCloseTo(noSuccessor, 6);
	});

	it('a record of the same contract is not its successor', () => {
		const result = cliff([
			service({ reference: 'AW', endDate: '2024-03-25', linkedReferences: ['D'] }),
			definition({ reference: 'D', linkedReferences: ['AW'], referralUntil: '2027-03-01' })
		]);
		expect(first(result).ending.gbp).toBe(100_000);
		expect(first(result).endingNoSuccessor.gbp).toBe(100_000);
		expect(result.services[0]!.successors).toEqual([]);
	});

	it('names the successors of each service', () => {
		const result = cliff([
			ending(),
			definition({ reference: 'NEXT', referralFrom: '2027-04-01', sex: 'any' })
		]);
		expect(result.services.find((s) => s.reference === 'END')!.successors).toEqual(['NEXT']);
	});
});

describe('dates', () => {
	it.each([
		{
			today: '2026-11-23',
			dates: ['2027-03-31', '2027-05-23', '2027-11-23', '2028-03-31', '2028-05-23', '2029-03-31']
		},
		{
			today: '2026-02-01',
			dates: ['2026-03-31', '2026-08-01', '2027-02-01', '2027-03-31', '2027-08-01', '2028-03-31']
		},
		{
			today: '2026-03-31',
			dates: ['2026-09-30', '2027-03-31', '2027-09-30', '2028-03-31', '2029-03-31']
		}
	])('defaults from $today', ({ today, dates }) => {
		expect(defaultCliffDates(today)).toEqual(dates);
	});

	it.each([
		['2026-08-31', 6, '2027-02-28'],
		['2027-08-31', 6, '2028-02-29'],
		['2026-11-23', 18, '2028-05-23'],
		['2026-01-31', 1, '2026-02-28']
	])('%s + %i months = %s', (from, months, to) => {
		expect(addMonths(from, months)).toBe(to);
	});

	it('adds days across a year end', () => {
		expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
		expect(formatDateWords('2027-03-31')).toBe('31 March 2027');
	});
});

describe('sentences', () => {
	const base = {
		date: MARCH_2027,
		asOf: AS_OF,
		measure: 'places' as const,
		category: 'Accommodation' as const,
		regionName: 'North East'
	};

	it.each([
		{
			share: 0.62,
			text: 'By 31 March 2027, 62% of accommodation places in the North East end, with no successor recorded.'
		},
		{
			share: 0,
			text: 'By 31 March 2027, none of the accommodation places in the North East end with no successor recorded.'
		},
		{
			share: 1,
			text: 'By 31 March 2027, all of the accommodation places in the North East end, with no successor recorded.'
		},
		{
			share: 0.001,
			text: 'By 31 March 2027, less than 1% of accommodation places in the North East end, with no successor recorded.'
		},
		{
			share: null,
			text: 'No accommodation places with a published value are recorded as running in the North East on 23 November 2026, so none can end by 31 March 2027.'
		}
	])('share $share', ({ share, text }) => {
		expect(describeCliffShare({ ...base, share })).toBe(text);
	});

	it('speaks of £ a year, and of England and Wales when no region is chosen', () => {
		expect(
			describeCliffShare({ ...base, measure: 'gbp', category: null, regionName: null, share: 0.25 })
		).toBe(
			'By 31 March 2027, 25% of the £ a year in England and Wales ends, with no successor recorded.'
		);
	});

	it('states the continuation caveat only when some is past its term', () => {
		expect(describeContinuation({ ...base, share: 0 })).toBeNull();
		expect(describeContinuation({ ...base, share: 0.8 })).toBe(
			"80% of accommodation places in the North East are past the published standard term by 31 March 2027 and count as running only because Refer and Monitor still takes referrals; the extensions' end dates and values are not published."
		);
	});

	it.each([
		['North East', 'the North East'],
		['East of England', 'the East of England'],
		['South Central', 'South Central'],
		['London', 'London'],
		['Yorkshire and the Humber', 'Yorkshire and the Humber'],
		['Wales', 'Wales']
	])('%s → %s', (name, phrase) => {
		expect(regionPhrase(name)).toBe(phrase);
	});

	it.each([
		[0.004, 'less than 1%'],
		[0.996, 'more than 99%'],
		[0.625, '63%']
	])('%d → %s', (share, words) => {
		expect(formatShareWords(share)).toBe(words);
	});

	it('writes one sentence per date from the numbers', () => {
		const result = cliff(
			[
				// One for men, one for women, so neither succeeds the other.
				service({ reference: 'A', annualValueGbp: 62_000, sex: 'male' }),
				service({ reference: 'B', annualValueGbp: 38_000, sex: 'female', endDate: '2028-01-01' })
			],
			{ dates: [MARCH_2027, '2028-03-31'] }
		);
		const sentences = cliffStatements(result, {
			category: 'Accommodation',
			regionName: 'North East'
		});
		expect(sentences.map((s) => s.cliff)).toEqual([
			'By 31 March 2027, 62% of accommodation places in the North East end, with no successor recorded.',
			'By 31 March 2028, all of the accommodation places in the North East end, with no successor recorded.'
		]);
		expect(sentences.every((s) => s.continuation === null)).toBe(true);
	});

	it('says in the method text that Refer and Monitor referrals count as not ended', () => {
		const method = describeCliffMethod(1000);
		expect(method).toContain('£1,000 per person a year');
		expect(method).toMatch(/treated as NOT ended/);
		expect(method).not.toMatch(/offender/i);
	});
});
