import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateServicesCsv } from '../../../../scripts/bench/services-csv.js';
import { closeDatabase, getDb, initDatabase } from '$lib/server/context';
import { databaseState } from '$lib/server/import/testing';
import { checksumOf } from '$lib/server/import/versioning';
import { describeEachEngine } from '$lib/server/testing/engines';
import type { RunMessage } from '../import-run';
import { POST } from './+server';

/** POST /import/run, as the page sends it. */
function post(
	query: Record<string, string>,
	body: BodyInit | null,
	headers: Record<string, string> = {}
): Promise<Response> {
	const url = new URL(`http://localhost/import/run?${new URLSearchParams(query)}`);
	const request = new Request(url, {
		method: 'POST',
		body,
		headers: { 'content-type': 'text/csv', origin: url.origin, ...headers },
		// @ts-expect-error Node's fetch needs it for a streamed body
		duplex: 'half'
	});
	return POST({ request, url } as Parameters<typeof POST>[0]) as Promise<Response>;
}

const check = { kind: 'services', dataset: 'Endpoint test', file: 'services.csv', mode: 'check' };

async function messages(response: Response): Promise<RunMessage[]> {
	return (await response.text())
		.split('\n')
		.filter(Boolean)
		.map((line) => JSON.parse(line) as RunMessage);
}

describe('POST /import/run: what it refuses before reading a row', () => {
	it('a file over the upload limit, by its declared length: 413 and the limit in MB', async () => {
		const response = await post(check, 'a,b\n', { 'content-length': String(51 * 1024 * 1024) });
		expect(response.status).toBe(413);
		expect(await response.json()).toEqual({
			errors: [{ field: 'file', message: 'The selected file must be smaller than 50 MB' }]
		});
	});

	it('a file over the limit as it arrives (no length declared): 413', async () => {
		const chunk = new Uint8Array(1024 * 1024).fill(97);
		let sent = 0;
		const body = new ReadableStream<Uint8Array>({
			pull(controller) {
				if (sent++ < 51) controller.enqueue(chunk);
				else controller.close();
			}
		});
		const response = await post(check, body);
		expect(response.status).toBe(413);
		expect(JSON.stringify(await response.json())).toContain('smaller than 50 MB');
		expect(sent).toBeLessThanOrEqual(52);
	});

	it.each([
		[{ file: 'notes.txt' }, {}, "The selected file must be a CSV (.csv): 'notes.txt' is not"],
		[{ file: 'x.csv' }, { 'content-type': 'image/png' }, "must be a CSV (.csv): 'x.csv' is not"],
		[{ dataset: '' }, {}, 'Enter a dataset name'],
		[{ file: '' }, {}, 'Select a CSV file to import']
	])('%j %j: 400, %s', async (query, headers, message) => {
		const response = await post({ ...check, ...query }, 'a,b\n', headers);
		expect(response.status).toBe(400);
		expect(JSON.stringify(await response.json())).toContain(message);
	});

	it('a request from another site: 403', async () => {
		const response = await post(check, 'a,b\n', { origin: 'https://elsewhere.example' });
		expect(response.status).toBe(403);
	});

	it('an import of a file other than the one checked (its checksum differs): 400', async () => {
		const response = await post({ ...check, mode: 'import', sha256: 'f'.repeat(64) }, 'a,b\n');
		expect(response.status).toBe(400);
		expect(JSON.stringify(await response.json())).toContain('its checksum differs');
	});
});

describeEachEngine('POST /import/run: checking and importing', (engine) => {
	const rows = 5000;
	const file = generateServicesCsv({ rows, prefix: 'ENDPOINT', startYear: 2040 });
	const sha256 = checksumOf([{ name: 'services.csv', bytes: Buffer.from(file) }]);
	const saved = { DATABASE_URL: process.env.DATABASE_URL, LANDSCAPE_DB: process.env.LANDSCAPE_DB };

	// The app's own database, as the environment names it: a new SQLite file or PostgreSQL database.
	beforeAll(async () => {
		const config = await engine.emptyDatabase();
		if (config.engine === 'postgres') process.env.DATABASE_URL = config.url;
		else {
			delete process.env.DATABASE_URL;
			process.env.LANDSCAPE_DB = config.file;
		}
		await initDatabase();
	}, 120_000);

	afterAll(async () => {
		await closeDatabase();
		for (const [name, value] of Object.entries(saved))
			if (value === undefined) delete process.env[name];
			else process.env[name] = value;
	});

	it(
		'a check streams progress (rows of the counted total, rows a second), then the preview',
		{ timeout: 120_000 },
		async () => {
			const response = await post(check, file);
			expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
			const lines = await messages(response);
			const progress = lines.filter((m) => m.type === 'progress');
			expect(progress[0]).toMatchObject({ phase: 'reading', rowsDone: 0 });
			const checked = progress.filter((p) => p.phase === 'checking').map((p) => p.rowsDone);
			expect(checked.length).toBeGreaterThanOrEqual(3);
			expect(checked[0]).toBeGreaterThanOrEqual(2000);
			expect(checked.at(-1)).toBe(rows);
			expect(progress.at(-1)).toMatchObject({ rowsTotal: rows, rowsPerSecond: expect.any(Number) });
			const last = lines.at(-1)!;
			expect(last.type).toBe('preview');
			if (last.type !== 'preview') return;
			expect(last.preview.summary).toMatchObject({
				status: 'dry-run',
				accepted: rows,
				added: rows
			});
			expect(last.preview.sha256).toBe(sha256);
			expect(last.preview.files).toHaveLength(1);
		}
	);

	it(
		'an import closed part-way (Cancel) writes nothing; left to finish, it imports',
		{ timeout: 120_000 },
		async () => {
			const db = getDb();
			const before = await databaseState(db);
			const cancelled = await post({ ...check, mode: 'import', sha256 }, file);
			const reader = cancelled.body!.getReader();
			const decoder = new TextDecoder();
			let seen = '';
			// Closed once rows are being written, inside the transaction.
			while (!seen.includes('"phase":"writing"')) {
				const { done, value } = await reader.read();
				if (done) break;
				seen += decoder.decode(value, { stream: true });
			}
			expect(seen).toMatch(/"phase":"writing","rowsDone":[2-4]\d{3},/);
			expect(seen).not.toMatch(/"type":"imported"/);
			await reader.cancel();
			// Once the transaction has rolled back, the database is as it was.
			expect(await databaseState(db)).toEqual(before);

			const lines = await messages(await post({ ...check, mode: 'import', sha256 }, file));
			expect(lines.at(-1)).toEqual({
				type: 'imported',
				href: '/data-sources?imported=services-endpoint-test&version=1'
			});
			expect((await databaseState(db)).services).toBe(Number(before.services) + rows);
		}
	);
});
