import { SUBGROUPS, type Subgroup } from './subgroups';

/**
 * Disclosure control for counts of people that combine a subgroup with a PDU (e.g. women with an
 * accommodation need in one PDU). A small count could identify someone, so:
 *
 * - **Primary suppression**: a count of at least 1 and under 5 people is shown as "fewer than 5".
 *   A count of 0 is shown: it says nobody is in the cell, which identifies no one, and hiding every
 *   zero would hide most of a sparse table.
 * - **Secondary suppression**: where a published total links cells (the PDUs of a region add up to
 *   the region's figure; women and men add up to everyone), a total minus the figures shown would
 *   give back a suppressed cell. So every relation that has one hidden figure gets another: the
 *   smallest other count in it (non-zero first), shown as "[c]". Hiding one cell can expose
 *   another relation, so this repeats until every relation has no hidden figure or at least two.
 *   A total is hidden only when nothing else in its relation can be.
 *
 * Plain data in, plain data out: which figures to hide. The views decide how to show them.
 */

/** Counts under this many people (and over 0) are suppressed. */
export const DISCLOSURE_THRESHOLD = 5;

/** Why a figure is hidden: it is small itself, or it would give a small one away. */
export type Suppression = 'primary' | 'secondary';

/** How a hidden figure is written in every view and export. */
export const SUPPRESSION_LABELS: Record<Suppression, string> = {
	primary: 'fewer than 5',
	secondary: '[c]'
};

/** The rule as the method page states it, one paragraph a line. */
export const DISCLOSURE_RULE: readonly string[] = [
	'A count of people that combines a subgroup (such as women or young adults) with a PDU is shown as “fewer than 5” when it is more than 0 and under 5, for viewers and in every published or exported view: the CSV downloads of the gap finder and of scenarios, a scenario’s printable report, and the API. In the scenario studio viewers see results for all people on probation only. A count of 0 is shown, because it identifies no one. The rule applies to modelled counts as well as imported ones, so every view behaves the same whichever it shows.',
	'So that totals cannot give a hidden count back, a second figure is hidden wherever a total would otherwise reveal one: the PDUs of a region add up to the region, and women and men add up to everyone. It is the smallest other count in the same total, shown as “[c]”, and the check repeats until no total has exactly one hidden figure. Figures worked out from a hidden count (coverage and the gap) are hidden with it. Counts for all people on probation, places and money are never hidden.'
];

/** A small count of people: at least 1 (a fraction of a person counts) and under the threshold. */
export function isSmallCount(value: number | null, threshold = DISCLOSURE_THRESHOLD): boolean {
	return value !== null && value > 0 && value < threshold;
}

/** Published figures `parts` add up to the published figure `total` (indexes into the values). */
export interface Relation {
	total: number;
	parts: readonly number[];
}

/** Figures and the totals that link them, for `suppressLinked`. */
export interface LinkedFigures {
	/** each figure as published; null where it is not known (it cannot give anything away) */
	values: readonly (number | null)[];
	/** figures that are themselves counts to protect (primary suppression applies) */
	sensitive: readonly boolean[];
	/** figures that may be hidden to protect another (default: all); e.g. an all-people figure may not */
	suppressible?: readonly boolean[];
	/** figures hidden only when nothing else in a relation can be, such as totals */
	lastResort?: readonly boolean[];
	/** processed in this order, so the same figures always give the same pattern */
	relations: readonly Relation[];
}

/**
 * Primary and secondary suppression over figures linked by totals. Returns, for each figure, why
 * it is hidden or null when it is shown. Afterwards no relation (with every figure known) has
 * exactly one hidden figure among its parts and total. Throws when a relation cannot be protected
 * because nothing else in it may be hidden.
 */
