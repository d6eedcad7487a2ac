import { error, fail, type RequestEvent } from '@sveltejs/kit';
import { fieldErrors, readRoleForm } from '$lib/server/auth/forms';
import { clientAddress } from '$lib/server/auth/guard';
import { generateOneTimePassword } from '$lib/server/auth/passwords';
import { ROLES, ROLE_DESCRIPTIONS } from '$lib/server/auth/roles';
import {
	AccountError,
	findAccount,
	listRegionChoices,
	setAccountActive,
	setAccountPassword,
	setAccountRole
} from '$lib/server/auth/users';
import { getDb } from '$lib/server/context';
import type { Actions, PageServerLoad } from './$types';

/** The account the address names, or a 404. */
function accountId(raw: string): number {
	const id = Number(raw);
	if (!/^[1-9]\d{0,9}$/.test(raw) || !Number.isSafeInteger(id)) error(404, 'Page not found');
	return id;
}

export const load: PageServerLoad = async ({ params, locals }) => {
	const db = getDb();
	const account = await findAccount(db, accountId(params.id));
	if (!account) error(404, 'Page not found');
	return {
		user: locals.user.name,
		mode: locals.mode,
		account,
		isSelf: locals.user.id === account.id,
		regions: await listRegionChoices(db),
		roles: ROLES.map((role) => ({ role, description: ROLE_DESCRIPTIONS[role] }))
	};
};

const auditContext = (event: RequestEvent) => ({
	actor: event.locals.user.name,
	requestId: event.locals.requestId,
	ip: clientAddress(event)
});

/** An account change refused for a reason the admin can act on: a 400 naming the field. */
function refused(caught: unknown) {
	if (!(caught instanceof AccountError)) throw caught;
	return fail(400, {
		errors: [{ field: caught.field === 'account' ? 'role' : caught.field, message: caught.message }]
	});
}

export const actions: Actions = {
	role: async (event) => {
		const form = readRoleForm(await event.request.formData());
		if (!form.success) return fail(400, { errors: fieldErrors(form.error) });
		try {
			await setAccountRole(
				getDb(),
				accountId(event.params.id),
				form.data.role,
				form.data.regions,
				auditContext(event),
				form.data.organisation
			);
			return { done: 'Role, organisation and regions saved' };
		} catch (caught) {
			return refused(caught);
		}
	},

	deactivate: async (event) => {
		const id = accountId(event.params.id);
		if (event.locals.user.id === id)
			return fail(400, {
				errors: [{ field: 'deactivate', message: 'You cannot deactivate your own account' }]
			});
		try {
			await setAccountActive(getDb(), id, false, auditContext(event));
			return { done: 'Account deactivated: they are signed out and cannot sign in' };
		} catch (caught) {
			return refused(caught);
		}
	},

	reactivate: async (event) => {
		try {
			await setAccountActive(getDb(), accountId(event.params.id), true, auditContext(event));
			return { done: 'Account reactivated' };
		} catch (caught) {
			return refused(caught);
		}
	},

	/** A new one-time password, shown once; every session of the account ends. */
	reset: async (event) => {
		const password = generateOneTimePassword();
		try {
			const account = await setAccountPassword(
				getDb(),
				accountId(event.params.id),
				password,
				true,
				auditContext(event)
			);
			return { reset: { email: account.email, password } };
		} catch (caught) {
			return refused(caught);
		}
	}
};
