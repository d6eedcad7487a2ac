import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	SUPPRESSION_LABELS,
	isSmallCount,
	subgroupsSuppressedWith,
	suppressForDisclosure,
	suppressLinked,
	suppressSubgroupView,
	suppressTable,
	withPartnerCounts,
	type Suppression,
	type SubgroupCount,
	type TableOptions
} from './disclosure';
import type { Subgroup } from './subgroups';

const P = 'primary';
const S = 'secondary';
const _ = null;

describe('isSmallCount', () => {
	it.each([
		[0, false],
		[0.4, true],
		[1, true],
		[4, true],
		[4.99, true],
		[5, false],
		[120, false],
		[null, false]
	])('%s → %s', (value, small) => expect(isSmallCount(value)).toBe(small));

	it('labels hidden figures as the method page says', () => {
		expect(SUPPRESSION_LABELS).toEqual({ primary: 'fewer than 5', secondary: '[c]' });
	});
});

describe('suppressTable', () => {
	it.each<{
		name: string;
		cells: (number | null)[][];
		options?: TableOptions;
		expected: (Suppression | null)[][];
		rowTotals?: (Suppression | null)[];
		columnTotals?: (Suppression | null)[];
	}>([
		{
			name: 'no small counts: nothing hidden',
			cells: [
				[12, 40],
				[5, 0]
			],
			expected: [
				[_, _],
				[_, _]
			]
		},
		{
			name: 'one small cell in a 2 × 2 table takes the other three with it',
			cells: [
				[3, 10],
				[20, 30]
			],
			expected: [
				[P, S],
				[S, S]
			]
		},
		{
			name: 'the smallest other cell is chosen, repeating until every row and column is safe',
			cells: [
				[2, 50, 8],
				[40, 60, 70],
				[9, 80, 90]
			],
			// row 1 hides 8, column 1 hides 9, column 3 hides 70; then row 2 hides 40, row 3 hides 80
			// and column 2 hides 50
			expected: [
				[P, S, S],
				[S, _, S],
				[S, S, _]
			]
		},
		{
			name: 'two small cells in a row protect each other along it',
			cells: [
				[2, 3, 50],
				[30, 40, 60]
			],
			options: { columnTotals: false },
			expected: [
				[P, P, _],
				[_, _, _]
			]
		},
		{
			name: 'a zero is shown, and is the complement only when nothing else is left',
			cells: [
				[3, 0, 7],
				[0, 0, 0]
			],
			options: { columnTotals: false },
			expected: [
				[P, _, S],
				[_, _, _]
			]
		},
		{
			name: 'with only a zero beside it, the zero is hidden',
			cells: [[4, 0]],
			options: { columnTotals: false, grandTotal: false },
			expected: [[P, S]]
		},
		{
			name: 'without published totals nothing else is hidden',
			cells: [
				[1, 60],
				[70, 80]
			],
			options: { rowTotals: false, columnTotals: false },
			expected: [
				[P, _],
				[_, _]
			]
		},
		{
			name: 'a row or column with an unknown count has no published total to protect',
			cells: [
				[2, null],
				[30, 40]
			],
			options: { columnTotals: false },
			expected: [
				[P, _],
				[_, _]
			]
		},
		{
			// then the grand total needs a second row total hidden, and that row's cell with it
			name: 'a single column: the total is hidden when nothing else in the row can be',
			cells: [[3], [10]],
			options: { columnTotals: false },
			expected: [[P], [S]],
			rowTotals: [S, S]
		},
		{
			name: 'a single column with column totals: the other cell protects it',
			cells: [[3], [10], [12]],
			options: { rowTotals: false },
			expected: [[P], [S], [_]],
			rowTotals: [_, _, _],
			columnTotals: [_]
		}
	])('$name', ({ cells, options, expected, rowTotals, columnTotals }) => {
		const result = suppressTable(cells, options);
		expect(result.cells).toEqual(expected);
		if (rowTotals) expect(result.rowTotals).toEqual(rowTotals);
		if (columnTotals) expect(result.columnTotals).toEqual(columnTotals);
	});

	it('refuses a ragged table', () => {
		expect(() => suppressTable([[1, 2], [3]])).toThrow(/same number of cells/);
	});
});

describe('suppressLinked', () => {
	it('throws when a figure cannot be protected', () => {
		expect(() =>
			suppressLinked({
				values: [2, 40, 42],
				sensitive: [true, false, false],
				suppressible: [true, false, false],
				relations: [{ total: 2, parts: [0, 1] }]
			})
		).toThrow(/figure 0 cannot be protected/);
	});
});

/** Counts of the hidden figures in each row and column whose total is published and shown. */
function unsafeLines(cells: readonly (readonly (number | null)[])[], options: TableOptions) {
	const result = suppressTable(cells, options);
	const problems: string[] = [];
	const rows = cells.length;
	const cols = cells[0]!.length;
	const known = (xs: readonly (number | null)[]) => xs.every((x) => x !== null);
	for (let r = 0; r < rows; r++) {
		if (!(options.rowTotals ?? true) || !known(cells[r]!)) continue;
		const hidden = result.cells[r]!.filter((m) => m !== null).length;
		// a shown total with exactly one hidden cell gives it away; a hidden total with one is as bad
		const members = hidden + Number(result.rowTotals[r] !== null);
		if (members === 1) problems.push(`row ${r}`);
	}
	for (let c = 0; c < cols; c++) {
		const column = cells.map((r) => r[c]!);
		if (!(options.columnTotals ?? true) || !known(column)) continue;
		const hidden = result.cells.filter((r) => r[c] !== null).length;
		if (hidden + Number(result.columnTotals[c] !== null) === 1) problems.push(`column ${c}`);
	}
	return { result, problems };
}

const count = fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 300 }));
const table = fc
	.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }))
	.chain(([rows, cols]) =>
		fc.array(fc.array(count, { minLength: cols, maxLength: cols }), {
			minLength: rows,
			maxLength: rows
		})
	);
const tableOptions = fc.record({ rowTotals: fc.boolean(), columnTotals: fc.boolean() });

describe('suppressTable properties', () => {
	it('leaves no published row or column total with exactly one hidden cell', () => {
		fc.assert(
			fc.property(table, tableOptions, (cells, options) => {
				expect(unsafeLines(cells, options).problems).toEqual([]);
			}),
			{ numRuns: 500 }
		);
	});

	it('hides every count of 1–4 as "fewer than 5" and no other count', () => {
		fc.assert(
			fc.property(table, tableOptions, (cells, options) => {
				const { cells: marks } = suppressTable(cells, options);
				cells.forEach((row, r) =>
					row.forEach((value, c) => {
						expect(marks[r]![c] === 'primary').toBe(value! >= 1 && value! <= 4);
					})
				);
			}),
			{ numRuns: 300 }
		);
	});

	it('hides a total only when a whole row or column is hidden', () => {
		fc.assert(
			fc.property(table, tableOptions, (cells, options) => {
				const result = suppressTable(cells, options);
				result.rowTotals.forEach((m, r) => {
					if (m !== null) expect(result.cells[r]!.every((x) => x !== null)).toBe(true);
				});
				result.columnTotals.forEach((m, c) => {
					if (m !== null) expect(result.cells.every((row) => row[c] !== null)).toBe(true);
				});
			}),
			{ numRuns: 300 }
		);
	});
});

const count3 = (
	pdu: string,
	regionCode: string,
	subgroup: Subgroup,
	needCount: number | null,
	category = 'Accommodation'
): SubgroupCount => ({ pdu, regionCode, category, subgroup, needCount });

describe('suppressForDisclosure', () => {
	// Region R1 has PDUs A, B, C; region R2 has D, E. Illustrative counts.
	const women = [
		count3('A', 'R1', 'women', 3),
		count3('B', 'R1', 'women', 12),
		count3('C', 'R1', 'women', 9),
		count3('D', 'R2', 'women', 20),
		count3('E', 'R2', 'women', 25)
	];
	const men = [
		count3('A', 'R1', 'men', 60),
		count3('B', 'R1', 'men', 90),
		count3('C', 'R1', 'men', 70),
		count3('D', 'R2', 'men', 150),
		count3('E', 'R2', 'men', 200)
	];
	const everyone = women.map((w, i) =>
		count3(w.pdu, w.regionCode, 'all', 1 + w.needCount! + men[i]!.needCount!)
	);

	it('hides a small count and the next smallest in its region', () => {
		const marks = suppressForDisclosure(women);
		const shown = women.map((c) => marks.cell(c.category, 'women', c.pdu));
		expect(shown).toEqual([P, _, S, _, _]);
		expect(marks.regionTotal('Accommodation', 'women', 'R1')).toBeNull();
		expect(marks.nationalTotal('Accommodation', 'women')).toBeNull();
		expect(marks.hidden).toEqual({ primary: 1, secondary: 1 });
	});

	it('with men too, hides the men of the same PDUs so everyone minus men gives nothing away', () => {
		const marks = suppressForDisclosure([...women, ...men, ...everyone]);
		expect(women.map((c) => marks.cell(c.category, 'women', c.pdu))).toEqual([P, _, S, _, _]);
		// A's and C's men are hidden (everyone − men = women), and they protect each other in R1
		expect(men.map((c) => marks.cell(c.category, 'men', c.pdu))).toEqual([S, _, S, _, _]);
		// counts for everyone are never hidden
		expect(everyone.map((c) => marks.cell(c.category, 'all', c.pdu))).toEqual([_, _, _, _, _]);
	});

	it('gives the same pattern whatever order the counts come in', () => {
		const all = [...women, ...men];
		const pattern = (counts: SubgroupCount[]) => {
			const marks = suppressForDisclosure(counts);
			return all.map((c) => marks.cell(c.category, c.subgroup, c.pdu));
		};
		fc.assert(
			fc.property(fc.shuffledSubarray(all, { minLength: all.length }), (shuffled) => {
				expect(pattern(shuffled)).toEqual(pattern(all));
			}),
			{ numRuns: 50 }
		);
	});

	it('keeps categories apart: one person can have several needs, so they do not add up', () => {
		const marks = suppressForDisclosure([
			count3('A', 'R1', 'women', 2, 'Accommodation'),
			count3('B', 'R1', 'women', 30, 'Accommodation'),
			count3('A', 'R1', 'women', 40, 'Lifestyle and Associates'),
			count3('B', 'R1', 'women', 50, 'Lifestyle and Associates')
		]);
		expect(marks.cell('Accommodation', 'women', 'B')).toBe(S);
		expect(marks.cell('Lifestyle and Associates', 'women', 'A')).toBeNull();
	});

	it('protects a region with one PDU by hiding its total, and then another region total', () => {
		const marks = suppressForDisclosure([
			count3('A', 'R1', 'veterans', 2),
			count3('D', 'R2', 'veterans', 30),
			count3('E', 'R2', 'veterans', 40),
			count3('F', 'R3', 'veterans', 60)
		]);
		expect(marks.cell('Accommodation', 'veterans', 'A')).toBe(P);
		expect(marks.regionTotal('Accommodation', 'veterans', 'R1')).toBe(S);
		// the smallest other region total: R3 (60) rather than R2 (70)
		expect(marks.regionTotal('Accommodation', 'veterans', 'R3')).toBe(S);
		expect(marks.cell('Accommodation', 'veterans', 'F')).toBe(S);
		expect(marks.regionTotal('Accommodation', 'veterans', 'R2')).toBeNull();
	});

	it('for a view of one subgroup, suppresses it with its partner, and nothing for everyone', () => {
		const asked: Subgroup[] = [];
		const countsFor = (subgroup: Subgroup) => {
			asked.push(subgroup);
			return subgroup === 'women' ? women : subgroup === 'men' ? men : everyone;
		};
		expect(suppressSubgroupView('all', countsFor)).toBeNull();
		const marks = suppressSubgroupView('men', countsFor)!;
		expect(asked).toEqual(['women', 'men']);
		expect(marks.cell('Accommodation', 'men', 'C')).toBe(S);
	});

	it('refuses the same count twice', () => {
		expect(() => suppressForDisclosure([women[0]!, women[0]!])).toThrow(/two counts for A/);
	});

	it('leaves no region, national or everyone total with exactly one hidden figure', () => {
		const pdu = fc.record({
			region: fc.constantFrom('R1', 'R2', 'R3'),
			women: fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 200 })),
			men: fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 400 }))
		});
		fc.assert(
			fc.property(fc.array(pdu, { minLength: 1, maxLength: 12 }), (pdus) => {
				const counts = pdus.flatMap((p, i) => [
					count3(`P${i}`, p.region, 'women', p.women),
					count3(`P${i}`, p.region, 'men', p.men)
				]);
				const marks = suppressForDisclosure(counts);
				const hidden = (c: SubgroupCount) => marks.cell(c.category, c.subgroup, c.pdu) !== null;
				for (const c of counts)
					expect(marks.cell(c.category, c.subgroup, c.pdu) === P).toBe(isSmallCount(c.needCount));
				// everyone in a PDU = women + men
				pdus.forEach((_p, i) => {
					const n = counts.filter((c) => c.pdu === `P${i}` && hidden(c)).length;
					expect(n).not.toBe(1);
				});
				for (const subgroup of ['women', 'men'] as const) {
					const regions = [...new Set(pdus.map((p) => p.region))];
					for (const region of regions) {
						const inRegion = counts.filter(
							(c) => c.subgroup === subgroup && c.regionCode === region
						);
						const n =
							inRegion.filter(hidden).length +
							Number(marks.regionTotal('Accommodation', subgroup, region) !== null);
						expect(n).not.toBe(1);
					}
					const n =
						regions.filter((r) => marks.regionTotal('Accommodation', subgroup, r) !== null).length +
						Number(marks.nationalTotal('Accommodation', subgroup) !== null);
					expect(n).not.toBe(1);
				}
			}),
			{ numRuns: 300 }
		);
	});
});

