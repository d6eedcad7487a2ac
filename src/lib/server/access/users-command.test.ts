import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BUNDLE, ensureCliBuild } from '../../../../scripts/landscape.js';
import { listAudit } from '../auth/audit';
import { verifyPassword } from '../auth/passwords';
import { peopleTestDb } from '../auth/testing';
import { findAccountByEmail, findPasswordHash } from '../auth/users';
import type { DB } from '../db';
import { EXIT_INVALID_DATA, EXIT_OK, EXIT_USAGE, commandUsage, type CliIo } from './cli-kit';
import { createUsersCommand, parseUsersArgs } from './users-command';
import { DataError, UsageError } from './cli-kit';

const root = path.resolve(import.meta.dirname, '../../../..');

describe('parseUsersArgs', () => {
	it('reads the action and its flags', () => {
		expect(
			parseUsersArgs([
				'add',
				'--email',
				'a@example.org',
				'--role=partner',
				'--regions',
				'N54,N07',
				'--organisation',
				'Durham PCC'
			])
		).toEqual({
			help: false,
			args: {
				action: 'add',
				values: {
					email: 'a@example.org',
					role: 'partner',
					regions: 'N54,N07',
					organisation: 'Durham PCC'
				}
			}
		});
		expect(parseUsersArgs(['list']).args).toEqual({ action: 'list', values: {} });
		expect(parseUsersArgs(['deactivate', '--help']).help).toBe(true);
	});

	it.each([
		[[], /which action\? One of: add, list, set-role, deactivate, reactivate, reset-password/],
		[['dactivate'], /unknown action 'dactivate'. Did you mean 'deactivate'\?/],
		[['add', '--role', 'admin'], /add needs --email: users add --email E --role R/],
		[
			['add', '--email', 'a@example.org', '--role', 'commisioner', '--regions', 'N54'],
			/unknown role 'commisioner'. Did you mean 'commissioner'\?/
		],
		[
			['add', '--email', 'a@example.org', '--role', 'viewer'],
			/a viewer works in one or more regions: add --regions/
		],
		[
			['add', '--email', 'a@example.org', '--role', 'admin', '--regions', 'N54'],
			/an admin works in every region: leave out --regions/
		],
		[['deactivate', '--email', 'a@example.org', '--role', 'admin'], /--role is not for deactivate/],
		[
			['add', '--email', 'a@example.org', '--role', 'partner', '--regions', 'N54'],
			/a partner speaks for an organisation: add --organisation, e\.g\. --organisation "Northumbria PCC"/
		],
		[
			[
				'add',
				'--email',
				'a@example.org',
				'--role',
				'viewer',
				'--regions',
				'N54',
				'--organisation',
				'X'
			],
			/only a partner speaks for an organisation: leave out --organisation for a viewer/
		],
		[['list', '--emial', 'x'], /unknown flag --emial/],
		[['add', '--email'], /--email needs a value/],
		[['add', 'a@example.org'], /unexpected argument 'a@example.org'/]
	])('%j is a usage error', (argv, message) => {
		expect(() => parseUsersArgs(argv)).toThrow(UsageError);
		expect(() => parseUsersArgs(argv)).toThrow(message);
	});
});

describe('landscape users (in process)', () => {
	let db: DB;
	const typed: string[] = [];
	beforeAll(async () => {
		db = await peopleTestDb();
	});
	afterAll(async () => {
		await db.destroy();
	});
	const command = createUsersCommand(
		async () => db,
		async (email) => {
			typed.push(email);
			return 'typed at the prompt';
		}
	);
	/** Like main(): parse, run, map errors to exit codes. */
	async function users(...argv: string[]) {
		const out = { stdout: '', stderr: '' };
		const io: CliIo = {
			stdout: (t) => void (out.stdout += t),
			stderr: (t) => void (out.stderr += t),
			readFile: () => '',
			writeFile: () => undefined
		};
		try {
			const { help, values } = command.parseArgs(argv);
			if (help) out.stdout += commandUsage(command);
			else await command.run(values, io);
			return { code: EXIT_OK, ...out };
		} catch (caught) {
			if (caught instanceof UsageError) return { code: EXIT_USAGE, ...out, stderr: caught.message };
			if (caught instanceof DataError)
				return { code: EXIT_INVALID_DATA, ...out, stderr: caught.message };
			throw caught;
		}
	}

	it('adds the first admin, asking for the password when --password is not given', async () => {
		const r = await users('add', '--role', 'admin', '--email', 'Admin@Example.org');
		expect(r).toMatchObject({
			code: EXIT_OK,
			stdout: 'added admin@example.org: admin, all regions\n'
		});
		expect(typed).toEqual(['admin@example.org']);
		const account = await findAccountByEmail(db, 'admin@example.org');
		expect(
			await verifyPassword('typed at the prompt', (await findPasswordHash(db, account!.id))!)
		).toBe(true);
		const [entry] = (await listAudit(db, { action: 'user.create' })).entries;
		expect(entry?.actor).toMatch(/^command line/);
	});

	it('adds, lists, changes, deactivates and resets, each refusal exiting 1 with the reason', async () => {
		expect(
			await users(
				'add',
				'--email',
				'c@example.org',
				'--role',
				'commissioner',
				'--regions',
				'n54',
				'--password',
				'a long enough password'
			)
		).toMatchObject({
			code: EXIT_OK,
			stdout: 'added c@example.org: commissioner, N54\n'
		});
		expect(
			await users(
				'add',
				'--email',
				'c@example.org',
				'--role',
				'viewer',
				'--regions',
				'N54',
				'--password',
				'a long enough password'
			)
		).toMatchObject({
			code: EXIT_INVALID_DATA,
			stderr: 'There is already an account for c@example.org'
		});
		expect(
			await users(
				'add',
				'--email',
				'x@example.org',
				'--role',
				'viewer',
				'--regions',
				'N99',
				'--password',
				'a long enough password'
			)
		).toMatchObject({
			code: EXIT_INVALID_DATA,
			stderr: expect.stringMatching(
				/^Unknown region code N99\. Valid: N07 \(London\), N54 \(North East\)/
			)
		});
		expect(
			await users(
				'add',
				'--email',
				'x@example.org',
				'--role',
				'viewer',
				'--regions',
				'N54',
				'--password',
				'short'
			)
		).toMatchObject({
			code: EXIT_INVALID_DATA,
			stderr: 'The password must be at least 12 characters long'
		});
		const toPartner = (...organisation: string[]) =>
			users(
				'set-role',
				'--email',
				'c@example.org',
				'--role',
				'partner',
				'--regions',
				'N07,N54',
				...organisation
			);
		expect(await toPartner()).toMatchObject({
			code: EXIT_INVALID_DATA,
			stderr: expect.stringMatching(/^A partner needs an organisation/)
		});
		expect(await toPartner('--organisation', 'Durham PCC')).toMatchObject({
			code: EXIT_OK,
			stdout: 'c@example.org: partner for Durham PCC, N07, N54 (was commissioner, N54)\n'
		});
		expect(
			await users('set-role', '--email', 'nobody@example.org', '--role', 'admin')
		).toMatchObject({
			code: EXIT_INVALID_DATA,
			stderr: 'there is no account for nobody@example.org: see npm run landscape -- users list'
		});
		expect(await users('deactivate', '--email', 'admin@example.org')).toMatchObject({
			code: EXIT_INVALID_DATA,
			stderr: 'admin@example.org is the only active admin: make someone else an admin first'
		});
		expect(await users('deactivate', '--email', 'c@example.org')).toMatchObject({
			code: EXIT_OK,
			stdout: 'deactivated c@example.org: signed out everywhere\n'
		});
		expect(await users('deactivate', '--email', 'c@example.org')).toMatchObject({
			code: EXIT_OK,
			stdout: 'c@example.org was already deactivated\n'
		});
		expect(await users('reactivate', '--email', 'c@example.org')).toMatchObject({
			code: EXIT_OK,
			stdout: 'reactivated c@example.org\n'
		});
		const reset = await users('reset-password', '--email', 'c@example.org');
		const oneTime = /one-time password for c@example.org: (\S+)/.exec(reset.stdout)?.[1];
		expect(oneTime).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
		const account = await findAccountByEmail(db, 'c@example.org');
		expect(account?.mustChangePassword).toBe(true);
		expect(await verifyPassword(oneTime!, (await findPasswordHash(db, account!.id))!)).toBe(true);
		const list = await users('list');
		expect(list.stdout.split('\n')[0]).toMatch(
			/^email\s+role\s+organisation\s+regions\s+status\s+last sign-in \(UTC\)$/
		);
		expect(list.stdout).toMatch(/admin@example\.org\s+admin\s+all\s+active\s+never/);
		expect(list.stdout).toMatch(
			/c@example\.org\s+partner\s+Durham PCC\s+N07,N54\s+one-time password\s+never/
		);
		const actions = (await listAudit(db, { action: 'user' })).entries
			.map((e) => e.action)
			.reverse();
		expect(actions).toEqual([
			'user.create',
			'user.create',
			'user.role',
			'user.deactivate',
			'user.reactivate',
			'user.reset-password'
		]);
	});
});

describe('landscape users (the built command line)', () => {
	let dir: string;
	beforeAll(() => {
		ensureCliBuild();
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landscape-users-cli-'));
	}, 300_000);
	afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

	const run = (input: string | undefined, ...args: string[]) =>
		spawnSync(process.execPath, [CLI_BUNDLE, 'users', ...args], {
			cwd: root,
			encoding: 'utf8',
			timeout: 120_000,
			input,
			env: { ...process.env, LANDSCAPE_DB: path.join(dir, 'landscape.db') }
		});

	it('reads the password from standard input when it is not a terminal, and never prints it', () => {
		const added = run(
			'piped password 123\n',
			'add',
			'--role',
			'admin',
			'--email',
			'ops@example.org'
		);
		expect(added.stderr).not.toContain('piped password 123');
		expect(added.stdout).toBe('added ops@example.org: admin, all regions\n');
		expect(added.status).toBe(EXIT_OK);
		const empty = run(
			'',
			'add',
			'--role',
			'viewer',
			'--regions',
			'N54',
			'--email',
			'v@example.org'
		);
		expect(empty.status).toBe(EXIT_INVALID_DATA);
		expect(empty.stderr).toContain(
			'no password on standard input: give one line, or use --password'
		);
		const usage = run(undefined, 'add', '--role', 'viewer', '--email', 'v@example.org');
		expect(usage.status).toBe(EXIT_USAGE);
		expect(usage.stderr).toContain('a viewer works in one or more regions');
		expect(run(undefined, 'list').stdout).toMatch(/ops@example\.org\s+admin/);
	}, 120_000);
});
