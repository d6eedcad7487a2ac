import { z } from 'zod';
import { DEFAULT_CATCHMENT_KM } from '$lib/domain/access';
import { buildAccessReport } from '../access/report';
import type { DB } from '../db';
import { categoryParam, parseQuery } from './query';
import { respond } from './respond';
import { quoteInput } from './suggest';
import { todayIso } from '$lib/dates';

/** GET /api/v1/access: travel access (E2SFCA) by district and PDU, for a category or all. */

export const ACCESS_ENDPOINTS = ['/api/v1/access?category=&catchmentKm='] as const;

/** The catchment radii the API accepts, in km. */
export const CATCHMENT_KM_RANGE = { min: 1, max: 200 } as const;

/** d0 in km: a number from 1 to 200 (decimals allowed). */
export const catchmentKmParam = z
	.string()
	.trim()
	.max(100)
	.transform((value, ctx): number => {
		const km = /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(value) ? Number(value) : NaN;
		const valid = `Valid: a number of km from ${CATCHMENT_KM_RANGE.min} to ${CATCHMENT_KM_RANGE.max}`;
		if (Number.isNaN(km)) {
			const unit = /^(\d+(\.\d+)?)\s*km$/i.exec(value);
			const hint = unit ? ` Did you mean '${unit[1]}'?` : '';
			ctx.addIssue({
				code: 'custom',
				message: `${quoteInput(value)} is not a number.${hint} ${valid}`
			});
		} else if (km < CATCHMENT_KM_RANGE.min || km > CATCHMENT_KM_RANGE.max)
			ctx.addIssue({ code: 'custom', message: `${km} km is out of range. ${valid}` });
		else return km;
		return z.NEVER;
	});

export const accessQuery = z.strictObject({
	category: categoryParam.optional(),
	catchmentKm: catchmentKmParam.optional()
});

/**
 * Access for every local authority district and PDU. `today` is the planning date (services
 * running on it are counted); tests pass a fixed one.
 */
export function getAccess(db: DB, query: URLSearchParams, today = todayIso()): Promise<Response> {
	return respond(async () => {
		const q = parseQuery(accessQuery, query);
		return buildAccessReport(db, {
			category: q.category ?? null,
			catchmentKm: q.catchmentKm ?? DEFAULT_CATCHMENT_KM,
			planningDate: today
		});
	});
}
