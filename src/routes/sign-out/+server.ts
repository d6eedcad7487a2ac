import { redirect } from '@sveltejs/kit';
import { clientAddress, secureCookies } from '$lib/server/auth/guard';
import { SESSION_COOKIE } from '$lib/server/auth/sessions';
import { signOut } from '$lib/server/auth/sign-in';
import { getDb } from '$lib/server/context';
import type { RequestHandler } from './$types';

/** Sign out: the session is deleted on the server, not just forgotten by the browser. */
export const POST: RequestHandler = async (event) => {
	const { cookies, locals } = event;
	if (locals.mode === 'local') redirect(303, '/');
	await signOut(getDb(), cookies.get(SESSION_COOKIE), {
		actor: locals.user.name,
		requestId: locals.requestId,
		ip: clientAddress(event)
	});
	cookies.delete(SESSION_COOKIE, { path: '/', secure: secureCookies(event) });
	redirect(303, '/sign-in?signed-out');
};
