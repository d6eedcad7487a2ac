import { suggestNearest } from '../api/suggest';
import { initDatabase } from '../context';
import type { DB } from '../db';
import {
	DatasetVersionError,
	compareVersions,
	countVersions,
	findDataset,
	listVersions,
	rollbackTo,
	type RowRef,
	type VersionComparison
} from '../import/versions';
import { listDatasets } from '../repositories/datasets';
import { DataError, UsageError, type CliCommand, type CliIo } from './cli-kit';

/** `landscape datasets`: list datasets, see a dataset's versions, compare two, roll back to one. */

const ACTIONS = ['list', 'history', 'compare', 'rollback'] as const;
type Action = (typeof ACTIONS)[number];

/** At most this many rows of each list (added, changed, removed) are printed unless --all. */
export const MAX_PRINTED_ROWS = 100;

const FLAGS = [
	{
		name: 'user',
		value: 'NAME',
		description: "rollback: who is rolling back, for the version history (default 'command line')"
	},
	{ name: 'all', value: '', description: 'compare: print every row, not the first 100 of each' }
] as const;

const SYNOPSES: Record<Action, string> = {
	list: 'datasets list',
	history: 'datasets history <key>',
	compare: 'datasets compare <key> <a> <b> [--all]',
	rollback: 'datasets rollback <key> <version> [--user NAME]'
};

const DETAILS = [
	'Actions:',
	`  ${SYNOPSES.list.padEnd(50)}every dataset: key, current version, versions, rows`,
	`  ${SYNOPSES.history.padEnd(50)}a dataset's versions, newest first: when, who, rows, file, SHA-256`,
	`  ${SYNOPSES.compare.padEnd(50)}rows added (+), changed (~, each field before → after) and removed (-) from version a to b`,
	`  ${SYNOPSES.rollback.padEnd(50)}make version <version> current again, as a new version copying its rows`,
	'',
	'A rollback adds a version; it never changes or deletes one, so it can itself be undone. Rows are',
	'keyed by reference (services, sites), PDU (caseload) or scope and category (need shares).',
	'Run as: npm run landscape -- datasets history services-my-dataset',
	'Exit status: 0 done, 1 refused (e.g. rolling back to the current version), 2 wrong usage',
	'(unknown action, dataset or version).'
].join('\n');

export interface DatasetsArgs {
	action: Action;
	key?: string;
	a?: number;
	b?: number;
	version?: number;
	user?: string;
	all: boolean;
}

function versionNumber(value: string, what: string): number {
	if (!/^[1-9]\d{0,8}$/.test(value.trim()))
		throw new UsageError(`${what} must be a version number such as 2: '${value}' is not`);
	return Number(value.trim());
}

/** Parse `datasets <action> …` (the arguments after `datasets`); throws UsageError. */
export function parseDatasetsArgs(argv: readonly string[]): { help: boolean; args?: DatasetsArgs } {
	if (argv.some((a) => a === '-h' || a === '--help')) return { help: true };
	const positional: string[] = [];
	const values: Record<string, string> = {};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		if (!arg.startsWith('--')) {
			positional.push(arg);
			continue;
		}
		const eq = arg.indexOf('=');
		const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
		if (!FLAGS.some((f) => f.name === name)) {
			const guess = suggestNearest(
				name,
				FLAGS.map((f) => f.name)
			);
			throw new UsageError(
				`unknown flag --${name}.${guess ? ` Did you mean --${guess}?` : ''} Valid: ${FLAGS.map((f) => `--${f.name}`).join(', ')}`
			);
		}
		if (name in values) throw new UsageError(`--${name} is given twice; give it once`);
		if (name === 'all') {
			if (eq !== -1) throw new UsageError('--all takes no value');
			values.all = 'true';
			continue;
		}
		const value =
			eq !== -1 ? arg.slice(eq + 1) : argv[i + 1]?.startsWith('--') ? undefined : argv[++i];
		if (value === undefined || value.trim() === '')
			throw new UsageError(`--${name} needs a value: --${name} NAME`);
		values[name] = value;
	}
	const [action, ...rest] = positional;
	if (action === undefined) throw new UsageError(`which action? One of: ${ACTIONS.join(', ')}`);
	if (!(ACTIONS as readonly string[]).includes(action)) {
		const guess = suggestNearest(action, ACTIONS);
		throw new UsageError(
			`unknown action '${action}'.${guess ? ` Did you mean '${guess}'?` : ''} One of: ${ACTIONS.join(', ')}`
		);
	}
	const act = action as Action;
	const wanted = { list: 0, history: 1, compare: 3, rollback: 2 }[act];
	if (rest.length < wanted)
		throw new UsageError(
			`${act} needs ${wanted === 1 ? 'a dataset key' : `a dataset key and ${wanted === 2 ? 'a version' : 'two versions'}`}: ${SYNOPSES[act]}`
		);
	if (rest.length > wanted)
		throw new UsageError(`unexpected argument '${rest[wanted]}': ${SYNOPSES[act]}`);
	if (values.user !== undefined && act !== 'rollback')
		throw new UsageError('--user is for rollback only');
	if (values.all !== undefined && act !== 'compare')
		throw new UsageError('--all is for compare only');
	const [key, first, second] = rest;
	return {
		help: false,
		args: {
			action: act,
			...(key !== undefined && { key }),
			...(act === 'compare' && {
				a: versionNumber(first!, 'the first version'),
				b: versionNumber(second!, 'the second version')
			}),
			...(act === 'rollback' && { version: versionNumber(first!, 'the version') }),
			...(values.user !== undefined && { user: values.user }),
			all: values.all === 'true'
		}
	};
}

