import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { initDatabase } from '$lib/server/context';

/** Open, migrate and (first time only) seed the database before the first request. */
export const init: ServerInit = async () => {
	await initDatabase();
};

/** In local mode (the only mode so far) one person uses Landscape, as its administrator. */
export const LOCAL_USER = { name: 'local administrator' };

export const handle: Handle = async ({ event, resolve }) => {
	event.locals.user = LOCAL_USER;
	const response = await resolve(event);
	response.headers.set('X-Content-Type-Options', 'nosniff');
	response.headers.set('Referrer-Policy', 'same-origin');
	response.headers.set('X-Frame-Options', 'DENY');
	return response;
};

/** Log the detail server-side; show the person a plain message with no stack trace. */
export const handleError: HandleServerError = ({ error, event, status }) => {
	if (status !== 404)
		console.error(`Error on ${event.request.method} ${event.url.pathname}:`, error);
	return {
		message: status === 404 ? 'Page not found' : 'Sorry, there is a problem with the service'
	};
};
