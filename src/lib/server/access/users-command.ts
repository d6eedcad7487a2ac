import os from 'node:os';
import readline from 'node:readline';
import { suggestNearest } from '../api/suggest';
import { ROLES, ROLE_DESCRIPTIONS, isRole, type Role } from '../auth/roles';
import { generateOneTimePassword } from '../auth/passwords';
import {
	AccountError,
	createAccount,
	findAccountByEmail,
	listAccounts,
	normaliseEmail,
	setAccountActive,
	setAccountPassword,
	setAccountRole,
	type Account
} from '../auth/users';
import { initDatabase } from '../context';
import type { DB } from '../db';
import { DataError, UsageError, type CliCommand, type CliIo } from './cli-kit';

/**
 * `landscape users`: accounts for shared mode, from the command line: the first admin (shared
 * mode will not start without one), and everything the People page does. Every change is in the
 * audit log, by "command line (<OS user>)".
 */

const ACTIONS = ['add', 'list', 'set-role', 'deactivate', 'reactivate', 'reset-password'] as const;
type Action = (typeof ACTIONS)[number];

const FLAGS = [
	{ name: 'email', value: 'EMAIL', description: 'the account' },
	{ name: 'role', value: 'ROLE', description: `add, set-role: ${ROLES.join(', ')}` },
	{
		name: 'regions',
		value: 'CODES',
		description: 'add, set-role: region codes, comma-separated (e.g. N54,N07); not for admins'
	},
	{
		name: 'organisation',
		value: 'NAME',
		description:
			'add, set-role: partners only, the organisation they speak for, as their co-commissioning contributions name it (e.g. "Northumbria PCC")'
	},
	{
		name: 'password',
		value: 'PASSWORD',
		description:
			'add, reset-password: the password (at least 12 characters). add asks for it when not given; reset-password makes a one-time password'
	}
] as const;
type Flag = (typeof FLAGS)[number]['name'];

const SYNOPSES: Record<Action, string> = {
	add: 'users add --email E --role R [--regions N54,N07] [--organisation NAME] [--password P]',
	list: 'users list',
	'set-role': 'users set-role --email E --role R [--regions N54,N07] [--organisation NAME]',
	deactivate: 'users deactivate --email E',
	reactivate: 'users reactivate --email E',
	'reset-password': 'users reset-password --email E [--password P]'
};

/** Flags each action takes, and must have. */
const TAKES: Record<Action, { allowed: Flag[]; required: Flag[] }> = {
	add: {
		allowed: ['email', 'role', 'regions', 'organisation', 'password'],
		required: ['email', 'role']
	},
	list: { allowed: [], required: [] },
	'set-role': {
		allowed: ['email', 'role', 'regions', 'organisation'],
		required: ['email', 'role']
	},
	deactivate: { allowed: ['email'], required: ['email'] },
	reactivate: { allowed: ['email'], required: ['email'] },
	'reset-password': { allowed: ['email', 'password'], required: ['email'] }
};

const DETAILS = [
	'Actions:',
	...ACTIONS.map((a) => `  ${SYNOPSES[a]}`),
	'',
	'Roles:',
	...ROLES.map((r) => `  ${r.padEnd(13)}${ROLE_DESCRIPTIONS[r]}`),
	'',
	'add without --password asks for it (hidden) on a terminal, or reads one line from standard',
	'input. reset-password without --password prints a one-time password to hand over; it must be',
	'changed at the next sign-in. deactivate signs the person out everywhere. Shared mode will not',
	'start until there is an active admin:',
	'  npm run landscape -- users add --role admin --email you@example.org',
	'Exit status: 0 done, 1 refused (e.g. an email already taken), 2 wrong usage.'
].join('\n');

export interface UsersArgs {
	action: Action;
	values: Partial<Record<Flag, string>>;
}