describe('subgroupsSuppressedWith and withPartnerCounts', () => {
	it('pairs women with men, and leaves other subgroups alone', () => {
		expect(subgroupsSuppressedWith('women')).toEqual(['women', 'men']);
		expect(subgroupsSuppressedWith('men')).toEqual(['women', 'men']);
		expect(subgroupsSuppressedWith('veterans')).toEqual(['veterans']);
	});

	it("works out the partner's counts from the subgroup shares", () => {
		const shares = {
			all: 1,
			women: 0.1,
			men: 0.9,
			'young-adults': null,
			'ethnic-minority': null,
			veterans: null,
			disabled: null,
			'no-fixed-abode': null
		};
		const counts = withPartnerCounts(
			[
				count3('A', 'R1', 'women', 3),
				count3('B', 'R1', 'veterans', 2),
				count3('C', 'R1', 'women', null)
			],
			shares
		);
		expect(counts).toHaveLength(5);
		expect(counts[3]).toEqual(count3('A', 'R1', 'men', expect.closeTo(27, 9) as unknown as number));
		expect(counts[4]).toEqual(count3('C', 'R1', 'men', null));
		// given both, nothing is added
		expect(
			withPartnerCounts([count3('A', 'R1', 'women', 3), count3('A', 'R1', 'men', 5)], shares)
		).toHaveLength(2);
	});
});
