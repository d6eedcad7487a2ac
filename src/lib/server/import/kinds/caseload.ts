import { CRS_CATEGORIES, type CrsCategory } from '$lib/domain/categories';
import { PROVENANCES, type Provenance } from '$lib/domain/provenance';
import { SUBGROUPS, SUBGROUP_DEFINITIONS, type Subgroup } from '$lib/domain/subgroups';
import type { CellError } from '../../csv';
import type { DB } from '../../db';
import { parseDate, parseNumber, type CellResult, type CsvTable } from '../read';
import {
	datasetKeyFor,
	templateCsvFrom,
	type FieldGuideEntry,
	type ImportFile,
	type ImportOptions,
	type ImportSummary,
	type Importer
} from '../types';
import {
	NameLookup,
	checkColumns,
	importKeyed,
	insertChunked,
	type KeyedKind,
	type KeyedRead
} from './table-import';
import { textOrder } from '../order';

/**
 * The `caseload` kind: people on probation per PDU, with need and subgroup figures, from a CSV. An
 * imported PDU figure replaces the shipped modelled one for that PDU, keeping the provenance the
 * file gives it (repositories/demand.ts decides which figure each PDU uses).
 */

/** The column stem of each CRS category: `<stem>_share` or `<stem>_count`. */
export const NEED_COLUMN_STEMS: Record<CrsCategory, string> = {
	Accommodation: 'accommodation',
	'Education, Training and Employment': 'ete',
	'Finance, Benefits and Debt': 'fbd',
	'Dependency and Recovery': 'dependency_and_recovery',
	'Lifestyle and Associates': 'lifestyle_and_associates',
	'Family and Significant Others': 'family_and_significant_others',
	'Emotional Wellbeing': 'emotional_wellbeing',
	'Social Inclusion': 'social_inclusion'
};

/** The subgroups a file can give, by column stem (every subgroup but "all"). */
export const SUBGROUP_COLUMN_STEMS: Record<Exclude<Subgroup, 'all'>, string> = Object.fromEntries(
	SUBGROUPS.filter((s) => s !== 'all').map((s) => [s, s.replace(/-/g, '_')])
) as Record<Exclude<Subgroup, 'all'>, string>;

const BASE_COLUMNS = ['pdu', 'period', 'caseload', 'community', 'post_release', 'provenance'];
const REQUIRED = ['pdu', 'period', 'caseload'];
const SUFFIXES = ['share', 'count'] as const;
const needStems = CRS_CATEGORIES.map((c) => NEED_COLUMN_STEMS[c]);
const subgroupStems = Object.values(SUBGROUP_COLUMN_STEMS);

/** Every column the kind reads: the base ones, and each need and subgroup as a share or a count. */
export const CASELOAD_COLUMNS: readonly string[] = [
	...BASE_COLUMNS,
	...[...needStems, ...subgroupStems].flatMap((stem) => SUFFIXES.map((s) => `${stem}_${s}`))
];

/**
 * The field guide (and template): the base columns, a share column for each need and a count
 * column for each subgroup; each of those can be given the other way too, as its guide says.
 */
