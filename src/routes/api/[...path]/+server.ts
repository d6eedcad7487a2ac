import { unknownEndpoint } from '$lib/server/api/handlers';
import type { RequestHandler } from './$types';

/** Every other path under /api answers in JSON too, whatever the method. */
export const fallback: RequestHandler = ({ url }) => unknownEndpoint(url.pathname);
