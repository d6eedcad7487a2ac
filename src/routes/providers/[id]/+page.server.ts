import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { getDb } from '$lib/server/context';
import { findOrganisation } from '$lib/server/repositories/organisations';
import { listServices } from '$lib/server/repositories/services';
import type { PageServerLoad } from './$types';

const idParam = z.coerce.number().int().positive();

export const load: PageServerLoad = async ({ params }) => {
	const id = idParam.safeParse(params.id);
	if (!id.success) error(404, 'Page not found');
	const db = getDb();
	const organisation = await findOrganisation(db, id.data);
	if (!organisation) error(404, 'Page not found');
	const services = await listServices(db, { organisationId: id.data });
	return {
		organisation,
		led: services.filter((s) => s.leadOrganisationId === id.data),
		subcontracted: services.filter((s) => s.leadOrganisationId !== id.data)
	};
};
