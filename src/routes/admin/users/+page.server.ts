import { fail } from '@sveltejs/kit';
import { fieldErrors, readInviteForm } from '$lib/server/auth/forms';
import { clientAddress } from '$lib/server/auth/guard';
import { generateOneTimePassword } from '$lib/server/auth/passwords';
import { ROLES, ROLE_DESCRIPTIONS } from '$lib/server/auth/roles';
import {
	AccountError,
	createAccount,
	listAccounts,
	listRegionChoices
} from '$lib/server/auth/users';
import { getDb } from '$lib/server/context';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const db = getDb();
	const [accounts, regions] = await Promise.all([listAccounts(db), listRegionChoices(db)]);
	return {
		user: locals.user.name,
		mode: locals.mode,
		accounts,
		regions,
		roles: ROLES.map((role) => ({ role, description: ROLE_DESCRIPTIONS[role] }))
	};
};

export const actions: Actions = {
	/** Create an account with a one-time password, shown once, to hand over in person. */
	invite: async (event) => {
		const { request, locals } = event;
		const form = readInviteForm(await request.formData());
		if (!form.success) return fail(400, { errors: fieldErrors(form.error), values: null });
		const password = generateOneTimePassword();
		try {
			const account = await createAccount(
				getDb(),
				{ ...form.data, password, mustChangePassword: true },
				{ actor: locals.user.name, requestId: locals.requestId, ip: clientAddress(event) }
			);
			return { invited: { email: account.email, password } };
		} catch (caught) {
			if (!(caught instanceof AccountError)) throw caught;
			return fail(400, {
				errors: [
					{ field: caught.field === 'account' ? 'email' : caught.field, message: caught.message }
				],
				values: form.data
			});
		}
	}
};