export function suppressLinked(
	figures: LinkedFigures,
	threshold = DISCLOSURE_THRESHOLD
): (Suppression | null)[] {
	const { values, sensitive, relations } = figures;
	const suppressible = (i: number) => figures.suppressible?.[i] ?? true;
	const lastResort = (i: number) => figures.lastResort?.[i] ?? false;
	const marks: (Suppression | null)[] = values.map((v, i) =>
		sensitive[i] && isSmallCount(v, threshold) ? 'primary' : null
	);
	// A relation with an unknown figure cannot be worked back, so it needs no protection.
	const live = relations.filter((r) => [r.total, ...r.parts].every((i) => values[i] != null));
	const smallestOf = (candidates: number[]): number | undefined =>
		candidates.sort((a, b) => {
			const va = values[a]!;
			const vb = values[b]!;
			return Number(va === 0) - Number(vb === 0) || va - vb || a - b;
		})[0];
	for (let changed = true; changed;) {
		changed = false;
		for (const relation of live) {
			const members = [...relation.parts, relation.total];
			const hidden = members.filter((i) => marks[i] !== null);
			if (hidden.length !== 1) continue;
			const open = members.filter((i) => marks[i] === null && suppressible(i));
			const pick =
				smallestOf(open.filter((i) => i !== relation.total && !lastResort(i))) ??
				smallestOf(open.filter((i) => i !== relation.total)) ??
				smallestOf(open);
			if (pick === undefined)
				throw new Error(
					`figure ${hidden[0]} cannot be protected: nothing else in its total may be hidden`
				);
			marks[pick] = 'secondary';
			changed = true;
		}
	}
	return marks;
}

/** Which figures of a table to hide: its cells, row totals, column totals and grand total. */
export interface TableSuppression {
	cells: (Suppression | null)[][];
	rowTotals: (Suppression | null)[];
	columnTotals: (Suppression | null)[];
	grandTotal: Suppression | null;
}

export interface TableOptions {
	/** the row totals are published (default true) */
	rowTotals?: boolean;
	/** the column totals are published (default true) */
	columnTotals?: boolean;
	/** the grand total is published (default: when any totals are) */
	grandTotal?: boolean;
	threshold?: number;
}

/**
 * Disclosure control for a table of counts (e.g. PDU × subgroup) whose totals are the sums of its
 * rows and columns: cells of 1–4 are primary, then secondary suppression until no published total
 * has exactly one hidden figure in its row or column. Totals are hidden only as a last resort.
 * Cells may be null (not known); a row or column with one has no published total to protect.
 */
export function suppressTable(
	cells: readonly (readonly (number | null)[])[],
	options: TableOptions = {}
): TableSuppression {
	const rows = cells.length;
	const cols = rows ? cells[0]!.length : 0;
	if (cells.some((r) => r.length !== cols))
		throw new Error('every row of the table must have the same number of cells');
	const showRows = options.rowTotals ?? true;
	const showCols = options.columnTotals ?? true;
	const showGrand = options.grandTotal ?? (showRows || showCols);
	const cell = (r: number, c: number) => r * cols + c;
	const rowTotal = (r: number) => rows * cols + r;
	const colTotal = (c: number) => rows * cols + rows + c;
	const grand = rows * cols + rows + cols;
	const sum = (xs: readonly (number | null)[]) =>
		xs.some((x) => x === null) ? null : xs.reduce<number>((s, x) => s + x!, 0);
	const rowSums = cells.map((r) => sum(r));
	const colSums = Array.from({ length: cols }, (_, c) => sum(cells.map((r) => r[c]!)));
	const values = [...cells.flat(), ...rowSums, ...colSums, sum(rowSums)];
	const interior = rows * cols;
	const relations: Relation[] = [];
	const range = (n: number) => Array.from({ length: n }, (_, i) => i);
	if (showRows)
		for (const r of range(rows))
			relations.push({ total: rowTotal(r), parts: range(cols).map((c) => cell(r, c)) });
	if (showCols)
		for (const c of range(cols))
			relations.push({ total: colTotal(c), parts: range(rows).map((r) => cell(r, c)) });
	if (showGrand && showRows) relations.push({ total: grand, parts: range(rows).map(rowTotal) });
	if (showGrand && showCols) relations.push({ total: grand, parts: range(cols).map(colTotal) });
	const marks = suppressLinked(
		{
			values,
			sensitive: values.map((_, i) => i < interior),
			lastResort: values.map((_, i) => i >= interior),
			relations
		},
		options.threshold
	);
	return {
		cells: range(rows).map((r) => range(cols).map((c) => marks[cell(r, c)]!)),
		rowTotals: range(rows).map((r) => marks[rowTotal(r)]!),
		columnTotals: range(cols).map((c) => marks[colTotal(c)]!),
		grandTotal: marks[grand]!
	};
}

