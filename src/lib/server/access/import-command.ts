import fs from 'node:fs';
import path from 'node:path';
import { suggestNearest } from '../api/suggest';
import { initDatabase } from '../context';
import { formatCellError } from '../csv';
import type { DB } from '../db';
import { AVAILABLE_KINDS, findImporter } from '../import/registry';
import type { ImportFile, ImportKind, ImportSummary } from '../import/types';
import {
	DataError,
	EXIT_INVALID_DATA,
	EXIT_OK,
	EXIT_USAGE,
	UsageError,
	processIo,
	type CliCommand,
	type CliIo
} from './cli-kit';

/** The kinds this build imports. */
const IMPORT_KINDS = AVAILABLE_KINDS;

/** At most this many errors are printed; the rest are counted. */
export const MAX_PRINTED_ERRORS = 50;

const FLAGS = [
	{
		name: 'dry-run',
		value: '',
		description: 'validate and compare with the current version; write nothing'
	},
	{
		name: 'dataset',
		value: 'NAME',
		description: 'the dataset to add a version to (default: the file name without its extension)'
	},
	{
		name: 'user',
		value: 'NAME',
		description: "who is importing, for the version history (default 'command line')"
	},
	{
		name: 'only-valid-rows',
		value: '',
		description: 'import the valid rows even when some rows are invalid (they are left out)'
	},
	{
		name: 'confirm',
		value: '',
		description:
			'accept what a dry run asks you to confirm (e.g. organisations matched by name alone)'
	}
] as const;
const SWITCHES = new Set(['dry-run', 'only-valid-rows', 'confirm']);

function flagGuess(name: string): string {
	const guess = suggestNearest(
		name,
		FLAGS.map((f) => f.name)
	);
	return guess ? ` Did you mean --${guess}?` : '';
}

/** Usage of `landscape import`; `brief` (after a usage error) leaves out the details. */
export function importUsage(brief = false): string {
	const width = Math.max(...FLAGS.map((f) => f.name.length + f.value.length + 3));
	return [
		'Usage: npm run landscape -- import <kind> <file> [--dry-run] [--dataset NAME] [--user NAME] [--only-valid-rows]',
		'',
		`Import a data file as a new version of a dataset. Kinds: ${IMPORT_KINDS.join(', ')}.`,
		'',
		...FLAGS.map((f) => `  ${`--${f.name} ${f.value}`.padEnd(width)}  ${f.description}`),
		'',
		...(brief ? ['More: npm run landscape -- import --help'] : [DETAILS]),
		''
	].join('\n');
}

const DETAILS = [
	'Run as: npm run landscape -- import <kind> <file> [--dry-run] [--dataset NAME] [--user NAME] [--only-valid-rows]',
	'',
	'Kinds, and the fields each takes (the Import data page has each template and field guide):',
	...IMPORT_KINDS.flatMap((kind) => {
		const importer = findImporter(kind)!;
		return [
			`  ${kind} (${importer.extensions.join(' or ')}${importer.acceptsFolder ? ', or a folder of them' : ''}): ${importer.title}`,
			`    ${importer.guide.map((f) => f.column).join(', ')}`
		];
	}),
	'Headers may be in any case, with spaces or underscores. Files may be UTF-8 (with or without a',
	'BOM) or Windows-1252; money as £1,234.50 or 1234.5; dates as 31/03/2027, 2027-03-31 or an',
	'Excel serial number. Lists (subcontractors, categories, pcc_areas, pdus) are ;-separated.',
	'',
	'All or nothing: a file with any invalid row writes nothing (unless --only-valid-rows). A file',
	'with columns that identify people (CRN, PNC, NOMIS number, names, date of birth, address, NI',
	'number) is refused whole. Re-importing the current file changes nothing.',
	'Errors print as file:row:column: message, rows counted from 1 after the header.',
	'Exit status: 0 done (or nothing to do), 1 invalid data, 2 wrong usage.'
].join('\n');

/** The import's arguments: `<kind> <file>` then flags; `--dry-run` and `--only-valid-rows` take no value. */
export interface ImportArgs {
	kind: ImportKind;
	file: string;
	dryRun: boolean;
	onlyValidRows: boolean;
	confirm: boolean;
	dataset?: string;
	user?: string;
}

