import { error } from '@sveltejs/kit';
import { AVAILABLE_KINDS, findImporter } from '$lib/server/import/registry';
import type { RequestHandler } from './$types';

/** A kind's template (CSV header and one example row) or example file (JSON kinds). */
export const GET: RequestHandler = ({ params }) => {
	const importer = findImporter(params.kind);
	if (!importer)
		error(404, `No template for '${params.kind}': the kinds are ${AVAILABLE_KINDS.join(', ')}`);
	const { fileName, contentType, body } = importer.template();
	return new Response(body, {
		headers: {
			'Content-Type': contentType,
			'Content-Disposition': `attachment; filename="${fileName}"`
		}
	});
};
