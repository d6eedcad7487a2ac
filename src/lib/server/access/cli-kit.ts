import fs from 'node:fs';
import { suggestNearest } from '../api/suggest';

/**
 * The parts of the `landscape` command-line tool every subcommand shares: exit codes, the errors
 * that map to them, flag parsing and usage text. Subcommands are `CliCommand`s listed in cli.ts.
 */

/** 0 done; 1 the input data (or a file) is at fault; 2 the command line is. */
export const EXIT_OK = 0;
export const EXIT_INVALID_DATA = 1;
export const EXIT_USAGE = 2;

/** Where a command reads and writes: the real process in the bundle, a recorder in tests. */
export interface CliIo {
	stdout(text: string): void;
	stderr(text: string): void;
	/** the file's text (UTF-8); throws a `DataError` naming the file when it cannot be read */
	readFile(file: string): string;
	writeFile(file: string, text: string): void;
}

/** The command line is wrong (unknown command or flag, missing or bad flag): exit 2 with usage. */
export class UsageError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'UsageError';
	}
}

/** The input is wrong: exit 1, printing each problem (`file:line:column: message`) on its own line. */
export class DataError extends Error {
	constructor(readonly problems: readonly string[]) {
		super(problems.join('\n'));
		this.name = 'DataError';
	}
}

export interface FlagSpec {
	/** without the leading dashes, e.g. `catchment-km` */
	name: string;
	/** placeholder for the value in usage, e.g. `FILE` */
	value: string;
	description: string;
	required?: boolean;
}

export interface CliCommand {
	name: string;
	/** one line for the list of commands */
	summary: string;
	flags: readonly FlagSpec[];
	/** paragraphs printed after the flags in `landscape help <command>` */
	details?: string;
	/**
	 * For a command that takes positional arguments (e.g. `import <kind> <file>`): parse its own
	 * argv. Without it, argv is parsed as flags only.
	 */
	parseArgs?(argv: readonly string[]): { help: boolean; values: Record<string, string> };
	/** `values` holds each flag given, by name; throw UsageError or DataError to fail */
	run(values: Readonly<Record<string, string>>, io: CliIo): Promise<void> | void;
}

/**
 * Parse `--name value` and `--name=value` flags against `specs`. Returns `help: true` for `-h` or
 * `--help` (anywhere). Throws a UsageError for an unknown flag (suggesting the nearest), a flag
 * given twice, a flag without a value, a positional argument or a missing required flag.
 */
export function parseFlags(
	argv: readonly string[],
	specs: readonly FlagSpec[]
): { help: boolean; values: Record<string, string> } {
	if (argv.some((arg) => arg === '-h' || arg === '--help')) return { help: true, values: {} };
	const values: Record<string, string> = {};
	const names = specs.map((s) => s.name);
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		if (!arg.startsWith('--') || arg === '--')
			throw new UsageError(`unexpected argument '${arg}'; every input is given by a flag`);
		const eq = arg.indexOf('=');
		const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
		const spec = specs.find((s) => s.name === name);
		if (!spec) {
			const guess = suggestNearest(name, names);
			throw new UsageError(
				`unknown flag --${name}.${guess ? ` Did you mean --${guess}?` : ''} Valid: ${names.map((n) => `--${n}`).join(', ')}`
			);
		}
		if (name in values) throw new UsageError(`--${name} is given twice; give it once`);
		let value: string | undefined;
		if (eq !== -1) value = arg.slice(eq + 1);
		else {
			const next = argv[i + 1];
			if (next !== undefined && !next.startsWith('--')) {
				value = next;
				i++;
			}
		}
		if (value === undefined || value === '')
			throw new UsageError(`--${name} needs a value: --${name} ${spec.value}`);
		values[name] = value;
	}
	const missing = specs.filter((s) => s.required && !(s.name in values));
	if (missing.length)
		throw new UsageError(`missing ${missing.map((s) => `--${s.name} ${s.value}`).join(' and ')}`);
	return { help: false, values };
}

/**
 * `landscape <command> …` usage: the synopsis and each flag, then (unless `brief`, as after a usage
 * error) the command's details.
 */
export function commandUsage(command: CliCommand, brief = false): string {
	const synopsis = command.flags
		.map((f) => (f.required ? `--${f.name} ${f.value}` : `[--${f.name} ${f.value}]`))
		.join(' ');
	const width = Math.max(...command.flags.map((f) => f.name.length + f.value.length + 3));
	const flags = command.flags.map(
		(f) => `  ${`--${f.name} ${f.value}`.padEnd(width)}  ${f.description}`
	);
	const more = brief
		? [`More: npm run landscape -- help ${command.name}`]
		: command.details
			? [command.details]
			: [];
	return [
		`Usage: npm run landscape -- ${command.name} ${synopsis}`,
		'',
		command.summary,
		'',
		...flags,
		...(more.length ? ['', ...more] : []),
		''
	].join('\n');
}

/** Reads and writes the real files and streams. */
export function processIo(): CliIo {
	return {
		stdout: (text) => void process.stdout.write(text),
		stderr: (text) => void process.stderr.write(text),
		readFile(file) {
			try {
				return fs.readFileSync(file, 'utf8');
			} catch (caught) {
				throw new DataError([`${file}: cannot read the file (${describeFsError(caught)})`]);
			}
		},
		writeFile(file, text) {
			try {
				fs.writeFileSync(file, text, 'utf8');
			} catch (caught) {
				throw new DataError([`${file}: cannot write the file (${describeFsError(caught)})`]);
			}
		}
	};
}

function describeFsError(caught: unknown): string {
	const code = (caught as NodeJS.ErrnoException | undefined)?.code;
	if (code === 'ENOENT') return 'no such file or folder';
	if (code === 'EISDIR') return 'it is a folder';
	if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
	return code ?? (caught instanceof Error ? caught.message : String(caught));
}