/** Parse `import <kind> <file> [flags]` (the arguments after `import`); throws UsageError. */
export function parseImportArgs(argv: readonly string[]): { help: boolean; args?: ImportArgs } {
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
		if (!FLAGS.some((f) => f.name === name))
			throw new UsageError(
				`unknown flag --${name}.${flagGuess(name)} Valid: ${FLAGS.map((f) => `--${f.name}`).join(', ')}`
			);
		if (name in values) throw new UsageError(`--${name} is given twice; give it once`);
		if (SWITCHES.has(name)) {
			if (eq !== -1) throw new UsageError(`--${name} takes no value`);
			values[name] = 'true';
			continue;
		}
		const value =
			eq !== -1 ? arg.slice(eq + 1) : argv[i + 1]?.startsWith('--') ? undefined : argv[++i];
		if (value === undefined || value.trim() === '')
			throw new UsageError(`--${name} needs a value: --${name} NAME`);
		values[name] = value;
	}
	const [kind, file, ...extra] = positional;
	if (kind === undefined)
		throw new UsageError(`which kind of data? This build imports: ${IMPORT_KINDS.join(', ')}`);
	if (!findImporter(kind)) {
		const guess = suggestNearest(kind, IMPORT_KINDS);
		throw new UsageError(
			`unknown kind '${kind}'.${guess ? ` Did you mean '${guess}'?` : ''} This build imports: ${IMPORT_KINDS.join(', ')}`
		);
	}
	if (file === undefined) throw new UsageError(`which file? import ${kind} <file>`);
	if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}' after the file`);
	return {
		help: false,
		args: {
			kind: kind as ImportKind,
			file,
			dryRun: values['dry-run'] === 'true',
			onlyValidRows: values['only-valid-rows'] === 'true',
			confirm: values.confirm === 'true',
			...(values.dataset !== undefined && { dataset: values.dataset }),
			...(values.user !== undefined && { user: values.user })
		}
	};
}

/** The summary as printed: errors (for stderr) and the lines for stdout. */
export function describeImport(summary: ImportSummary): { out: string[]; errors: string[] } {
	const errors = summary.errors.slice(0, MAX_PRINTED_ERRORS).map(formatCellError);
	const more = summary.errors.length - MAX_PRINTED_ERRORS;
	if (more > 0)
		errors.push(
			`… and ${more} more error${more === 1 ? '' : 's'} (${summary.errors.length} in all)`
		);
	errors.push(
		...summary.warnings
			.slice(0, MAX_PRINTED_ERRORS)
			.map((w) => formatCellError({ ...w, message: `warning: ${w.message}` }))
	);
	const counts = `rows read ${summary.rowsRead}, accepted ${summary.accepted}, rejected ${summary.rejected}`;
	const changes = `added ${summary.added}, changed ${summary.changed}, removed ${summary.removed}, unchanged ${summary.unchanged}`;
	const ignored = summary.ignoredColumns.length
		? [`ignored columns not in the ${summary.kind} template: ${summary.ignoredColumns.join(', ')}`]
		: [];
	switch (summary.status) {
		case 'refused':
			return { out: ['nothing written'], errors };
		case 'unchanged':
			return {
				out: [
					counts,
					`unchanged: the file is the same (sha256 ${summary.checksum.slice(0, 12)}…) as dataset ${summary.datasetKey} version ${summary.version}; nothing written`
				],
				errors
			};
		case 'invalid':
			return {
				out: [
					...ignored,
					counts,
					summary.errors.length === 0 && summary.needsConfirmation
						? `nothing written: ${summary.needsConfirmation}; check the warnings, then run again with --confirm`
						: 'nothing written: fix the rows listed, or import just the valid ones with --only-valid-rows'
				],
				errors
			};
		case 'dry-run':
			return {
				out: [
					...ignored,
					counts,
					`would be dataset ${summary.datasetKey} version ${summary.version}: ${changes}, new organisations ${summary.newOrganisations}`,
					...(summary.needsConfirmation
						? [`to import: ${summary.needsConfirmation}, then run again with --confirm`]
						: []),
					'dry run: nothing written'
				],
				errors
			};
		case 'imported':
			return {
				out: [
					...ignored,
					counts,
					`dataset ${summary.datasetKey} version ${summary.version}: ${changes}, new organisations ${summary.newOrganisations}`
				],
				errors
			};
	}
}

/**
 * Read the file, or a folder's files with the kind's extensions when the kind takes a folder.
 * A missing file, or a folder for a kind that takes one file, is a usage error (exit 2).
 */
