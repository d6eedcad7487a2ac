// Minimal HTTP client for the bench: loopback only, bounded in time and size.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const MAX_BODY_BYTES = 50 * 1024 * 1024;

/** A free TCP port on 127.0.0.1 (asks the OS for one, then releases it). */
export function freePort() {
	return new Promise((resolve, reject) => {
		const server = http.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/**
 * GET `url` (must be http://127.0.0.1:…) and read the whole body. Resolves with the status, headers,
 * body (Buffer) and `ms`, the time from issuing the request to the end of the body.
 */
export function get(url, { agent = false, timeoutMs = 10_000, accept = '*/*' } = {}) {
	return new Promise((resolve, reject) => {
		const u = new URL(url);
		if (u.protocol !== 'http:' || u.hostname !== '127.0.0.1') {
			reject(new Error(`bench only talks to http://127.0.0.1, refused ${url}`));
			return;
		}
		const started = performance.now();
		const req = http.request(
			{
				host: '127.0.0.1',
				port: u.port,
				path: u.pathname + u.search,
				method: 'GET',
				agent,
				headers: { accept }
			},
			(res) => {
				const chunks = [];
				let size = 0;
				res.on('data', (chunk) => {
					size += chunk.length;
					if (size > MAX_BODY_BYTES)
						req.destroy(new Error(`body of ${url} exceeds ${MAX_BODY_BYTES} bytes`));
					else chunks.push(chunk);
				});
				res.on('end', () =>
					resolve({
						status: res.statusCode,
						headers: res.headers,
						body: Buffer.concat(chunks),
						ms: performance.now() - started
					})
				);
				res.on('error', reject);
			}
		);
		req.setTimeout(timeoutMs, () =>
			req.destroy(new Error(`GET ${url} timed out after ${timeoutMs} ms`))
		);
		req.on('error', reject);
		req.end();
	});
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