export const CASELOAD_GUIDE: readonly FieldGuideEntry[] = [
	{
		column: 'pdu',
		required: true,
		format: 'The PDU: its nDelius code (N54DUR) or its name. Each PDU once in a file.',
		example: 'N54DUR'
	},
	{
		column: 'period',
		required: true,
		format:
			'The date the caseload was counted at: 2025-12-31 or 31/12/2025; a quarter as 2025-Q4 (taken as its last day, 31 December 2025); or a month as December 2025 (its last day).',
		example: '2025-Q4'
	},
	{
		column: 'caseload',
		required: true,
		format: 'People on probation in the PDU: a whole number.',
		example: '1000'
	},
	{
		column: 'community',
		required: false,
		format:
			'Of the caseload, people on community orders and suspended sentence orders. With post_release, at most the caseload.',
		example: '600'
	},
	{
		column: 'post_release',
		required: false,
		format: 'Of the caseload, people on licence or post-sentence supervision.',
		example: '400'
	},
	{
		column: 'provenance',
		required: false,
		format: `How the figures came to be: ${PROVENANCES.join(', ')}. Blank: published. It is kept and shown with the PDU's figures.`,
		example: 'published'
	},
	...CRS_CATEGORIES.map((c): FieldGuideEntry => ({
		column: `${NEED_COLUMN_STEMS[c]}_share`,
		required: false,
		format: `Share of the caseload with an identified ${c} need: 0 to 1 (0.39) or a percentage (39%). Or give ${NEED_COLUMN_STEMS[c]}_count instead: the number of people, at most the caseload. Given, it replaces the national share for this PDU.`,
		example: c === 'Accommodation' ? '39%' : ''
	})),
	...(Object.entries(SUBGROUP_COLUMN_STEMS) as [Exclude<Subgroup, 'all'>, string][]).map(
		([s, stem]): FieldGuideEntry => ({
			column: `${stem}_count`,
			required: false,
			format: `${SUBGROUP_DEFINITIONS[s].label} on the caseload: a number of people, at most the caseload. Or give ${stem}_share instead (0 to 1, or a percentage).${s === 'women' || s === 'men' ? ' Women and men together are at most the caseload.' : ''}`,
			example: s === 'women' ? '110' : ''
		})
	)
];

/** A need or subgroup figure as the file gives it. */
export interface PduFigure<K extends string> {
	key: K;
	/** 0–1: as given, or people ÷ caseload */
	share: number;
	/** people, when given as a count */
	people: number | null;
}

/** One valid row of a caseload file. */
export interface ImportedCaseload {
	pduCode: string;
	pduName: string;
	/** ISO date the caseload was counted at */
	period: string;
	caseload: number;
	community: number | null;
	postRelease: number | null;
	provenance: Provenance;
	needs: PduFigure<CrsCategory>[];
	subgroups: PduFigure<Subgroup>[];
}

interface PduRef {
	code: string;
	name: string;
	slug: string;
	deliusName: string | null;
	casName: string | null;
}

/** The PDUs names in a file are checked against, and the retired ones (to say what replaced them). */
export interface CaseloadReference {
	pdus: PduRef[];
	retired: Map<string, { name: string; change: string; date: string; successors: string[] }>;
}

async function loadReference(db: DB): Promise<CaseloadReference> {
	const [pdus, changes] = await Promise.all([
		db
			.selectFrom('pdus')
			.where('valid_to', 'is', null)
			.select(['code', 'name', 'slug', 'delius_name', 'cas_name'])
			.orderBy(textOrder(db, 'name'))
			.execute(),
		db.selectFrom('pdu_changes').selectAll().orderBy('id').execute()
	]);
	const current = new Set(pdus.map((p) => p.code));
	const retired: CaseloadReference['retired'] = new Map();
	for (const c of changes) {
		if (current.has(c.old_pdu_code)) continue;
		const known = retired.get(c.old_pdu_code) ?? {
			name: c.old_pdu_name,
			change: c.change,
			date: c.recorded_date,
			successors: []
		};
		known.successors.push(c.new_pdu_name);
		retired.set(c.old_pdu_code, known);
	}
	return {
		pdus: pdus.map((p) => ({
			code: p.code,
			name: p.name,
			slug: p.slug,
			deliusName: p.delius_name,
			casName: p.cas_name
		})),
		retired
	};
}

const MONTHS = [
	'january',
	'february',
	'march',
	'april',
	'may',
	'june',
	'july',
	'august',
	'september',
	'october',
	'november',
	'december'
];

const lastDayOf = (year: number, month: number) =>
	new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);

const PERIOD_HELP = 'write 2025-12-31, 31/12/2025, 2025-Q4 or December 2025';

