// A SECOND server, in shared mode, for tests of people and roles (the one in playwright.config.ts
// runs in local mode): a fresh database, accounts made with the `landscape` command line first
// (shared mode will not start without an admin), run from a private copy of build/ so that others
// rebuilding build/ meanwhile cannot pull chunks from under it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, type Browser, type Page } from '@playwright/test';
import { CLI_BUNDLE, ensureCliBuild } from '../../scripts/landscape.js';
import { buildSnapshot, startInstance, stopInstance, type Instance } from './instances';

const root = path.resolve(import.meta.dirname, '../..');

export interface Person {
	email: string;
	password: string;
	role: 'admin' | 'commissioner' | 'partner' | 'viewer';
	/** region codes, comma-separated (not for admins) */
	regions?: string;
	/** partners: the organisation they speak for */
	organisation?: string;
}

export interface SharedServer {
	base: string;
	dbFile: string;
	/** scripts/start.js of the build copy it runs from, to start another server the same way */
	script: string;
	/** run `npm run landscape -- …` on this server's database */
	landscape(...args: string[]): string;
	stop(): Promise<void>;
}

/**
 * Start a shared-mode server with `people`'s accounts, after `prepare` has run commands on its
 * database (imports, say); `env` is added to the server's environment.
 */
export async function startSharedServer(options: {
	people: readonly Person[];
	prepare?: (landscape: SharedServer['landscape']) => void;
	env?: Record<string, string>;
}): Promise<SharedServer> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landscape-shared-e2e-'));
	const dbFile = path.join(dir, 'landscape.db');
	ensureCliBuild();
	const landscape = (...args: string[]) => {
		const result = spawnSync(process.execPath, [CLI_BUNDLE, ...args], {
			cwd: root,
			encoding: 'utf8',
			timeout: 120_000,
			env: { ...process.env, LANDSCAPE_DB: dbFile }
		});
		if (result.status !== 0)
			throw new Error(`landscape ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
		return result.stdout;
	};
	for (const p of options.people)
		landscape(
			'users',
			'add',
			'--email',
			p.email,
			'--role',
			p.role,
			...(p.regions ? ['--regions', p.regions] : []),
			...(p.organisation ? ['--organisation', p.organisation] : []),
			'--password',
			p.password
		);
	options.prepare?.(landscape);
	const snapshot = await buildSnapshot();
	let server: Instance | undefined;
	const stop = async () => {
		await stopInstance(server);
		fs.rmSync(dir, { recursive: true, force: true });
		snapshot.remove();
	};
	try {
		server = await startInstance(snapshot.script, {
			LANDSCAPE_MODE: 'shared',
			LANDSCAPE_DB: dbFile,
			...options.env
		});
	} catch (caught) {
		await stop();
		throw caught;
	}
	const { base } = server;
	return { base, dbFile, script: snapshot.script, landscape, stop };
}

/**
 * A new browser context signed in as `person` through the sign-in page (the way a person does it),
 * optionally with JavaScript off.
 */
export async function signedIn(
	browser: Browser,
	base: string,
	person: Pick<Person, 'email' | 'password'>,
	javaScript = true
): Promise<Page> {
	const context = await browser.newContext({ baseURL: base, javaScriptEnabled: javaScript });
	const page = await context.newPage();
	await page.goto('/sign-in');
	await page.getByLabel('Email address').fill(person.email);
	await page.getByLabel('Password').fill(person.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	// Hashing at the chosen scrypt cost takes a few hundred ms, more on a loaded machine.
	await expect(page).not.toHaveURL(/\/sign-in/, { timeout: 20_000 });
	return page;
}
