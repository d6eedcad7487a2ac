import { z } from 'zod';
import { CRS_CATEGORIES, parseCategory } from '$lib/domain/categories';
import { getDb } from '$lib/server/context';
import { buildAccessReport } from '$lib/server/access/report';
import { listRegionSummaries } from '$lib/server/repositories/regions';
import type { PageServerLoad } from './$types';
import { todayIso } from '$lib/dates';

const query = z.object({
	category: z
		.string()
		.transform(
			(v) =>
				parseCategory(v) ?? CRS_CATEGORIES.find((c) => c.toLowerCase() === v.toLowerCase()) ?? null
		)
		.optional(),
	catchmentKm: z.coerce.number().min(1).max(200).optional(),
	region: z
		.string()
		.regex(/^[A-Z0-9]{1,8}$/i)
		.optional()
});

export const load: PageServerLoad = async ({ url }) => {
	const raw = Object.fromEntries([...url.searchParams].filter(([, v]) => v.trim() !== ''));
	const parsed = query.safeParse(raw);
	const errors = parsed.success
		? []
		: parsed.error.issues.map((i) => ({ field: String(i.path[0]), message: i.message }));
	const q = parsed.success ? parsed.data : {};
	const category = q.category ?? 'Accommodation';
	const catchmentKm = q.catchmentKm ?? 30;
	const db = getDb();
	const [report, regions] = await Promise.all([
		buildAccessReport(db, {
			category,
			catchmentKm,
			planningDate: todayIso()
		}),
		listRegionSummaries(db)
	]);
	const region = regions.find((r) => r.code === q.region?.toUpperCase()) ?? null;
	return {
		category,
		catchmentKm,
		region: region ? { code: region.code, name: region.name } : null,
		regions: regions.map((r) => ({ code: r.code, name: r.name })),
		errors,
		report: {
			...report,
			pdus: report.pdus.filter((p) => !region || p.regionCode === region.code),
			lads: [],
			sites: report.sites.length
		}
	};
};