function readFiles(file: string, kind: ImportKind): ImportFile[] {
	const importer = findImporter(kind)!;
	let stat: fs.Stats;
	try {
		stat = fs.statSync(file);
	} catch {
		throw new UsageError(`no such file: ${file}`);
	}
	const read = (name: string): ImportFile => {
		try {
			return { name, bytes: fs.readFileSync(name) };
		} catch (caught) {
			throw new DataError([
				`${name}: cannot read the file (${caught instanceof Error ? caught.message : String(caught)})`
			]);
		}
	};
	if (stat.isFile()) return [read(file)];
	if (!stat.isDirectory() || !importer.acceptsFolder)
		throw new UsageError(`${file} is a folder, not a file`);
	const names = fs
		.readdirSync(file)
		.filter((n) => importer.extensions.includes(path.extname(n).toLowerCase()))
		.sort();
	if (names.length === 0)
		throw new UsageError(`${file} holds no ${importer.extensions.join(' or ')} files`);
	return names.map((n) => read(path.join(file, n)));
}

/** `landscape import`, opening the database with `openDb` (the app's, by default). */
export function createImportCommand(openDb: () => Promise<DB> = initDatabase) {
	const command = {
		name: 'import',
		summary: `Import a data file as a new version of a dataset (kinds: ${IMPORT_KINDS.join(', ')})`,
		flags: FLAGS,
		details: DETAILS,
		/** the dispatcher's hook for commands that take positional arguments */
		parseArgs(argv: readonly string[]): { help: boolean; values: Record<string, string> } {
			const { help, args } = parseImportArgs(argv);
			if (help || !args) return { help: true, values: {} };
			return {
				help: false,
				values: {
					kind: args.kind,
					file: args.file,
					...(args.dryRun && { 'dry-run': 'true' }),
					...(args.onlyValidRows && { 'only-valid-rows': 'true' }),
					...(args.confirm && { confirm: 'true' }),
					...(args.dataset !== undefined && { dataset: args.dataset }),
					...(args.user !== undefined && { user: args.user })
				}
			};
		},
		async run(values: Readonly<Record<string, string>>, io: CliIo): Promise<void> {
			const kind = values.kind;
			const file = values.file;
			const importer = kind === undefined ? undefined : findImporter(kind);
			if (!importer || file === undefined)
				throw new UsageError(
					`give the kind and file: import <kind> <file> (kinds: ${IMPORT_KINDS.join(', ')})`
				);
			const files = readFiles(file, importer.kind);
			const db = await openDb();
			const summary = await importer.run(db, files, {
				fileName: file,
				...(values.dataset !== undefined && { datasetName: values.dataset }),
				dryRun: values['dry-run'] === 'true',
				onlyValidRows: values['only-valid-rows'] === 'true',
				confirmed: values.confirm === 'true',
				createdBy: values.user ?? 'command line'
			});
			const { out, errors } = describeImport(summary);
			io.stdout(`${out.join('\n')}\n`);
			const failed = summary.status === 'invalid' || summary.status === 'refused';
			if (failed) throw new DataError(errors);
			if (errors.length) io.stderr(`${errors.join('\n')}\n`);
		}
	} satisfies CliCommand & { parseArgs: unknown };
	return command;
}

/** `landscape import` on the app's database. */
export const importCommand = createImportCommand();

/**
 * Run `import …` (the arguments after `import`) to its exit status, as the dispatcher in cli.ts
 * does for a command with `parseArgs`: 2 for a UsageError, 1 for a DataError (its lines on stderr).
 */
export async function runImport(
	argv: readonly string[],
	io: CliIo = processIo(),
	command = importCommand
): Promise<number> {
	try {
		const { help, values } = command.parseArgs(argv);
		if (help) {
			io.stdout(importUsage());
			return EXIT_OK;
		}
		await command.run(values, io);
		return EXIT_OK;
	} catch (caught) {
		if (caught instanceof UsageError) {
			io.stderr(`landscape import: ${caught.message}\n\n${importUsage(true)}`);
			return EXIT_USAGE;
		}
		if (caught instanceof DataError) {
			if (caught.problems.length) io.stderr(`${caught.problems.join('\n')}\n`);
			return EXIT_INVALID_DATA;
		}
		const message = caught instanceof Error ? caught.message : String(caught);
		io.stderr(`landscape import: failed: ${message}\n`);
		return EXIT_INVALID_DATA;
	}
}