/** Subgroups that together make up everyone, so the all-people figure links them. */
export const SUBGROUP_PARTITIONS: readonly (readonly Subgroup[])[] = [['women', 'men']];

/** A count of people in one PDU, category and subgroup, as a view publishes it. */
export interface SubgroupCount {
	pdu: string;
	regionCode: string;
	category: string;
	subgroup: Subgroup;
	/** people; null where not known */
	needCount: number | null;
}

/**
 * The subgroups whose counts must be suppressed together with `subgroup`'s for the pattern to be
 * safe: itself and the rest of its partition (women with men).
 */
export function subgroupsSuppressedWith(subgroup: Subgroup): Subgroup[] {
	return SUBGROUP_PARTITIONS.find((p) => p.includes(subgroup))?.slice() ?? [subgroup];
}

/**
 * `counts` plus, for a subgroup whose partition partner is missing (women without men), the
 * partner's counts worked out from the subgroup shares: need is caseload × need share × subgroup
 * share, so the partner's need is this need ÷ this share × the partner's share. Where a share is
 * not known the partner's count is null.
 */
export function withPartnerCounts(
	counts: readonly SubgroupCount[],
	shares: Readonly<Record<Subgroup, number | null>>
): SubgroupCount[] {
	const have = new Set(counts.map((c) => `${c.category}|${c.subgroup}|${c.pdu}`));
	const added: SubgroupCount[] = [];
	for (const c of counts)
		for (const partner of subgroupsSuppressedWith(c.subgroup)) {
			const key = `${c.category}|${partner}|${c.pdu}`;
			if (have.has(key)) continue;
			have.add(key);
			const from = shares[c.subgroup];
			const to = shares[partner];
			added.push({
				...c,
				subgroup: partner,
				needCount:
					c.needCount === null || from === null || to === null || !(from > 0)
						? null
						: (c.needCount / from) * to
			});
		}
	return [...counts, ...added];
}

/** Which published figures to hide, as `suppressForDisclosure` decided. */
export interface DisclosureMarks {
	/** a PDU's count for a category and subgroup */
	cell(category: string, subgroup: Subgroup, pdu: string): Suppression | null;
	/** the sum over a region's PDUs */
	regionTotal(category: string, subgroup: Subgroup, regionCode: string): Suppression | null;
	/** the sum over every PDU */
	nationalTotal(category: string, subgroup: Subgroup): Suppression | null;
	/** how many PDU counts are hidden, primary and secondary */
	hidden: { primary: number; secondary: number };
}

/**
 * Disclosure control for counts of people by PDU, category and subgroup (the gap finder's need,
 * a scenario's PDU rows). Counts for subgroups other than "all" are protected; region and national
 * sums for each category and subgroup are taken as published, and so are the all-people counts
 * that women and men add up to (pass both: see `subgroupsSuppressedWith` and `withPartnerCounts`).
 * Categories do not add up (one person can have several needs), so they are not linked.
 *
 * The pattern depends only on the figures, not on their order, so every view of the same figures
 * hides the same cells.
 */
