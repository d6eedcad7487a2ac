import { json } from '@sveltejs/kit';

/**
 * JSON responses for the read API. Every error body is exactly `{ error, detail }`: `error` is the
 * HTTP status in words, `detail` names the parameter at fault and why. SvelteKit's `error()` is not
 * used because its body is `{ message }`, shaped by `handleError`, and 404s render an HTML page.
 */

const ERROR_TITLES = {
	400: 'Bad request',
	403: 'Forbidden',
	404: 'Not found',
	405: 'Method not allowed',
	409: 'Conflict',
	500: 'Internal server error'
} as const;
export type ApiErrorStatus = keyof typeof ERROR_TITLES;

export interface ApiErrorBody {
	error: string;
	detail: string;
}

/** Thrown by API helpers to stop with a client error; `respond` turns it into the JSON body. */
export class ApiError extends Error {
	constructor(
		readonly status: ApiErrorStatus,
		readonly detail: string
	) {
		super(`${status} ${ERROR_TITLES[status]}: ${detail}`);
		this.name = 'ApiError';
	}
}

/** Figures change whenever a dataset is reloaded or edited, so nothing is cached. */
const NO_STORE = { 'cache-control': 'no-store' };

export function errorResponse(
	status: ApiErrorStatus,
	detail: string,
	headers: Record<string, string> = {}
): Response {
	const body: ApiErrorBody = { error: ERROR_TITLES[status], detail };
	return json(body, { status, headers: { ...NO_STORE, ...headers } });
}

/**
 * Run a handler and send its result as JSON, or its `ApiError` as `{ error, detail }`. Anything else
 * is logged and answered with a plain 500, never a stack trace.
 */
export async function respond(run: () => Promise<object>): Promise<Response> {
	try {
		return json(await run(), { headers: NO_STORE });
	} catch (caught) {
		if (caught instanceof ApiError) return errorResponse(caught.status, caught.detail);
		console.error('API error:', caught);
		return errorResponse(500, 'Sorry, there is a problem with the service. Try again later.');
	}
}

/** For any method an endpoint does not serve (the API is read-only). */
export function methodNotAllowed(method: string): Response {
	return errorResponse(405, `method: ${method} is not allowed here. Valid: GET, HEAD`, {
		allow: 'GET, HEAD'
	});
}