/**
 * A caseload's period as the ISO date it was counted at: a date as given; a quarter or a month as
 * its last day ('2025-Q4' and 'Q4 2025' → 2025-12-31; 'December 2025' and 'Dec 2025' → 2025-12-31).
 */
export function parsePeriod(raw: string): CellResult<string> {
	const text = raw.trim();
	const inRange = (iso: string): CellResult<string> => {
		const year = Number(iso.slice(0, 4));
		return year >= 2000 && year <= 2100
			? { ok: true, value: iso }
			: { ok: false, message: `'${raw}' is not a period from 2000 to 2100` };
	};
	let m = /^(\d{4})\s*-?\s*Q([1-4])$/i.exec(text) ?? /^Q([1-4])\s*-?\s*(\d{4})$/i.exec(text);
	if (m) {
		const [year, quarter] = /^\d{4}$/.test(m[1]!) ? [m[1]!, m[2]!] : [m[2]!, m[1]!];
		return inRange(lastDayOf(Number(year), Number(quarter) * 3));
	}
	m = /^([a-z]+)\.?\s+(\d{4})$/i.exec(text);
	if (m) {
		const word = m[1]!.toLowerCase();
		const month = MONTHS.findIndex(
			(name) => name === word || (word.length >= 3 && name.startsWith(word))
		);
		if (month === -1) return { ok: false, message: `'${raw}' is not a period: ${PERIOD_HELP}` };
		return inRange(lastDayOf(Number(m[2]), month + 1));
	}
	// A bare number would read as an Excel serial date; a period is never written that way.
	if (!/[-/.]/.test(text))
		return { ok: false, message: `'${raw}' is not a period: ${PERIOD_HELP}` };
	const date = parseDate(text);
	if (date.ok) return inRange(date.value);
	return {
		ok: false,
		message: date.message.includes('on the calendar')
			? date.message
			: `'${raw}' is not a period: ${PERIOD_HELP}`
	};
}

/** A share as 0–1 ('0.39') or a percentage ('39%'). A bare number over 1 is refused: 39 could mean either. */
export function parseShare(raw: string): CellResult<number> {
	const text = raw.trim();
	const percent = /^(.*?)\s*%$/.exec(text);
	const n = parseNumber(percent ? percent[1]! : text);
	if (!n.ok) return { ok: false, message: `'${raw}' is not a share (write 0.39 or 39%)` };
	const share = percent ? n.value / 100 : n.value;
	if (!percent && share > 1)
		return {
			ok: false,
			message: `'${raw}' is not a share from 0 to 1: for a percentage write ${raw}%; for a number of people use the _count column`
		};
	if (share < 0 || share > 1)
		return { ok: false, message: `'${raw}' is not a share from 0 to 1 (0% to 100%)` };
	return { ok: true, value: share };
}

/** A whole number of people, 0 or more. */
function parsePeople(raw: string): CellResult<number> {
	const n = parseNumber(raw);
	if (!n.ok || !Number.isInteger(n.value) || n.value < 0)
		return { ok: false, message: `'${raw}' is not a number of people (a whole number, 0 or more)` };
	return n;
}

const PROVENANCE_SPELLINGS: Record<string, Provenance> = {
	published: 'published',
	derived: 'derived',
	modelled: 'modelled',
	modeled: 'modelled',
	estimated: 'modelled',
	estimate: 'modelled'
};

function describePdu(p: PduRef): string {
	return `${p.name} (${p.code})`;
}

/** Check a caseload file: columns first, then each row, then PDUs given twice. */
export function readCaseloads(
	table: CsvTable,
	file: string,
	ref: CaseloadReference,
	defaultProvenance: Provenance = 'published'
): KeyedRead<ImportedCaseload> {
	const known = new Set(CASELOAD_COLUMNS);
	const { errors, ignoredColumns, columns } = checkColumns(table, file, {
		noun: 'caseload',
		known: (k) => known.has(k),
		suggestions: CASELOAD_COLUMNS,
		required: REQUIRED,
		explain: (k) => {
			const stem = [...needStems, ...subgroupStems].find(
				(s) => k === s || k === `${s}_people` || k === `${s}_percent` || k === `${s}_pct`
			);
			return stem
				? `say whether it is a share or a number of people: name the column ${stem}_share (0 to 1, or a percentage) or ${stem}_count (people)`
				: undefined;
		}
	});
	const result: KeyedRead<ImportedCaseload> = {
		rowsRead: table.rows.length,
		rows: [],
		rejected: table.rows.length,
		errors,
		warnings: [],
		ignoredColumns,
		needsConfirmation: null,
		newOrganisations: 0
	};
	if (errors.some((e) => e.row === 0)) {
		errors.sort((a, b) => a.row - b.row);
		return result;
	}

	const pdus = new NameLookup(ref.pdus, describePdu, (p) =>
		[p.code, p.name, p.slug, p.deliusName ?? '', p.casName ?? ''].filter(Boolean)
	);
	const retired = new Map(
		[...ref.retired].flatMap(([code, r]) => [
			[code.toLowerCase(), r],
			[r.name.toLowerCase(), r]
		])
	);
	const bad = new Set<number>(table.errors.filter((e) => e.row > 0).map((e) => e.row));
	const firstRowOf = new Map<string, number>();
	table.rows.forEach((raw, i) => {
		const row = i + 1;
		if (bad.has(row)) return;
		const rowErrors: CellError[] = [];
		const problem = (key: string, message: string) =>
			rowErrors.push({ file, row, column: columns.get(key) ?? key, message });
		const cell = (key: string) => (raw[key] ?? '').trim();
		const parse = <T>(key: string, parser: (text: string) => CellResult<T>): T | null => {
			const text = cell(key);
			if (text === '') return null;
			const parsed = parser(text);
			if (parsed.ok) return parsed.value;
			problem(key, parsed.message);
			return null;
		};

		let pdu: PduRef | undefined;
		const pduText = cell('pdu');
		if (pduText === '') problem('pdu', 'the PDU is required');
		else {
			pdu = pdus.get(pduText);
			if (!pdu) {
				const gone = retired.get(pduText.toLowerCase());
				if (gone)
					problem(
						'pdu',
						`'${pduText}' is no longer a PDU: it was ${gone.change} into ${gone.successors.join(' and ')} on ${gone.date}. Give the figures for ${gone.successors.length > 1 ? 'each of those' : 'that PDU'}`
					);
				else {
					const guess = pdus.nearest(pduText);
					problem(
						'pdu',
						`'${pduText}' is not a PDU (give its code or name).${guess ? ` Did you mean '${guess}'?` : ''}`
					);
				}
			}
		}
		const period =
			cell('period') === ''
				? (problem('period', 'the period is required'), null)
				: parse('period', parsePeriod);
		const caseload =
			cell('caseload') === ''
				? (problem('caseload', 'the caseload is required'), null)
				: parse('caseload', parsePeople);
		const community = parse('community', parsePeople);
		const postRelease = parse('post_release', parsePeople);
		let provenance: Provenance = defaultProvenance;
		const provenanceText = cell('provenance');
		if (provenanceText !== '') {
			const found = PROVENANCE_SPELLINGS[provenanceText.toLowerCase()];
			if (found) provenance = found;
			else problem('provenance', `'${provenanceText}' is not one of ${PROVENANCES.join(', ')}`);
		}

		if (caseload !== null) {
			for (const [key, value] of [
				['community', community],
				['post_release', postRelease]
			] as const)
				if (value !== null && value > caseload)
					problem(key, `${value} is more than the caseload (${caseload})`);
			if (
				community !== null &&
				postRelease !== null &&
				community <= caseload &&
				postRelease <= caseload &&
				community + postRelease > caseload
			)
				problem(
					'post_release',
					`community (${community}) + post_release (${postRelease}) = ${community + postRelease}, more than the caseload (${caseload})`
				);
		}

		/** a share or a count, whichever the row gives, checked against the caseload */
		const figure = <K extends string>(key: K, stem: string): PduFigure<K> | null => {
			const share = parse(`${stem}_share`, parseShare);
			const people = parse(`${stem}_count`, parsePeople);
			if (share !== null && people !== null) {
				problem(
					`${stem}_count`,
					`give ${stem}_share or ${stem}_count, not both (this row gives ${cell(`${stem}_share`)} and ${people})`
				);
				return null;
			}
			if (people !== null) {
				if (caseload === null) return null;
				if (people > caseload) {
					problem(`${stem}_count`, `${people} is more than the caseload (${caseload})`);
					return null;
				}
				return { key, share: caseload > 0 ? people / caseload : 0, people };
			}
			return share === null ? null : { key, share, people: null };
		};
		const needs = CRS_CATEGORIES.flatMap((c) => figure(c, NEED_COLUMN_STEMS[c]) ?? []);
		const subgroups = (
			Object.entries(SUBGROUP_COLUMN_STEMS) as [Exclude<Subgroup, 'all'>, string][]
		).flatMap(([s, stem]) => figure<Subgroup>(s, stem) ?? []);
		const women = subgroups.find((s) => s.key === 'women');
		const men = subgroups.find((s) => s.key === 'men');
		if (women && men && caseload !== null && women.share + men.share > 1 + 1e-9) {
			const stem = cell('men_count') !== '' ? 'men_count' : 'men_share';
			problem(
				stem,
				`women and men together (${Math.round((women.share + men.share) * caseload)}) are more than the caseload (${caseload})`
			);
		}

		if (pdu) {
			const first = firstRowOf.get(pdu.code);
			if (first !== undefined)
				problem('pdu', `${describePdu(pdu)} is also on row ${first}; give each PDU once`);
			else firstRowOf.set(pdu.code, row);
		}
		if (rowErrors.length > 0 || !pdu || period === null || caseload === null) {
			// In the order of the file's columns, as a reader scans the row.
			const order = (e: CellError) => {
				const i = table.headers.indexOf(e.column);
				return i === -1 ? table.headers.length : i;
			};
			errors.push(...rowErrors.sort((a, b) => order(a) - order(b)));
			return;
		}
		const value: ImportedCaseload = {
			pduCode: pdu.code,
			pduName: pdu.name,
			period,
			caseload,
			community,
			postRelease,
			provenance,
			needs,
			subgroups
		};
		result.rows.push({ row, key: pdu.code, fingerprint: fingerprint(value), value });
	});
	errors.sort((a, b) => a.row - b.row);
	result.rejected = table.rows.length - result.rows.length;
	return result;
}