/** Parse `users <action> [flags]` (the arguments after `users`); throws UsageError. */
export function parseUsersArgs(argv: readonly string[]): { help: boolean; args?: UsersArgs } {
	if (argv.some((a) => a === '-h' || a === '--help')) return { help: true };
	const [action, ...rest] = argv;
	if (action === undefined || action.startsWith('--'))
		throw new UsageError(`which action? One of: ${ACTIONS.join(', ')}`);
	if (!(ACTIONS as readonly string[]).includes(action)) {
		const guess = suggestNearest(action, ACTIONS);
		throw new UsageError(
			`unknown action '${action}'.${guess ? ` Did you mean '${guess}'?` : ''} One of: ${ACTIONS.join(', ')}`
		);
	}
	const act = action as Action;
	const { allowed, required } = TAKES[act];
	const values: Partial<Record<Flag, string>> = {};
	for (let i = 0; i < rest.length; i++) {
		const arg = rest[i]!;
		if (!arg.startsWith('--'))
			throw new UsageError(`unexpected argument '${arg}': ${SYNOPSES[act]}`);
		const eq = arg.indexOf('=');
		const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
		if (!(allowed as string[]).includes(name)) {
			const known = FLAGS.some((f) => f.name === name);
			const guess = known ? undefined : suggestNearest(name, allowed);
			throw new UsageError(
				known
					? `--${name} is not for ${act}: ${SYNOPSES[act]}`
					: `unknown flag --${name}.${guess ? ` Did you mean --${guess}?` : ''} ${SYNOPSES[act]}`
			);
		}
		if (name in values) throw new UsageError(`--${name} is given twice; give it once`);
		const value =
			eq !== -1 ? arg.slice(eq + 1) : rest[i + 1]?.startsWith('--') ? undefined : rest[++i];
		if (value === undefined || value.trim() === '')
			throw new UsageError(`--${name} needs a value: ${SYNOPSES[act]}`);
		values[name as Flag] = value;
	}
	const missing = required.filter((f) => !(f in values));
	if (missing.length)
		throw new UsageError(
			`${act} needs ${missing.map((f) => `--${f}`).join(' and ')}: ${SYNOPSES[act]}`
		);
	if (values.role !== undefined && !isRole(values.role)) {
		const guess = suggestNearest(values.role, ROLES);
		throw new UsageError(
			`unknown role '${values.role}'.${guess ? ` Did you mean '${guess}'?` : ''} One of: ${ROLES.join(', ')}`
		);
	}
	if (values.role !== undefined && values.role !== 'partner' && values.organisation !== undefined)
		throw new UsageError(
			`only a partner speaks for an organisation: leave out --organisation for a ${values.role}`
		);
	if (act === 'add' && values.role === 'partner' && values.organisation === undefined)
		throw new UsageError(
			'a partner speaks for an organisation: add --organisation, e.g. --organisation "Northumbria PCC"'
		);
	if (values.role === 'admin' && values.regions !== undefined)
		throw new UsageError('an admin works in every region: leave out --regions');
	if (values.role !== undefined && values.role !== 'admin' && values.regions === undefined)
		throw new UsageError(
			`a ${values.role} works in one or more regions: add --regions, e.g. --regions N54,N07`
		);
	return { help: false, args: { action: act, values } };
}

/** Gets a new password for `email` when --password is not given. */
export type PasswordReader = (email: string) => Promise<string>;

/** One line of standard input (a pipe or a file), without its line ending. */
function readLine(stdin: NodeJS.ReadStream): Promise<string> {
	return new Promise((resolve, reject) => {
		const rl = readline.createInterface({ input: stdin, terminal: false });
		let done = false;
		rl.once('line', (line) => {
			done = true;
			rl.close();
			resolve(line.replace(/\r$/, ''));
		});
		rl.once('close', () => {
			if (!done)
				reject(new DataError(['no password on standard input: give one line, or use --password']));
		});
	});
}

/** Typing on a terminal, echoing nothing (raw mode, keypress by keypress via node:readline). */
function readHidden(stdin: NodeJS.ReadStream, prompt: string): Promise<string> {
	return new Promise((resolve, reject) => {
		process.stderr.write(prompt);
		readline.emitKeypressEvents(stdin);
		stdin.setRawMode(true);
		stdin.resume();
		let typed = '';
		const finish = (error?: Error) => {
			stdin.off('keypress', onKey);
			stdin.setRawMode(false);
			stdin.pause();
			process.stderr.write('\n');
			if (error) reject(error);
			else resolve(typed);
		};
		const onKey = (
			text: string | undefined,
			key: { name?: string; ctrl?: boolean } | undefined
		) => {
			if (key?.ctrl && (key.name === 'c' || key.name === 'd'))
				return finish(new UsageError('cancelled: no password given'));
			if (key?.name === 'return' || key?.name === 'enter') return finish();
			if (key?.name === 'backspace') typed = typed.slice(0, -1);
			else if (text && !key?.ctrl) typed += text;
		};
		stdin.on('keypress', onKey);
	});
}

/** The real reader: on a terminal, asked twice with hidden typing; otherwise one line of stdin. */
export const readPasswordFromStdin: PasswordReader = async (email) => {
	const stdin = process.stdin;
	if (!stdin.isTTY) return readLine(stdin);
	const password = await readHidden(stdin, `Password for ${email}: `);
	const again = await readHidden(stdin, 'The same password again: ');
	if (again !== password) throw new DataError(['the two passwords differ: nothing was saved']);
	return password;
};

