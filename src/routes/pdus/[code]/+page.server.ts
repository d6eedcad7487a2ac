import { error } from '@sveltejs/kit';
import { describeStatus, serviceCoversPdu } from '$lib/domain/supply';
import { getDb } from '$lib/server/context';
import { findPdu } from '$lib/server/repositories/pdus';
import { listServices, listSites } from '$lib/server/repositories/services';
import type { PageServerLoad } from './$types';
import { todayIso } from '$lib/dates';

export const load: PageServerLoad = async ({ params }) => {
	const db = getDb();
	const pdu = await findPdu(db, params.code);
	if (!pdu) error(404, 'Page not found');
	const today = todayIso();
	const reach = {
		code: pdu.code,
		regionCode: pdu.regionCode,
		pccAreaIds: pdu.pccAreas.map((a) => a.id)
	};
	const [services, sites] = await Promise.all([
		listServices(db, { regionCode: pdu.regionCode }),
		listSites(db, { ladCodes: pdu.lads.map((l) => l.code) })
	]);
	const byReference = new Map(services.map((s) => [s.reference, s]));
	const reaching = services
		.filter((s) => serviceCoversPdu(s, reach))
		.map((s) => {
			const linked = s.linkedReferences.flatMap((ref) => byReference.get(ref) ?? []);
			const status = serviceCoversPdu(s, reach, today)
				? describeStatus(s, linked, today)
				: ({
						state: 'closed',
						label: 'Ended here',
						detail: 'No longer covers this PCC area'
					} as const);
			return { ...s, status };
		})
		// Awards first, then the R&M definitions, then sites, each by name.
		.sort((a, b) => rank(a.recordType) - rank(b.recordType) || a.name.localeCompare(b.name));
	return { pdu, services: reaching, sites, today };
};

function rank(recordType: string): number {
	return ['award', 'definition', 'site-service'].indexOf(recordType);
}
