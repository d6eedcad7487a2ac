import type { ClientInit } from '@sveltejs/kit';
import { z } from 'zod';

/**
 * Zod checks whether it may compile validators with `new Function`. Under the app's strict
 * Content-Security-Policy (svelte.config.js) the browser refuses, and reports the refusal as a
 * violation even though zod catches it. Validation works the same without compiling.
 */
export const init: ClientInit = () => {
	z.config({ jitless: true });
};