/** Columns padded to their widest cell, two spaces apart. */
function table(rows: readonly (readonly string[])[]): string[] {
	const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
	return rows.map((r) =>
		r
			.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
			.join('  ')
			.trimEnd()
	);
}

const oneLine = (text: string | null) => (text === null ? '(blank)' : text.replace(/\s+/g, ' '));
const describeRow = (r: RowRef) => `${r.noun} ${r.key}${r.label ? ` ${oneLine(r.label)}` : ''}`;

/** The comparison as printed: a heading, the counts, then each row added, changed and removed. */
export function describeComparison(c: VersionComparison, all = false): string[] {
	const cap = <T>(rows: readonly T[], what: string, line: (row: T) => string[]): string[] => {
		const shown = all ? rows : rows.slice(0, MAX_PRINTED_ROWS);
		const more = rows.length - shown.length;
		return [
			...shown.flatMap(line),
			...(more > 0 ? [`… and ${more} more ${what} (--all prints every row)`] : [])
		];
	};
	return [
		`${c.dataset.title} (${c.dataset.key}): version ${c.from.version} → version ${c.to.version}`,
		`added ${c.added.length}, changed ${c.changed.length}, removed ${c.removed.length}, unchanged ${c.unchanged.length}`,
		...cap(c.added, 'added', (r) => [`+ ${describeRow(r)}`]),
		...cap(c.changed, 'changed', (r) => [
			`~ ${describeRow(r)}`,
			...r.changes.map((f) => `    ${f.field}: ${oneLine(f.before)} → ${oneLine(f.after)}`)
		]),
		...cap(c.removed, 'removed', (r) => [`- ${describeRow(r)}`])
	];
}

/** A refusal as the CLI reports it: unknown names are usage errors (2), the rest refusals (1). */
function asCliError(caught: unknown): unknown {
	if (!(caught instanceof DatasetVersionError)) return caught;
	return caught.problem === 'unknown-dataset' || caught.problem === 'unknown-version'
		? new UsageError(caught.message)
		: new DataError([caught.message]);
}

async function run(db: DB, args: DatasetsArgs, io: CliIo): Promise<void> {
	const print = (lines: readonly string[]) => io.stdout(`${lines.join('\n')}\n`);
	switch (args.action) {
		case 'list': {
			const [datasets, counts] = await Promise.all([listDatasets(db), countVersions(db)]);
			print(
				table([
					['key', 'version', 'versions', 'rows', 'title'],
					...datasets.map((d) => [
						d.key,
						String(d.version ?? '-'),
						String(counts[d.key] ?? 0),
						String(d.rowCount ?? '-'),
						d.title
					])
				])
			);
			return;
		}
		case 'history': {
			const dataset = await findDataset(db, args.key!);
			const versions = await listVersions(db, args.key!);
			print([
				`${dataset.title} (${dataset.key}): ${versions.length} version${versions.length === 1 ? '' : 's'}`,
				...table([
					['version', 'current', 'created (UTC)', 'by', 'rows', 'sha256', 'file', 'note'],
					...versions.map((v) => [
						String(v.version),
						v.isCurrent ? 'current' : '',
						v.createdAt.slice(0, 16).replace('T', ' '),
						v.createdBy,
						String(v.rowCount),
						`${v.checksum.slice(0, 12)}…`,
						v.fileName,
						v.note ?? ''
					])
				])
			]);
			return;
		}
		case 'compare':
			print(describeComparison(await compareVersions(db, args.key!, args.a!, args.b!), args.all));
			return;
		case 'rollback': {
			const r = await rollbackTo(db, args.key!, args.version!, {
				createdBy: args.user ?? 'command line'
			});
			print([
				`${r.title} (${r.datasetKey}) version ${r.version} is now current: a copy of version ${r.rolledBackTo} (${r.rowCount} row${r.rowCount === 1 ? '' : 's'})`,
				`${r.note}; versions 1 to ${r.previousVersion} are kept`
			]);
			return;
		}
	}
}

/** `landscape datasets`, opening the database with `openDb` (the app's, by default). */
export function createDatasetsCommand(openDb: () => Promise<DB> = initDatabase) {
	return {
		name: 'datasets',
		summary: 'List datasets, see a dataset’s versions, compare two versions, roll back to one',
		flags: FLAGS,
		details: DETAILS,
		parseArgs(argv: readonly string[]): { help: boolean; values: Record<string, string> } {
			const { help, args } = parseDatasetsArgs(argv);
			if (help || !args) return { help: true, values: {} };
			const values: Record<string, string> = { action: args.action };
			if (args.key !== undefined) values.key = args.key;
			if (args.a !== undefined) values.a = String(args.a);
			if (args.b !== undefined) values.b = String(args.b);
			if (args.version !== undefined) values.version = String(args.version);
			if (args.user !== undefined) values.user = args.user;
			if (args.all) values.all = 'true';
			return { help: false, values };
		},
		async run(values: Readonly<Record<string, string>>, io: CliIo): Promise<void> {
			const action = values.action as Action | undefined;
			if (!action || !ACTIONS.includes(action))
				throw new UsageError(`which action? One of: ${ACTIONS.join(', ')}`);
			const args: DatasetsArgs = {
				action,
				...(values.key !== undefined && { key: values.key }),
				...(values.a !== undefined && { a: Number(values.a) }),
				...(values.b !== undefined && { b: Number(values.b) }),
				...(values.version !== undefined && { version: Number(values.version) }),
				...(values.user !== undefined && { user: values.user }),
				all: values.all === 'true'
			};
			const db = await openDb();
			try {
				await run(db, args, io);
			} catch (caught) {
				throw asCliError(caught);
			}
		}
	} satisfies CliCommand & { parseArgs: unknown };
}

/** `landscape datasets` on the app's database. */
export const datasetsCommand = createDatasetsCommand();
