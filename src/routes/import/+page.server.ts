import path from 'node:path';
import { fail, redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/context';
import { AVAILABLE_KINDS, findImporter } from '$lib/server/import/registry';
import { checksumOf } from '$lib/server/import/versioning';
import type { ImportFile } from '$lib/server/import/types';
import type { Actions, PageServerLoad } from './$types';
import {
	CHANGED_FILE_MESSAGE,
	CONFIRM_LIMIT_MB,
	MB,
	cliCommand,
	datasetProblem,
	importedHref,
	kindOf,
	nameOf,
	notImportedMessage,
	toPreview,
	uploadLimitMb,
	uploadProblems,
	type FieldError
} from './import-page.server';

export type { FieldError, ImportPreview } from './import-page.server';

export const load: PageServerLoad = ({ url }) => {
	const importer = kindOf(url.searchParams.get('kind'));
	return {
		kinds: AVAILABLE_KINDS.map((kind) => {
			const i = findImporter(kind)!;
			return {
				kind,
				title: i.title,
				description: i.description,
				rowNoun: i.rowNoun,
				matchedBy: i.matchedBy,
				extensions: [...i.extensions],
				acceptsFolder: !!i.acceptsFolder
			};
		}),
		kind: importer.kind,
		fields: importer.guide.map((f) => ({ ...f })),
		templateHref: `/import/templates/${importer.kind}`,
		templateName: importer.template().fileName,
		limitMb: uploadLimitMb(),
		confirmLimitMb: CONFIRM_LIMIT_MB,
		cli: cliCommand(importer.kind)
	};
};

/**
 * The form actions work without JavaScript. With it, the page sends a single file to /import/run
 * instead, which streams progress (see run/+server.ts); these actions still take folders.
 */
export const actions: Actions = {
	/** Check the file and compare it with the dataset's current version; nothing is written. */
	preview: async ({ request }) => {
		const form = await request.formData();
		const importer = kindOf(String(form.get('kind') ?? ''));
		const datasetName = String(form.get('dataset') ?? '').trim();
		const uploads = form
			.getAll('file')
			.filter((f): f is File => f instanceof File && f.size > 0 && f.name !== '');
		const errors: FieldError[] = uploadProblems(importer, uploads);
		const datasetError = datasetProblem(importer, datasetName);
		if (datasetError) errors.push({ field: 'dataset', message: datasetError });
		if (errors.length > 0)
			return fail(400, { errors, values: { dataset: datasetName, kind: importer.kind } });

		const files: ImportFile[] = await Promise.all(
			uploads.map(async (f) => ({
				name: path.basename(f.name),
				bytes: new Uint8Array(await f.arrayBuffer())
			}))
		);
		const fileName = nameOf(files);
		const summary = await importer.run(getDb(), files, {
			fileName,
			datasetName,
			dryRun: true,
			signal: request.signal
		});
		return {
			values: { dataset: datasetName, kind: importer.kind },
			preview: toPreview(summary, fileName, datasetName, files)
		};
	},

	/** Import the previewed file for real, all or nothing, unless the user chose the valid rows only. */
	confirm: async ({ request }) => {
		const form = await request.formData();
		const importer = kindOf(String(form.get('kind') ?? ''));
		const datasetName = String(form.get('dataset') ?? '').trim();
		const names = form.getAll('fileName').map((n) => path.basename(String(n)));
		const payloads = form.getAll('payload').map(String);
		const checksum = String(form.get('sha256') ?? '');
		const onlyValidRows = form.get('onlyValidRows') === 'yes';
		const confirmed = form.get('confirmed') === 'yes';
		const refuse = (message: string) =>
			fail(400, {
				errors: [{ field: 'file', message } satisfies FieldError],
				values: { dataset: datasetName, kind: importer.kind }
			});

		const datasetError = datasetProblem(importer, datasetName);
		if (datasetError) return refuse(datasetError);
		if (
			payloads.length === 0 ||
			payloads.length !== names.length ||
			payloads.some((p) => p === '' || !/^[A-Za-z0-9+/]*={0,2}$/.test(p))
		)
			return refuse('The previewed file was not sent back. Upload the file and check it again');
		const files: ImportFile[] = payloads.map((p, i) => ({
			name: names[i] || 'upload',
			bytes: new Uint8Array(Buffer.from(p, 'base64'))
		}));
		if (files.reduce((n, f) => n + f.bytes.byteLength, 0) > CONFIRM_LIMIT_MB * MB)
			return refuse(
				`Files over ${CONFIRM_LIMIT_MB} MB must be imported with the command line: ${cliCommand(importer.kind)}`
			);
		if (checksumOf(files) !== checksum) return refuse(CHANGED_FILE_MESSAGE);
		const fileName = nameOf(files);

		const summary = await importer.run(getDb(), files, {
			fileName,
			datasetName,
			onlyValidRows,
			confirmed,
			createdBy: 'web import',
			signal: request.signal
		});
		if (summary.status === 'imported' || summary.status === 'unchanged')
			redirect(303, importedHref(summary));
		return fail(400, {
			errors: [{ field: 'confirm', message: notImportedMessage(summary) } satisfies FieldError],
			values: { dataset: datasetName, kind: importer.kind },
			preview: toPreview(summary, fileName, datasetName, files)
		});
	}
};
