import { error } from '@sveltejs/kit';
import { isOpenOn, serviceCoversPdu } from '$lib/domain/supply';
import { getDb } from '$lib/server/context';
import { findPdu } from '$lib/server/repositories/pdus';
import { listServices, listSites } from '$lib/server/repositories/services';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => {
	const db = getDb();
	const pdu = await findPdu(db, params.code);
	if (!pdu) error(404, 'Page not found');
	const today = new Date().toISOString().slice(0, 10);
	const reach = {
		code: pdu.code,
		regionCode: pdu.regionCode,
		pccAreaIds: pdu.pccAreas.map((a) => a.id)
	};
	const [services, sites] = await Promise.all([
		listServices(db, { regionCode: pdu.regionCode }),
		listSites(db, { ladCodes: pdu.lads.map((l) => l.code) })
	]);
	const reaching = services
		.filter((s) => serviceCoversPdu(s, reach))
		.map((s) => ({
			...s,
			openToday:
				isOpenOn(s, today) &&
				(!s.referralUntil || s.referralUntil >= today) &&
				serviceCoversPdu(s, reach, today)
		}));
	return { pdu, services: reaching, sites, today };
};