const cliActor = () => {
	let who = '';
	try {
		who = os.userInfo().username;
	} catch {
		who = '';
	}
	return { actor: who ? `command line (${who})` : 'command line' };
};

function describe(a: Account): string {
	const regions = a.role === 'admin' ? 'all regions' : a.regions.join(', ');
	const organisation = a.organisation ? ` for ${a.organisation}` : '';
	return `${a.email}: ${a.role}${organisation}, ${regions}${a.active ? '' : ', deactivated'}`;
}

async function mustFind(db: DB, email: string): Promise<Account> {
	const account = await findAccountByEmail(db, normaliseEmail(email));
	if (!account)
		throw new DataError([
			`there is no account for ${email.trim().toLowerCase()}: see npm run landscape -- users list`
		]);
	return account;
}

async function run(db: DB, { action, values }: UsersArgs, io: CliIo, readPassword: PasswordReader) {
	const by = cliActor();
	const print = (lines: readonly string[]) => io.stdout(`${lines.join('\n')}\n`);
	switch (action) {
		case 'list': {
			const accounts = await listAccounts(db);
			if (!accounts.length) return print(['no accounts yet']);
			const rows = [
				['email', 'role', 'organisation', 'regions', 'status', 'last sign-in (UTC)'],
				...accounts.map((a) => [
					a.email,
					a.role,
					a.organisation ?? '',
					a.role === 'admin' ? 'all' : a.regions.join(','),
					!a.active ? 'deactivated' : a.mustChangePassword ? 'one-time password' : 'active',
					a.lastSignInAt ? a.lastSignInAt.slice(0, 16).replace('T', ' ') : 'never'
				])
			];
			const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
			return print(
				rows.map((r) =>
					r
						.map((c, i) => c.padEnd(widths[i]!))
						.join('  ')
						.trimEnd()
				)
			);
		}
		case 'add': {
			const email = normaliseEmail(values.email!);
			const password = values.password ?? (await readPassword(email));
			const account = await createAccount(
				db,
				{
					email,
					role: values.role as Role,
					regions: values.regions ?? [],
					organisation: values.organisation ?? null,
					password,
					mustChangePassword: false
				},
				by
			);
			return print([`added ${describe(account)}`]);
		}
		case 'set-role': {
			const account = await mustFind(db, values.email!);
			const changed = await setAccountRole(
				db,
				account.id,
				values.role as Role,
				values.regions ?? [],
				by,
				values.organisation
			);
			return print([
				`${describe(changed)} (was ${account.role}${account.role === 'admin' ? '' : `, ${account.regions.join(', ')}`})`
			]);
		}
		case 'deactivate':
		case 'reactivate': {
			const account = await mustFind(db, values.email!);
			const changed = await setAccountActive(db, account.id, action === 'reactivate', by);
			return print([
				account.active === changed.active
					? `${changed.email} was already ${changed.active ? 'active' : 'deactivated'}`
					: `${action}d ${changed.email}${changed.active ? '' : ': signed out everywhere'}`
			]);
		}
		case 'reset-password': {
			const account = await mustFind(db, values.email!);
			const oneTime = values.password === undefined;
			const password = values.password ?? generateOneTimePassword();
			await setAccountPassword(db, account.id, password, oneTime, by);
			return print(
				oneTime
					? [
							`one-time password for ${account.email}: ${password}`,
							'hand it over in person or by phone; it must be changed at the next sign-in'
						]
					: [`password set for ${account.email}; signed out everywhere`]
			);
		}
	}
}

/** `landscape users`, on the database `openDb` opens (the app's by default). */
export function createUsersCommand(
	openDb: () => Promise<DB> = initDatabase,
	readPassword: PasswordReader = readPasswordFromStdin
) {
	return {
		name: 'users',
		summary:
			'Accounts for shared mode: add, list, set-role, deactivate, reactivate, reset-password',
		flags: FLAGS,
		details: DETAILS,
		parseArgs(argv: readonly string[]): { help: boolean; values: Record<string, string> } {
			const { help, args } = parseUsersArgs(argv);
			if (help || !args) return { help: true, values: {} };
			return { help: false, values: { action: args.action, ...args.values } };
		},
		async run(values: Readonly<Record<string, string>>, io: CliIo): Promise<void> {
			const { action, ...flags } = values;
			const args = parseUsersArgs([
				action ?? '',
				...Object.entries(flags).map(([k, v]) => `--${k}=${v}`)
			]).args!;
			const db = await openDb();
			try {
				await run(db, args, io, readPassword);
			} catch (caught) {
				if (caught instanceof AccountError) throw new DataError([caught.message]);
				throw caught;
			}
		}
	} satisfies CliCommand & { parseArgs: unknown };
}

/** `landscape users` on the app's database. */
export const usersCommand = createUsersCommand();