const round = (n: number) => Math.round(n * 1e9) / 1e9;

/** What decides whether a PDU's figures changed between versions, as comparable text. */
function fingerprint(c: Omit<ImportedCaseload, 'pduName'>): string {
	const figures = (list: readonly PduFigure<string>[]) =>
		[...list]
			.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
			.map((f) => [f.key, round(f.share), f.people]);
	return JSON.stringify([
		c.period,
		c.caseload,
		c.community,
		c.postRelease,
		c.provenance,
		figures(c.needs),
		figures(c.subgroups)
	]);
}

async function fingerprintsOf(db: DB, versionId: number): Promise<Map<string, string>> {
	const [caseloads, needs, subgroups] = await Promise.all([
		db
			.selectFrom('pdu_caseloads')
			.where('dataset_version_id', '=', versionId)
			.selectAll()
			.execute(),
		db
			.selectFrom('pdu_need_shares')
			.where('dataset_version_id', '=', versionId)
			.selectAll()
			.execute(),
		db
			.selectFrom('pdu_subgroup_shares')
			.where('dataset_version_id', '=', versionId)
			.selectAll()
			.execute()
	]);
	return new Map(
		caseloads.map((c) => [
			c.pdu_code,
			fingerprint({
				pduCode: c.pdu_code,
				period: c.period,
				caseload: c.caseload,
				community: c.community,
				postRelease: c.post_release,
				provenance: c.provenance as Provenance,
				needs: needs
					.filter((n) => n.pdu_code === c.pdu_code)
					.map((n) => ({ key: n.category as CrsCategory, share: n.share, people: n.people })),
				subgroups: subgroups
					.filter((s) => s.pdu_code === c.pdu_code)
					.map((s) => ({ key: s.subgroup as Subgroup, share: s.share, people: s.people }))
			})
		])
	);
}

