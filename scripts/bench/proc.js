// Child-process and temporary-directory bookkeeping for the bench: every server it starts and every
// temporary database directory it makes is tracked here, and removed on any exit path.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const children = new Set();
const tempDirs = new Set();
const MAX_LOG_CHARS = 64 * 1024;

/** The last `chars` characters of a child's log, for error messages. */
export function logTail(child, chars = 1500) {
	const text = child.log.trimEnd();
	return text.length > chars ? `…${text.slice(-chars)}` : text;
}

/** True while the child has neither exited nor been killed by a signal. */
export function isAlive(child) {
	return child.exitCode === null && child.signalCode === null;
}

/** A fresh directory in os.tmpdir() (removed by `removeTempDir` or at exit). */
export function makeTempDir(prefix = 'landscape-bench-') {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	tempDirs.add(dir);
	return dir;
}

export function removeTempDir(dir) {
	fs.rmSync(dir, { recursive: true, force: true });
	tempDirs.delete(dir);
}

/**
 * Spawn `node <script>` (scripts/start.js) in `cwd`, bound to 127.0.0.1:port with LANDSCAPE_DB=db.
 * Its stdout and stderr are kept (bounded) in `child.log` for error messages and for reading the
 * seeding time. `env` adds to (or, with undefined values, removes from) the environment.
 */
export function spawnServer({ cwd, script, port, db, env = {} }) {
	const child = spawn(process.execPath, [script], {
		cwd,
		env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LANDSCAPE_DB: db, ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	children.add(child);
	child.log = '';
	const keep = (chunk) => {
		if (child.log.length < MAX_LOG_CHARS) child.log += chunk.toString('utf8');
	};
	child.stdout.on('data', keep);
	child.stderr.on('data', keep);
	child.on('error', (err) => {
		child.spawnError = err;
	});
	child.once('exit', () => children.delete(child));
	return child;
}

/** Resolve true once the child has exited, or false after `ms`. */
export function waitForExit(child, ms) {
	if (!isAlive(child)) return Promise.resolve(true);
	return new Promise((resolve) => {
		const timer = setTimeout(() => {
			child.off('exit', onExit);
			resolve(false);
		}, ms);
		const onExit = () => {
			clearTimeout(timer);
			resolve(true);
		};
		child.once('exit', onExit);
	});
}

/** SIGTERM, then SIGKILL if the child is still alive 2 s later. */
export async function stopServer(child) {
	if (!child || !isAlive(child)) return;
	child.kill('SIGTERM');
	if (await waitForExit(child, 2000)) return;
	child.kill('SIGKILL');
	await waitForExit(child, 2000);
}

/** Synchronous last-resort cleanup, safe to call from a process 'exit' handler. */
export function cleanupSync() {
	for (const child of children) {
		try {
			if (isAlive(child)) child.kill('SIGKILL');
		} catch {
			/* already gone */
		}
	}
	children.clear();
	for (const dir of tempDirs) {
		try {
			fs.rmSync(dir, { recursive: true, force: true });
		} catch {
			/* best effort */
		}
	}
	tempDirs.clear();
}

let installed = false;
/** Kill children and remove temporary directories however the bench ends. */
export function installCleanupHandlers() {
	if (installed) return;
	installed = true;
	process.on('exit', cleanupSync);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		process.on(signal, () => {
			cleanupSync();
			process.exit(130);
		});
	}
	process.on('uncaughtException', (err) => {
		console.error('bench: fatal error:', err);
		cleanupSync();
		process.exit(1);
	});
	process.on('unhandledRejection', (err) => {
		console.error('bench: fatal unhandled rejection:', err);
		cleanupSync();
		process.exit(1);
	});
}
