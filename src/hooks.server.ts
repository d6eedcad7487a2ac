import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { guard, startupProblem } from '$lib/server/auth/guard';
import { closeDatabase, getDb, initDatabase } from '$lib/server/context';
import { jsonLogs, logJson, requestIdFrom } from '$lib/server/log';
import { applyTileSettings, tileSettings } from '$lib/server/tiles';

/**
 * Open, migrate and (first time only) seed the database before the first request. Shared mode
 * with no admin account refuses to start, saying how to create one.
 */
export const init: ServerInit = async () => {
	const db = await initDatabase();
	// adapter-node emits this once in-flight requests have finished after SIGTERM or SIGINT: end the
	// PostgreSQL pool's connections (or close the SQLite file) cleanly.
	process.once('sveltekit:shutdown', () => void closeDatabase());
	let problem = await startupProblem(db);
	try {
		tileSettings();
	} catch (caught) {
		problem = `Landscape will not start: ${caught instanceof Error ? caught.message : String(caught)}`;
	}
	if (problem) {
		console.error(problem);
		process.exit(1);
	}
};

export const handle: Handle = async ({ event, resolve }) => {
	const started = performance.now();
	event.locals.requestId = requestIdFrom(event.request.headers.get('x-request-id'));
	// Who is asking, whether the policy (src/lib/server/auth/policy.ts) lets them, and the audit entry.
	const response = await guard(getDb(), event, resolve);
	response.headers.set('X-Request-Id', event.locals.requestId);
	if (jsonLogs())
		logJson('info', 'request', {
			requestId: event.locals.requestId,
			method: event.request.method,
			path: event.url.pathname,
			status: response.status,
			ms: Math.round((performance.now() - started) * 10) / 10
		});
	// The map tile server, if LANDSCAPE_TILE_URL names one, is the only other image source allowed.
	applyTileSettings(response);
	response.headers.set('X-Content-Type-Options', 'nosniff');
	response.headers.set('Referrer-Policy', 'same-origin');
	response.headers.set('X-Frame-Options', 'DENY');
	response.headers.set('Cross-Origin-Opener-Policy', 'same-origin');
	response.headers.set(
		'Permissions-Policy',
		'camera=(), microphone=(), geolocation=(), payment=(), usb=()'
	);
	return response;
};

/** Log the detail server-side; show the person a plain message with no stack trace. */
export const handleError: HandleServerError = ({ error, event, status }) => {
	if (status !== 404) {
		if (jsonLogs())
			logJson('error', 'unhandled error', {
				requestId: event.locals.requestId,
				method: event.request.method,
				path: event.url.pathname,
				status,
				error: error instanceof Error ? (error.stack ?? error.message) : String(error)
			});
		else console.error(`Error on ${event.request.method} ${event.url.pathname}:`, error);
	}
	return {
		message: status === 404 ? 'Page not found' : 'Sorry, there is a problem with the service'
	};
};