/** `caseload-<slug>`: the dataset a caseload file named `datasetName` adds a version to. */
export function caseloadDatasetKey(datasetName: string): string {
	return datasetKeyFor('caseload', datasetName);
}

function caseloadKind(
	defaultProvenance: Provenance
): KeyedKind<ImportedCaseload, CaseloadReference> {
	return {
		kind: 'caseload',
		fileNoun: 'caseload CSV',
		datasetKey: caseloadDatasetKey,
		columns: CASELOAD_COLUMNS,
		load: loadReference,
		read: (table, file, ref) => readCaseloads(table, file, ref, defaultProvenance),
		fingerprints: fingerprintsOf,
		describe: (fileName) =>
			`People on probation per PDU, with need and subgroup figures, imported from ${fileName}. For the PDUs it covers it replaces the modelled caseload.`,
		provenanceOf(rows, fallback) {
			const kinds = new Set(rows.map((r) => r.value.provenance));
			if (kinds.size === 0) return fallback;
			if (kinds.has('modelled')) return 'modelled';
			return kinds.has('derived') ? 'derived' : 'published';
		},
		async write(trx, rows, { versionId }) {
			await insertChunked(
				trx,
				'pdu_caseloads',
				rows.map(({ value: c }) => ({
					dataset_version_id: versionId,
					pdu_code: c.pduCode,
					period: c.period,
					caseload: c.caseload,
					community: c.community,
					post_release: c.postRelease,
					provenance: c.provenance
				}))
			);
			await insertChunked(
				trx,
				'pdu_need_shares',
				rows.flatMap(({ value: c }) =>
					c.needs.map((n) => ({
						dataset_version_id: versionId,
						pdu_code: c.pduCode,
						category: n.key,
						share: n.share,
						people: n.people
					}))
				)
			);
			await insertChunked(
				trx,
				'pdu_subgroup_shares',
				rows.flatMap(({ value: c }) =>
					c.subgroups.map((s) => ({
						dataset_version_id: versionId,
						pdu_code: c.pduCode,
						subgroup: s.key,
						share: s.share,
						people: s.people
					}))
				)
			);
		}
	};
}

/** Import a caseload CSV as a new version of its dataset (all or nothing; see importKeyed). */
export function importCaseload(
	db: DB,
	files: readonly ImportFile[],
	options: ImportOptions
): Promise<ImportSummary> {
	return importKeyed(db, files, options, caseloadKind(options.provenance ?? 'published'));
}

export const caseloadImporter: Importer = {
	kind: 'caseload',
	title: 'Caseload per PDU',
	description:
		'People on probation per PDU, with need shares or counts by CRS category and subgroup counts. For the PDUs in the file it replaces the modelled caseload, and its need figures replace the national shares.',
	rowNoun: 'PDU caseload',
	matchedBy: 'by PDU',
	extensions: ['.csv'],
	guide: CASELOAD_GUIDE,
	template: () => ({
		fileName: 'caseload-template.csv',
		contentType: 'text/csv; charset=utf-8',
		body: templateCsvFrom(CASELOAD_GUIDE)
	}),
	datasetKey: caseloadDatasetKey,
	run: importCaseload
};
