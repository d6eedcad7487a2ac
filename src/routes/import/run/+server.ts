import path from 'node:path';
import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/context';
import { ImportCancelled, type ImportFile } from '$lib/server/import/types';
import { checksumOf } from '$lib/server/import/versioning';
import type { RequestHandler } from './$types';
import {
	CHANGED_FILE_MESSAGE,
	MB,
	datasetProblem,
	importedHref,
	kindOf,
	notImportedMessage,
	toPreview,
	tooBig,
	uploadLimitMb,
	uploadProblems,
	type FieldError
} from '../import-page.server';
import type { RunMessage } from '../import-run';

/**
 * POST /import/run?kind=&dataset=&file=&mode=check|import[&sha256=&onlyValidRows=yes&confirmed=yes]
 * with one file as the request body: the Import data page's way, with JavaScript, to check or
 * import a file with a progress bar. The answer streams NDJSON, one message a line:
 * `{type: 'progress', phase, rowsDone, rowsTotal, rowsPerSecond}` as rows are read, then one of
 * `{type: 'preview', preview, errors}` (a check, or an import that wrote nothing),
 * `{type: 'imported', href}` (go to the data sources page) or `{type: 'error', message}`.
 * A request the page cannot act on (wrong file type, too big, no dataset name) gets 4xx and
 * `{errors: FieldError[]}`. Closing the request (the page's Cancel) cancels the import: nothing is
 * written. An import re-sends the file the preview checked; its sha256 must match.
 */

const refuse = (status: number, errors: FieldError[]) => json({ errors }, { status });

export const POST: RequestHandler = async ({ request, url }) => {
	// Only this site's pages may start an import (form posts get SvelteKit's check; this is no form).
	const origin = request.headers.get('origin');
	if (origin !== null && origin !== url.origin)
		return refuse(403, [{ field: 'file', message: 'Imports must be started from this site' }]);

	const q = url.searchParams;
	const importer = kindOf(q.get('kind'));
	const datasetName = (q.get('dataset') ?? '').trim();
	const fileName = path.basename(q.get('file') ?? '');
	const mode = q.get('mode') === 'import' ? 'import' : 'check';
	const declared = Number(request.headers.get('content-length') ?? NaN);
	const errors = uploadProblems(
		importer,
		fileName
			? [
					{
						name: fileName,
						type: request.headers.get('content-type') ?? '',
						size: Number.isFinite(declared) ? declared : 0
					}
				]
			: []
	);
	const datasetError = datasetProblem(importer, datasetName);
	if (datasetError) errors.push({ field: 'dataset', message: datasetError });
	if (errors.length > 0)
		return refuse(errors.some((e) => e.message === tooBig().message) ? 413 : 400, errors);

	const bytes = await readBody(request, uploadLimitMb() * MB);
	if (bytes === 'too big') return refuse(413, [tooBig()]);
	if (bytes === null)
		return refuse(400, [{ field: 'file', message: 'The file did not arrive whole. Try again' }]);
	if (bytes.byteLength === 0)
		return refuse(400, [{ field: 'file', message: 'The selected file is empty' }]);
	const files: ImportFile[] = [{ name: fileName, bytes }];
	if (mode === 'import' && checksumOf(files) !== q.get('sha256'))
		return refuse(400, [{ field: 'file', message: CHANGED_FILE_MESSAGE }]);

	// Cancelled when the request is aborted during the upload, or the response is closed after it.
	const cancel = new AbortController();
	request.signal.addEventListener('abort', () => cancel.abort(), { once: true });
	const encoder = new TextEncoder();
	const body = new ReadableStream<Uint8Array>({
		async start(controller) {
			const send = (message: RunMessage) => {
				try {
					controller.enqueue(encoder.encode(`${JSON.stringify(message)}\n`));
				} catch {
					// closed: the page has gone
				}
			};
			let started: number | null = null;
			try {
				const summary = await importer.run(getDb(), files, {
					fileName,
					datasetName,
					dryRun: mode === 'check',
					onlyValidRows: q.get('onlyValidRows') === 'yes',
					confirmed: q.get('confirmed') === 'yes',
					createdBy: 'web import',
					signal: cancel.signal,
					onProgress(progress) {
						started ??= performance.now();
						const seconds = (performance.now() - started) / 1000;
						send({
							type: 'progress',
							...progress,
							rowsPerSecond:
								progress.rowsDone > 0 && seconds > 0
									? Math.round(progress.rowsDone / seconds)
									: null
						});
					}
				});
				if (mode === 'import' && (summary.status === 'imported' || summary.status === 'unchanged'))
					send({ type: 'imported', href: importedHref(summary) });
				else
					send({
						type: 'preview',
						preview: toPreview(summary, fileName, datasetName, files),
						errors:
							mode === 'import' ? [{ field: 'confirm', message: notImportedMessage(summary) }] : []
					});
			} catch (caught) {
				if (!(caught instanceof ImportCancelled)) {
					console.error('Import failed:', caught);
					send({
						type: 'error',
						message: `The file could not be ${mode === 'import' ? 'imported' : 'checked'}: ${caught instanceof Error ? caught.message : String(caught)}. Nothing was saved`
					});
				}
			}
			try {
				controller.close();
			} catch {
				// already cancelled
			}
		},
		cancel() {
			cancel.abort();
		}
	});
	return new Response(body, {
		headers: {
			'content-type': 'application/x-ndjson; charset=utf-8',
			'cache-control': 'no-store',
			'x-content-type-options': 'nosniff'
		}
	});
};

/** The request body, unless it is over `limit` bytes; null when it did not arrive whole. */
async function readBody(request: Request, limit: number): Promise<Uint8Array | 'too big' | null> {
	if (!request.body) return new Uint8Array();
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			size += value.byteLength;
			if (size > limit) {
				await reader.cancel();
				return 'too big';
			}
			chunks.push(value);
		}
	} catch (caught) {
		// adapter-node refuses a body over BODY_SIZE_LIMIT with a 413 error
		if ((caught as { status?: number }).status === 413) return 'too big';
		return null;
	}
	const bytes = new Uint8Array(size);
	let at = 0;
	for (const c of chunks) {
		bytes.set(c, at);
		at += c.byteLength;
	}
	return bytes;
}
