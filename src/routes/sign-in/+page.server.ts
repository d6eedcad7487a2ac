import { fail, redirect } from '@sveltejs/kit';
import { readSignInForm, safeNext, fieldErrors } from '$lib/server/auth/forms';
import { clientAddress, secureCookies } from '$lib/server/auth/guard';
import { ROLE_DESCRIPTIONS } from '$lib/server/auth/roles';
import { SESSION_COOKIE, deleteSession, sessionCookieOptions } from '$lib/server/auth/sessions';
import { signIn } from '$lib/server/auth/sign-in';
import { getDb } from '$lib/server/context';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	const { user, mode } = locals;
	return {
		mode,
		next: safeNext(url.searchParams.get('next')),
		banner: url.searchParams.has('signed-out')
			? 'You have signed out'
			: url.searchParams.has('password-changed')
				? 'Your password has been changed'
				: null,
		signedIn:
			user.role === 'anonymous'
				? null
				: { name: user.name, role: user.role, description: ROLE_DESCRIPTIONS[user.role] }
	};
};

export const actions: Actions = {
	default: async (event) => {
		const { request, locals, cookies } = event;
		const submitted = await request.formData();
		const form = readSignInForm(submitted);
		if (locals.mode === 'local')
			return fail(400, {
				email: '',
				errors: [
					{
						field: 'email',
						message:
							'Landscape is running in local mode, on this computer only: there is no need to sign in'
					}
				]
			});
		if (!form.success)
			return fail(400, {
				email: String(submitted.get('email') ?? '').slice(0, 254),
				errors: fieldErrors(form.error)
			});
		const { email, password, next } = form.data;
		const db = getDb();
		const result = await signIn(db, {
			email,
			password,
			ip: clientAddress(event),
			requestId: locals.requestId
		});
		if (!result.ok)
			return fail(result.reason === 'locked' ? 429 : 400, {
				email,
				errors: [{ field: 'email', message: result.message }]
			});
		// Whatever session the browser had before is ended: the new one has a new id.
		const previous = cookies.get(SESSION_COOKIE);
		if (previous) await deleteSession(db, previous);
		cookies.set(
			SESSION_COOKIE,
			result.session.token,
			sessionCookieOptions(secureCookies(event), result.session.expiresAt)
		);
		redirect(303, result.account.mustChangePassword ? '/sign-in/password' : safeNext(next));
	}
};
