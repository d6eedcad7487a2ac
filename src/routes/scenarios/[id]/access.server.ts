import type { DB } from '$lib/server/db';
import type { AuditContext } from '$lib/server/auth/audit';
import {
	collaboratorProblem,
	type ScenarioAccessFacts,
	type ScenarioVisibility
} from '$lib/server/auth/scenarios';
import { emailSchema, findAccountByEmail } from '$lib/server/auth/users';
import {
	addScenarioCollaborator,
	removeScenarioCollaborator
} from '$lib/server/repositories/scenarios';

/** The id of the visibility radios' first input, where the error summary links. */
export const VISIBILITY_FIELD = 'visibility';

/** Who can see a scenario, and who can change it, in plain words. */
export function describeVisibility(
	visibility: ScenarioVisibility,
	owner: string,
	regionName: string | null
): string {
	const region = regionName
		? `the commissioners and partners of ${regionName}`
		: 'every commissioner and partner (it has no region)';
	const editors = regionName
		? `its owner, its collaborators and the commissioners of ${regionName}`
		: 'its owner and its collaborators';
	switch (visibility) {
		case 'draft':
			return `Only its owner (${owner}), its collaborators and administrators can see it or change it.`;
		case 'shared':
			return `${capitalise(region)} can see it, as well as its owner (${owner}) and its collaborators. Only ${editors} can change it.`;
		case 'published':
			return `Everyone who can sign in to Landscape can see it, viewers included. Only ${editors} can change it.`;
	}
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

type Outcome = { ok: true; email: string } | { ok: false; status: 400 | 409; message: string };

/**
 * Name the account with this email a collaborator on the scenario, if it may be one: an active
 * admin, or an active commissioner or partner of the scenario's region.
 */
export async function addCollaboratorByEmail(
	db: DB,
	id: string,
	typed: string,
	facts: ScenarioAccessFacts,
	by: AuditContext
): Promise<Outcome> {
	if (typed.trim() === '')
		return {
			ok: false,
			status: 400,
			message: 'Enter the email address of the person to add as a collaborator'
		};
	const email = emailSchema.safeParse(typed);
	if (!email.success) return { ok: false, status: 400, message: email.error.issues[0]!.message };
	const account = await findAccountByEmail(db, email.data);
	if (!account)
		return {
			ok: false,
			status: 400,
			message: `There is no account for ${email.data}. An administrator can add them on the People page first.`
		};
	const region = facts.regionCode
		? await db
				.selectFrom('regions')
				.select('name')
				.where('code', '=', facts.regionCode)
				.executeTakeFirst()
		: undefined;
	const problem = collaboratorProblem(account, facts, region?.name ?? facts.regionCode);
	if (problem) return { ok: false, status: 400, message: problem };
	const added = await addScenarioCollaborator(
		db,
		id,
		{ userId: account.id, email: account.email },
		by
	);
	if (!added)
		return {
			ok: false,
			status: 409,
			message: `${account.email} is already a collaborator: someone added them since this page was loaded.`
		};
	return { ok: true, email: account.email };
}

/** Remove a collaborator; `email` is the one the page showed, for the message if they are gone. */
export async function removeCollaborator(
	db: DB,
	id: string,
	userId: number,
	email: string,
	by: AuditContext
): Promise<Outcome> {
	const removed =
		Number.isInteger(userId) && userId > 0
			? await removeScenarioCollaborator(db, id, userId, by)
			: null;
	if (removed === null)
		return {
			ok: false,
			status: 409,
			message: `${email} is not a collaborator on this scenario any more: someone removed them since this page was loaded. Nothing was changed.`
		};
	return { ok: true, email: removed };
}
