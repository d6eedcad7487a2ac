import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

/**
 * The styled page for a refusal the guard (auth/guard.ts) makes before any route runs: it fetches
 * this page and sends it with the refusal's status. It says nothing about what was refused, so it
 * is public; opened directly it is a 404.
 */
export const load: PageServerLoad = ({ url }) => {
	const status = url.searchParams.get('status');
	if (status === '403') error(403, 'You do not have permission to see this page');
	if (status === '401') error(401, 'Sign in to use Landscape');
	error(404, 'Page not found');
};
