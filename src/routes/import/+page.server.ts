import crypto from 'node:crypto';
import path from 'node:path';
import { fail, redirect } from '@sveltejs/kit';
import { env } from '$env/dynamic/private';
import { getDb } from '$lib/server/context';
import { importServices, servicesDatasetKey, type ImportSummary } from '$lib/server/import/commit';
import { TEMPLATE_FIELDS } from './template.server';
import type { Actions, PageServerLoad } from './$types';

const MB = 1024 * 1024;
/** Files up to this size can be previewed and confirmed here; larger ones go through the CLI. */
const CONFIRM_LIMIT_MB = 5;
/** At most this many errors are listed in a preview; the rest are counted. */
const MAX_SHOWN_ERRORS = 500;
const CLI = 'npm run landscape -- import services <file>';
/** Content types browsers send for a .csv file (Excel on Windows says vnd.ms-excel). */
const CSV_TYPES = new Set([
	'',
	'text/csv',
	'text/plain',
	'text/comma-separated-values',
	'application/csv',
	'application/vnd.ms-excel',
	'application/octet-stream'
]);

/** The upload limit in MB: LANDSCAPE_UPLOAD_LIMIT_MB, else 50. */
function uploadLimitMb(): number {
	const limit = Number(env.LANDSCAPE_UPLOAD_LIMIT_MB);
	return Number.isFinite(limit) && limit > 0 ? limit : 50;
}

export interface FieldError {
	field: 'file' | 'dataset' | 'confirm';
	message: string;
}

/** What the preview shows: the dry run's summary, and the file to send back on confirm. */
export interface ImportPreview {
	fileName: string;
	datasetName: string;
	summary: Omit<ImportSummary, 'errors'>;
	errors: { row: number; column: string; message: string }[];
	hiddenErrors: number;
	/** the file as base64 (null: too big to confirm here) */
	payload: string | null;
	sha256: string;
	tooBigToConfirm: boolean;
}

export const load: PageServerLoad = () => ({
	fields: TEMPLATE_FIELDS,
	limitMb: uploadLimitMb(),
	confirmLimitMb: CONFIRM_LIMIT_MB,
	cli: CLI
});

function sha256(bytes: Uint8Array): string {
	return crypto.createHash('sha256').update(bytes).digest('hex');
}

function datasetProblem(name: string): string | null {
	if (name === '') return 'Enter a dataset name';
	if (name.length > 200) return 'Dataset name must be 200 characters or fewer';
	try {
		servicesDatasetKey(name);
		return null;
	} catch {
		return 'Dataset name must contain letters or digits';
	}
}

function toPreview(
	summary: ImportSummary,
	fileName: string,
	datasetName: string,
	bytes: Uint8Array
): ImportPreview {
	const { errors, ...rest } = summary;
	const tooBigToConfirm = bytes.byteLength > CONFIRM_LIMIT_MB * MB;
	return {
		fileName,
		datasetName,
		summary: rest,
		errors: errors
			.slice(0, MAX_SHOWN_ERRORS)
			.map((e) => ({ row: e.row, column: e.column, message: e.message })),
		hiddenErrors: Math.max(0, errors.length - MAX_SHOWN_ERRORS),
		payload: tooBigToConfirm ? null : Buffer.from(bytes).toString('base64'),
		sha256: sha256(bytes),
		tooBigToConfirm
	};
}

export const actions: Actions = {
	/** Check the file and compare it with the dataset's current version; nothing is written. */
	preview: async ({ request }) => {
		const form = await request.formData();
		const datasetName = String(form.get('dataset') ?? '').trim();
		const file = form.get('file');
		const errors: FieldError[] = [];
		const limit = uploadLimitMb();
		if (!(file instanceof File) || file.size === 0 || file.name === '')
			errors.push({ field: 'file', message: 'Select a CSV file to import' });
		else if (
			path.extname(file.name).toLowerCase() !== '.csv' ||
			!CSV_TYPES.has(file.type.split(';')[0]!.trim().toLowerCase())
		)
			errors.push({
				field: 'file',
				message: `The selected file must be a CSV (.csv): '${file.name}' is not`
			});
		else if (file.size > limit * MB)
			errors.push({
				field: 'file',
				message: `The selected file must be smaller than ${limit} MB`
			});
		const datasetError = datasetProblem(datasetName);
		if (datasetError) errors.push({ field: 'dataset', message: datasetError });
		if (errors.length > 0 || !(file instanceof File))
			return fail(400, { errors, values: { dataset: datasetName } });

		const bytes = new Uint8Array(await file.arrayBuffer());
		const fileName = path.basename(file.name);
		const summary = await importServices(getDb(), bytes, {
			fileName,
			datasetName,
			dryRun: true
		});
		return {
			values: { dataset: datasetName },
			preview: toPreview(summary, fileName, datasetName, bytes)
		};
	},

	/** Import the previewed file for real, all or nothing, unless the user chose the valid rows only. */
	confirm: async ({ request }) => {
		const form = await request.formData();
		const datasetName = String(form.get('dataset') ?? '').trim();
		const fileName = path.basename(String(form.get('fileName') ?? '')) || 'upload.csv';
		const payload = String(form.get('payload') ?? '');
		const checksum = String(form.get('sha256') ?? '');
		const onlyValidRows = form.get('onlyValidRows') === 'yes';
		const refuse = (message: string) =>
			fail(400, {
				errors: [{ field: 'file', message } satisfies FieldError],
				values: { dataset: datasetName }
			});

		const datasetError = datasetProblem(datasetName);
		if (datasetError) return refuse(datasetError);
		if (payload === '' || !/^[A-Za-z0-9+/]*={0,2}$/.test(payload))
			return refuse('The previewed file was not sent back. Upload the file and check it again');
		const bytes = new Uint8Array(Buffer.from(payload, 'base64'));
		if (bytes.byteLength > CONFIRM_LIMIT_MB * MB)
			return refuse(
				`Files over ${CONFIRM_LIMIT_MB} MB must be imported with the command line: ${CLI}`
			);
		if (sha256(bytes) !== checksum)
			return refuse(
				'The file changed between the preview and the import (its checksum differs), so nothing was imported. Upload the file and check it again'
			);

		const summary = await importServices(getDb(), bytes, {
			fileName,
			datasetName,
			onlyValidRows,
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
		const preview = toPreview(summary, fileName, datasetName, bytes);
		const message =
			summary.status === 'refused'
				? 'The file was refused, so nothing was imported'
				: summary.rejected > 0 && summary.accepted > 0
					? `Nothing was imported: the file has ${summary.rejected} invalid row${summary.rejected === 1 ? '' : 's'}. Select 'Import only the ${summary.accepted} valid rows', or fix the file and check it again`
					: 'Nothing was imported: the file has errors. Fix the file and check it again';
		return fail(400, {
			errors: [{ field: 'confirm', message } satisfies FieldError],
			values: { dataset: datasetName },
			preview
		});
	}
};
