import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

/** Liveness: the process is up and answering. It does not touch the database. */
export const GET: RequestHandler = () =>
	json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } });
