// A SECOND server, in shared mode, for tests of people and roles (the one in playwright.config.ts
// runs in local mode): a fresh database, accounts made with the `landscape` command line first
// (shared mode will not start without an admin), run from a private copy of build/ so that others
// rebuilding build/ meanwhile cannot pull chunks from under it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CLI_BUNDLE, ensureCliBuild } from '../../scripts/landscape.js';

const root = path.resolve(import.meta.dirname, '../..');

export interface Person {
	email: string;
	password: string;
	role: 'admin' | 'commissioner' | 'partner' | 'viewer';
	/** region codes, comma-separated (not for admins) */
	regions?: string;
}

export interface SharedServer {
	base: string;
	dbFile: string;
	/** run `npm run landscape -- …` on this server's database */
	landscape(...args: string[]): string;
	stop(): Promise<void>;
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address() as net.AddressInfo;
			probe.close(() => resolve(port));
		});
	});
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
			'--password',
			p.password
		);
	options.prepare?.(landscape);
	// A plain-JS bench helper, loaded by a computed path so svelte-check does not type-check the bench.
	const snapshotModule = path.join(root, 'scripts/bench/snapshot.js');
	const { snapshotBuild } = (await import(snapshotModule)) as {
		snapshotBuild: (root: string) => Promise<{ dir: string; script: string }>;
	};
	const snapshot = await snapshotBuild(root);
	const port = await freePort();
	const base = `http://127.0.0.1:${port}`;
	let log = '';
	const server: ChildProcess = spawn(process.execPath, [snapshot.script], {
		cwd: root,
		env: {
			...process.env,
			PORT: String(port),
			HOST: '127.0.0.1',
			LANDSCAPE_MODE: 'shared',
			LANDSCAPE_DB: dbFile,
			...options.env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	server.stdout?.on('data', (d) => (log += d));
	server.stderr?.on('data', (d) => (log += d));
	const stop = async () => {
		if (server.exitCode === null) {
			const exited = new Promise((r) => server.once('exit', r));
			server.kill('SIGTERM');
			await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
			if (server.exitCode === null) server.kill('SIGKILL');
		}
		fs.rmSync(dir, { recursive: true, force: true });
		fs.rmSync(snapshot.dir, { recursive: true, force: true });
	};
	try {
		for (let i = 0; ; i++) {
			if (server.exitCode !== null) throw new Error(`the shared-mode server exited:\n${log}`);
			if (i === 600) throw new Error(`the shared-mode server did not answer within 60 s:\n${log}`);
			try {
				if ((await fetch(`${base}/healthz`)).ok) break;
			} catch {
				// not listening yet
			}
			await new Promise((r) => setTimeout(r, 100));
		}
	} catch (caught) {
		await stop();
		throw caught;
	}
	return { base, dbFile, landscape, stop };
}
