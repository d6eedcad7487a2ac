import path from 'node:path';
import { fail, redirect } from '@sveltejs/kit';
import { env } from '$env/dynamic/private';
import { getDb } from '$lib/server/context';
import { AVAILABLE_KINDS, findImporter } from '$lib/server/import/registry';
import { checksumOf } from '$lib/server/import/versioning';
import type { ImportFile, ImportSummary, Importer } from '$lib/server/import/types';
import type { Actions, PageServerLoad } from './$types';

const MB = 1024 * 1024;
/** Files up to this size can be previewed and confirmed here; larger ones go through the CLI. */
const CONFIRM_LIMIT_MB = 5;
/** At most this many errors are listed in a preview; the rest are counted. */
const MAX_SHOWN_ERRORS = 500;
const cli = (kind: string) => `npm run landscape -- import ${kind} <file>`;
/** Content types browsers send for .csv and .json files (Excel on Windows says vnd.ms-excel). */
const FILE_TYPES = new Set([
	'',
	'text/csv',
	'text/plain',
	'text/comma-separated-values',
	'application/csv',
	'application/vnd.ms-excel',
	'application/octet-stream',
	'application/json',
	'text/json'
]);

/** The upload limit in MB: LANDSCAPE_UPLOAD_LIMIT_MB, else 50. */
function uploadLimitMb(): number {
	const limit = Number(env.LANDSCAPE_UPLOAD_LIMIT_MB);
	return Number.isFinite(limit) && limit > 0 ? limit : 50;
}

export interface FieldError {
	field: 'file' | 'dataset' | 'confirm' | 'kind';
	message: string;
}

/** What the preview shows: the dry run's summary, and the file to send back on confirm. */
export interface ImportPreview {
	kind: string;
	fileName: string;
	datasetName: string;
	summary: Omit<ImportSummary, 'errors' | 'warnings'>;
	errors: { file: string; row: number; column: string; message: string }[];
	hiddenErrors: number;
	warnings: { file: string; row: number; column: string; message: string }[];
	/** the files as base64, to send back on confirm (null: too big to confirm here) */
	files: { name: string; payload: string }[] | null;
	sha256: string;
	tooBigToConfirm: boolean;
}

/** The kind the page is for: ?kind=, else services. */
function kindOf(value: string | null): Importer {
	return findImporter(value ?? 'services') ?? findImporter('services')!;
}

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
		cli: cli(importer.kind)
	};
};

function datasetProblem(importer: Importer, name: string): string | null {
	if (name === '') return 'Enter a dataset name';
	if (name.length > 200) return 'Dataset name must be 200 characters or fewer';
	try {
		importer.datasetKey(name);
		return null;
	} catch {
		return 'Dataset name must contain letters or digits';
	}
}

const plainError = (e: { file: string; row: number; column: string; message: string }) => ({
	file: e.file,
	row: e.row,
	column: e.column,
	message: e.message
});

function toPreview(
	summary: ImportSummary,
	fileName: string,
	datasetName: string,
	files: readonly ImportFile[]
): ImportPreview {
	const { errors, warnings, ...rest } = summary;
	const size = files.reduce((n, f) => n + f.bytes.byteLength, 0);
	const tooBigToConfirm = size > CONFIRM_LIMIT_MB * MB;
	return {
		kind: summary.kind,
		fileName,
		datasetName,
		summary: rest,
		errors: errors.slice(0, MAX_SHOWN_ERRORS).map(plainError),
		hiddenErrors: Math.max(0, errors.length - MAX_SHOWN_ERRORS),
		warnings: warnings.slice(0, MAX_SHOWN_ERRORS).map(plainError),
		files: tooBigToConfirm
			? null
			: files.map((f) => ({ name: f.name, payload: Buffer.from(f.bytes).toString('base64') })),
		sha256: checksumOf(files),
		tooBigToConfirm
	};
}

/** The name a set of files goes by in messages and the version history. */
function nameOf(files: readonly { name: string }[]): string {
	return files.length === 1
		? files[0]!.name
		: `${files.length} files (${files.map((f) => f.name).join(', ')})`;
}

export const actions: Actions = {
	/** Check the file and compare it with the dataset's current version; nothing is written. */
	preview: async ({ request }) => {
		const form = await request.formData();
		const importer = kindOf(String(form.get('kind') ?? ''));
		const datasetName = String(form.get('dataset') ?? '').trim();
		const uploads = form
			.getAll('file')
			.filter((f): f is File => f instanceof File && f.size > 0 && f.name !== '');
		const errors: FieldError[] = [];
		const limit = uploadLimitMb();
		const accepts = importer.extensions.join(' or ');
		const size = uploads.reduce((n, f) => n + f.size, 0);
		const wrongType = uploads.find(
			(f) =>
				!importer.extensions.includes(path.extname(f.name).toLowerCase()) ||
				!FILE_TYPES.has(f.type.split(';')[0]!.trim().toLowerCase())
		);
		if (uploads.length === 0)
			errors.push({ field: 'file', message: `Select a ${accepts} file to import` });
		else if (uploads.length > 1 && !importer.acceptsFolder)
			errors.push({
				field: 'file',
				message: `Select one ${accepts} file: this kind takes one file at a time`
			});
		else if (wrongType)
			errors.push({
				field: 'file',
				message: `The selected file must be ${accepts}: '${wrongType.name}' is not`
			});
		else if (size > limit * MB)
			errors.push({
				field: 'file',
				message: `The selected file must be smaller than ${limit} MB`
			});
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
			dryRun: true
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
				`Files over ${CONFIRM_LIMIT_MB} MB must be imported with the command line: ${cli(importer.kind)}`
			);
		if (checksumOf(files) !== checksum)
			return refuse(
				'The file changed between the preview and the import (its checksum differs), so nothing was imported. Upload the file and check it again'
			);
		const fileName = nameOf(files);

		const summary = await importer.run(getDb(), files, {
			fileName,
			datasetName,
			onlyValidRows,
			confirmed,
			createdBy: 'web import'
		});
		if (summary.status === 'imported' || summary.status === 'unchanged') {
			const query = new URLSearchParams({
				imported: summary.datasetKey,
				version: String(summary.version)
			});
			if (summary.status === 'unchanged') query.set('unchanged', '1');
			redirect(303, `/data-sources?${query}`);
		}
		const preview = toPreview(summary, fileName, datasetName, files);
		const message =
			summary.status === 'refused'
				? 'The file was refused, so nothing was imported'
				: summary.errors.length === 0 && summary.needsConfirmation
					? `Nothing was imported: ${summary.needsConfirmation}. Check them and select the box to confirm`
					: summary.rejected > 0 && summary.accepted > 0
						? `Nothing was imported: the file has ${summary.rejected} invalid row${summary.rejected === 1 ? '' : 's'}. Select 'Import only the ${summary.accepted} valid rows', or fix the file and check it again`
						: 'Nothing was imported: the file has errors. Fix the file and check it again';
		return fail(400, {
			errors: [{ field: 'confirm', message } satisfies FieldError],
			values: { dataset: datasetName, kind: importer.kind },
			preview
		});
	}
};
