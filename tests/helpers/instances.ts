// App instances for end-to-end tests that need servers of their own (several sharing one database,
// shared mode, one killed mid-request), started as `npm start` starts one: scripts/start.js from a
// private copy of build/ (others may rebuild build/ while the tests run), cwd the project root.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';

const root = path.resolve(import.meta.dirname, '..', '..');

export interface Instance {
	base: string;
	child: ChildProcess;
	/** what it printed so far (for error messages) */
	log(): string;
}

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address() as net.AddressInfo;
			probe.close(() => resolve(port));
		});
	});
}

/** A private copy of build/ with scripts/start.js; `remove` deletes it. */
export async function buildSnapshot(): Promise<{ script: string; remove(): void }> {
	// A plain-JS bench helper, loaded by a computed path so svelte-check does not type-check the bench.
	const snapshotModule = path.join(root, 'scripts/bench/snapshot.js');
	const { snapshotBuild } = (await import(snapshotModule)) as {
		snapshotBuild: (root: string) => Promise<{ dir: string; script: string }>;
	};
	const copy = await snapshotBuild(root);
	return {
		script: copy.script,
		remove: () => fs.rmSync(copy.dir, { recursive: true, force: true })
	};
}

/** Start an instance with `env` (added to this process's) and wait until /readyz answers 200. */
export async function startInstance(
	script: string,
	env: Record<string, string>
): Promise<Instance> {
	const port = await freePort();
	const base = `http://127.0.0.1:${port}`;
	let log = '';
	const child = spawn(process.execPath, [script], {
		cwd: root,
		env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stdout?.on('data', (d) => (log += d));
	child.stderr?.on('data', (d) => (log += d));
	for (let i = 0; i < 1200; i++) {
		if (child.exitCode !== null || child.signalCode !== null)
			throw new Error(`the instance exited (${child.exitCode ?? child.signalCode}):\n${log}`);
		const ready = await fetch(`${base}/readyz`).catch(() => null);
		if (ready?.ok) return { base, child, log: () => log };
		await new Promise((r) => setTimeout(r, 100));
	}
	child.kill('SIGKILL');
	throw new Error(`the instance was not ready within 120 s:\n${log}`);
}

/** SIGTERM, then SIGKILL after 5 s. */
export async function stopInstance(instance: Instance | undefined): Promise<void> {
	const child = instance?.child;
	if (!child || child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((r) => child.once('exit', r));
	child.kill('SIGTERM');
	await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
	if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

export { createPostgresDatabase, postgresProblem } from '../../scripts/bench/postgres.js';

/** Run one query on a database (a URL) and return its rows. */
export async function queryPostgres<T>(
	url: string,
	text: string,
	values: unknown[] = []
): Promise<T[]> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		return (await client.query(text, values)).rows as T[];
	} finally {
		await client.end();
	}
}