export function suppressForDisclosure(
	counts: readonly SubgroupCount[],
	threshold = DISCLOSURE_THRESHOLD
): DisclosureMarks {
	const subgroupOrder = (s: Subgroup) => SUBGROUPS.indexOf(s);
	const sorted = counts
		.filter((c) => c.subgroup !== 'all')
		.sort(
			(a, b) =>
				compare(a.category, b.category) ||
				subgroupOrder(a.subgroup) - subgroupOrder(b.subgroup) ||
				compare(a.regionCode, b.regionCode) ||
				compare(a.pdu, b.pdu)
		);
	const values: (number | null)[] = [];
	const sensitive: boolean[] = [];
	const suppressible: boolean[] = [];
	const lastResort: boolean[] = [];
	const add = (value: number | null, kind: 'cell' | 'total' | 'everyone') => {
		values.push(value);
		sensitive.push(kind === 'cell');
		suppressible.push(kind !== 'everyone');
		lastResort.push(kind === 'total');
		return values.length - 1;
	};
	const cellIndex = new Map<string, number>();
	const regionParts = new Map<string, number[]>();
	for (const c of sorted) {
		const key = `${c.category}|${c.subgroup}|${c.pdu}`;
		if (cellIndex.has(key))
			throw new Error(`two counts for ${c.pdu}, ${c.category}, ${c.subgroup}: give each once`);
		const i = add(c.needCount, 'cell');
		cellIndex.set(key, i);
		const region = `${c.category}|${c.subgroup}|${c.regionCode}`;
		regionParts.set(region, [...(regionParts.get(region) ?? []), i]);
	}
	const sumOf = (parts: readonly number[]) =>
		parts.some((i) => values[i] === null) ? null : parts.reduce((s, i) => s + values[i]!, 0);
	const relations: Relation[] = [];
	const regionIndex = new Map<string, number>();
	const nationalParts = new Map<string, number[]>();
	for (const [region, parts] of regionParts) {
		const total = add(sumOf(parts), 'total');
		regionIndex.set(region, total);
		relations.push({ total, parts });
		const national = region.slice(0, region.lastIndexOf('|'));
		nationalParts.set(national, [...(nationalParts.get(national) ?? []), total]);
	}
	const nationalIndex = new Map<string, number>();
	for (const [national, parts] of nationalParts) {
		const total = add(sumOf(parts), 'total');
		nationalIndex.set(national, total);
		relations.push({ total, parts });
	}
	// Everyone in a PDU is published, so the parts of a partition must not leave one figure hidden.
	const pdus = [...new Set(sorted.map((c) => `${c.category}|${c.pdu}`))];
	for (const partition of SUBGROUP_PARTITIONS)
		for (const categoryPdu of pdus) {
			const [category, pdu] = categoryPdu.split('|') as [string, string];
			const parts = partition.map((s) => cellIndex.get(`${category}|${s}|${pdu}`));
			if (parts.some((i) => i === undefined)) continue;
			const known = parts as number[];
			relations.push({ total: add(sumOf(known), 'everyone'), parts: known });
		}
	const marks = suppressLinked(
		{ values, sensitive, suppressible, lastResort, relations },
		threshold
	);
	const markAt = (i: number | undefined) => (i === undefined ? null : marks[i]!);
	let primary = 0;
	let secondary = 0;
	for (const i of cellIndex.values())
		if (marks[i] === 'primary') primary++;
		else if (marks[i] === 'secondary') secondary++;
	return {
		cell: (category, subgroup, pdu) => markAt(cellIndex.get(`${category}|${subgroup}|${pdu}`)),
		regionTotal: (category, subgroup, regionCode) =>
			markAt(regionIndex.get(`${category}|${subgroup}|${regionCode}`)),
		nationalTotal: (category, subgroup) => markAt(nationalIndex.get(`${category}|${subgroup}`)),
		hidden: { primary, secondary }
	};
}

/**
 * Disclosure control for a view of one subgroup (the gap finder, its CSV and the API): null for
 * "all", else `suppressForDisclosure` over every PDU's counts for the subgroup and its partition
 * partners, which `countsFor` gives (for every PDU, not one region, so a region's view hides what
 * the national view hides).
 */
export function suppressSubgroupView(
	subgroup: Subgroup,
	countsFor: (subgroup: Subgroup) => readonly SubgroupCount[]
): DisclosureMarks | null {
	if (subgroup === 'all') return null;
	return suppressForDisclosure(subgroupsSuppressedWith(subgroup).flatMap(countsFor));
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Roles that see subgroup × PDU counts on screen with disclosure control applied, as they would
 * in a published or exported view. Everyone else signed in works with the figures themselves.
 */
export const ROLES_SHOWN_SUPPRESSED_COUNTS: readonly string[] = ['viewer'];

/** Whether someone in `role` sees small subgroup × PDU counts on screen as "fewer than 5". */
export function seesSuppressedCounts(role: string): boolean {
	return ROLES_SHOWN_SUPPRESSED_COUNTS.includes(role);
}
