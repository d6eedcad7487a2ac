import { fail, redirect } from '@sveltejs/kit';
import { fieldErrors, readPasswordForm } from '$lib/server/auth/forms';
import { clientAddress, secureCookies } from '$lib/server/auth/guard';
import { verifyPassword } from '$lib/server/auth/passwords';
import { SESSION_COOKIE, createSession, sessionCookieOptions } from '$lib/server/auth/sessions';
import { findPasswordHash, setAccountPassword } from '$lib/server/auth/users';
import { getDb } from '$lib/server/context';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => ({
	mode: locals.mode,
	name: locals.user.name,
	oneTime: locals.user.mustChangePassword
});

export const actions: Actions = {
	default: async (event) => {
		const { request, locals, cookies } = event;
		const id = locals.user.id;
		if (id === null)
			return fail(400, {
				errors: [
					{ field: 'current', message: 'Only people with an account have a password to change' }
				]
			});
		const form = readPasswordForm(await request.formData());
		if (!form.success) return fail(400, { errors: fieldErrors(form.error) });
		const db = getDb();
		const stored = await findPasswordHash(db, id);
		if (!stored || !(await verifyPassword(form.data.current, stored)))
			return fail(400, {
				errors: [{ field: 'current', message: 'Your current password is not correct' }]
			});
		// Every session of the account ends (another browser may have the old password); this one
		// continues under a new id.
		await setAccountPassword(db, id, form.data.password, false, {
			actor: locals.user.name,
			requestId: locals.requestId,
			ip: clientAddress(event)
		});
		const session = await createSession(db, id);
		cookies.set(
			SESSION_COOKIE,
			session.token,
			sessionCookieOptions(secureCookies(event), session.expiresAt)
		);
		redirect(303, '/sign-in?password-changed');
	}
};
