import type { FieldError, ImportPreview } from './import-page.server';

/**
 * The page's side of POST /import/run (run/+server.ts): send one file, follow the NDJSON progress
 * lines, and say how it ended. Only used with JavaScript; the forms work without it.
 */

export type ImportPhase = 'reading' | 'checking' | 'writing';

/** One line of the endpoint's answer. */
export type RunMessage =
	| {
			type: 'progress';
			phase: ImportPhase;
			rowsDone: number;
			rowsTotal: number | null;
			rowsPerSecond: number | null;
	  }
	| { type: 'preview'; preview: ImportPreview; errors: FieldError[] }
	| { type: 'imported'; href: string }
	| { type: 'error'; message: string };

export interface RunProgress {
	/** sending: the file is on its way; then the import's phases */
	phase: 'sending' | ImportPhase;
	rowsDone: number;
	rowsTotal: number | null;
	rowsPerSecond: number | null;
}

export type RunOutcome =
	| { outcome: 'preview'; preview: ImportPreview; errors: FieldError[] }
	| { outcome: 'imported'; href: string }
	| { outcome: 'refused'; errors: FieldError[] }
	| { outcome: 'cancelled' };

export interface RunRequest {
	kind: string;
	dataset: string;
	fileName: string;
	mode: 'check' | 'import';
	body: Blob;
	/** for an import: the preview's checksum, and the user's choices */
	sha256?: string;
	onlyValidRows?: boolean;
	confirmed?: boolean;
	signal: AbortSignal;
	onProgress(progress: RunProgress): void;
}

/** Check or import a file through /import/run; resolves however it ends (aborting is 'cancelled'). */
export async function runImport(request: RunRequest): Promise<RunOutcome> {
	const query = new URLSearchParams({
		kind: request.kind,
		dataset: request.dataset,
		file: request.fileName,
		mode: request.mode
	});
	if (request.sha256) query.set('sha256', request.sha256);
	if (request.onlyValidRows) query.set('onlyValidRows', 'yes');
	if (request.confirmed) query.set('confirmed', 'yes');
	request.onProgress({ phase: 'sending', rowsDone: 0, rowsTotal: null, rowsPerSecond: null });
	const failed = (message: string): RunOutcome => ({
		outcome: 'refused',
		errors: [{ field: 'file', message }]
	});
	try {
		const response = await fetch(`/import/run?${query}`, {
			method: 'POST',
			body: request.body,
			// The server reads no body without a content type.
			headers: { 'content-type': request.body.type || 'application/octet-stream' },
			signal: request.signal
		});
		if (!response.ok || !response.body) {
			const answer = (await response.json().catch(() => null)) as { errors?: FieldError[] } | null;
			return answer?.errors?.length
				? { outcome: 'refused', errors: answer.errors }
				: failed(`The file could not be sent (the server answered ${response.status}). Try again`);
		}
		for await (const message of lines(response.body)) {
			if (message.type === 'progress') request.onProgress(message);
			else if (message.type === 'preview')
				return { outcome: 'preview', preview: message.preview, errors: message.errors };
			else if (message.type === 'imported') return { outcome: 'imported', href: message.href };
			else return failed(message.message);
		}
		return failed('The server stopped before it finished. Nothing was saved. Try again');
	} catch (caught) {
		if (request.signal.aborted) return { outcome: 'cancelled' };
		return failed(
			`The connection was lost (${caught instanceof Error ? caught.message : String(caught)}). Try again`
		);
	}
}

/** The NDJSON messages of a response body, as they arrive. */
async function* lines(body: ReadableStream<Uint8Array>): AsyncGenerator<RunMessage> {
	const reader = body.getReader();
	const decoder = new TextDecoder();
	let pending = '';
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		pending += decoder.decode(value, { stream: true });
		let end: number;
		while ((end = pending.indexOf('\n')) !== -1) {
			const line = pending.slice(0, end).trim();
			pending = pending.slice(end + 1);
			if (line) yield JSON.parse(line) as RunMessage;
		}
	}
	if (pending.trim()) yield JSON.parse(pending) as RunMessage;
}

/** A preview's base64 payload as the bytes it stands for (what the confirm step sends back). */
export function payloadBytes(payload: string): Blob {
	const binary = atob(payload);
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return new Blob([bytes]);
}
