import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { suggestNearest } from '../api/suggest';
import { closeDatabase } from '../context';
import { accessCommand } from './access-command';
import { datasetsCommand } from './datasets-command';
import { dbCommand } from './db-command';
import { importCommand } from './import-command';
import { usersCommand } from './users-command';
import {
	DataError,
	EXIT_INVALID_DATA,
	EXIT_OK,
	EXIT_USAGE,
	UsageError,
	commandUsage,
	parseFlags,
	processIo,
	type CliCommand,
	type CliIo
} from './cli-kit';

/**
 * `landscape`, the command-line tool for power users: `npm run landscape -- <command> [flags]`.
 * vite.cli.config.ts bundles this file into build-cli/landscape.js. A new subcommand is a
 * `CliCommand` added to COMMANDS; the dispatcher, usage and exit codes need no change.
 */
export const COMMANDS: readonly CliCommand[] = [
	accessCommand,
	importCommand,
	datasetsCommand,
	dbCommand,
	usersCommand
];

/** The planning model's access functions, for the bench (scripts/bench/access.js) to time. */
export * as accessModel from '$lib/domain/access';
/** The coverage model and a seeded in-memory baseline, for the bench (scripts/bench/coverage.js). */
export * as coverageModel from '$lib/domain/coverage';
export { defaultAssumptions } from '$lib/domain/assumptions';
export { SUBGROUPS } from '$lib/domain/subgroups';
export { freshDatabase } from '../testing/fresh-db';
export { loadGapBaseline } from '../planning/gap-baseline';
/** Accounts, sessions, sign-in and the policy, for the bench (scripts/bench/auth.js). */
export * as auth from '../auth';

export function mainUsage(): string {
	const width = Math.max(...COMMANDS.map((c) => c.name.length));
	return [
		'Usage: npm run landscape -- <command> [flags]',
		'',
		'Commands:',
		...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
		'',
		'`npm run landscape -- help <command>` (or `<command> --help`) describes a command.',
		'Exit status: 0 done, 1 invalid data, 2 wrong usage.',
		''
	].join('\n');
}

/** Run the tool on `argv` (the arguments after the script name); resolves to the exit status. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
	const [name, ...rest] = argv;
	if (name === undefined) {
		io.stderr(`landscape: no command given.\n\n${mainUsage()}`);
		return EXIT_USAGE;
	}
	if (name === 'help' || name === '--help' || name === '-h') {
		const topic = rest[0] === undefined ? undefined : COMMANDS.find((c) => c.name === rest[0]);
		if (rest[0] !== undefined && !topic) return unknownCommand(rest[0], io);
		io.stdout(topic ? commandUsage(topic) : mainUsage());
		return EXIT_OK;
	}
	const command = COMMANDS.find((c) => c.name === name);
	if (!command) return unknownCommand(name, io);
	try {
		const { help, values } = command.parseArgs
			? command.parseArgs(rest)
			: parseFlags(rest, command.flags);
		if (help) {
			io.stdout(commandUsage(command));
			return EXIT_OK;
		}
		await command.run(values, io);
		return EXIT_OK;
	} catch (caught) {
		if (caught instanceof UsageError) {
			io.stderr(`landscape ${command.name}: ${caught.message}\n\n${commandUsage(command, true)}`);
			return EXIT_USAGE;
		}
		if (caught instanceof DataError) {
			io.stderr(`${caught.problems.join('\n')}\n`);
			return EXIT_INVALID_DATA;
		}
		const message = caught instanceof Error ? caught.message : String(caught);
		io.stderr(`landscape ${command.name}: failed: ${message}\n`);
		return EXIT_INVALID_DATA;
	}
}

function unknownCommand(name: string, io: CliIo): number {
	const names = COMMANDS.map((c) => c.name);
	const guess = suggestNearest(name, names);
	io.stderr(
		`landscape: unknown command '${name}'.${guess ? ` Did you mean '${guess}'?` : ''}\n\n${mainUsage()}`
	);
	return EXIT_USAGE;
}

/** True when this module is the script Node was started with (`node build-cli/landscape.js …`). */
function isEntryPoint(): boolean {
	const script = process.argv[1];
	return script !== undefined && import.meta.url === pathToFileURL(path.resolve(script)).href;
}

if (isEntryPoint()) {
	process.exitCode = await main(process.argv.slice(2));
	// End a PostgreSQL pool's connections (or close the SQLite file) the command opened.
	await closeDatabase();
}
