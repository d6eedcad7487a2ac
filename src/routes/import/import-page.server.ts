import path from 'node:path';
import { env } from '$env/dynamic/private';
import { findImporter } from '$lib/server/import/registry';
import type { ImportFile, ImportSummary, Importer } from '$lib/server/import/types';
import { checksumOf } from '$lib/server/import/versioning';

/**
 * What the Import data page's form actions and its streaming endpoint (run/+server.ts) share: the
 * checks on what is sent, and the preview a dry run becomes.
 */

export const MB = 1024 * 1024;
/** Files up to this size are sent back with the preview (base64) for the confirm step. */
export const CONFIRM_LIMIT_MB = 5;
/** At most this many errors are listed in a preview; the rest are counted. */
const MAX_SHOWN_ERRORS = 500;

export const cliCommand = (kind: string) => `npm run landscape -- import ${kind} <file>`;

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
export function uploadLimitMb(): number {
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
	/** the files as base64, to send back on confirm (null: too big to send back) */
	files: { name: string; payload: string }[] | null;
	sha256: string;
	/** too big to confirm without JavaScript (which sends the file itself again) */
	tooBigToConfirm: boolean;
}

/** The kind the page is for: ?kind=, else services. */
export function kindOf(value: string | null): Importer {
	return findImporter(value ?? 'services') ?? findImporter('services')!;
}

export function datasetProblem(importer: Importer, name: string): string | null {
	if (name === '') return 'Enter a dataset name';
	if (name.length > 200) return 'Dataset name must be 200 characters or fewer';
	try {
		importer.datasetKey(name);
		return null;
	} catch {
		return 'Dataset name must contain letters or digits';
	}
}

/** What is wrong with the files chosen, by what the browser says of them (before they are read). */
export function uploadProblems(
	importer: Importer,
	uploads: readonly { name: string; type: string; size: number }[]
): FieldError[] {
	// 'a CSV (.csv)', 'a CSV or JSON file (.csv or .json)'
	const words = importer.extensions.map((e) => e.slice(1).toUpperCase()).join(' or ');
	const accepts = `a ${words}${importer.extensions.length > 1 ? ' file' : ''} (${importer.extensions.join(' or ')})`;
	const limit = uploadLimitMb();
	const size = uploads.reduce((n, f) => n + f.size, 0);
	const wrongType = uploads.find(
		(f) =>
			!importer.extensions.includes(path.extname(f.name).toLowerCase()) ||
			!FILE_TYPES.has(f.type.split(';')[0]!.trim().toLowerCase())
	);
	if (uploads.length === 0) return [{ field: 'file', message: `Select a ${words} file to import` }];
	if (uploads.length > 1 && !importer.acceptsFolder)
		return [
			{ field: 'file', message: `Select one ${words} file: this kind takes one file at a time` }
		];
	if (wrongType)
		return [
			{ field: 'file', message: `The selected file must be ${accepts}: '${wrongType.name}' is not` }
		];
	if (size > limit * MB) return [tooBig()];
	return [];
}

export function tooBig(): FieldError {
	return { field: 'file', message: `The selected file must be smaller than ${uploadLimitMb()} MB` };
}

const plainError = (e: { file: string; row: number; column: string; message: string }) => ({
	file: e.file,
	row: e.row,
	column: e.column,
	message: e.message
});

export function toPreview(
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
export function nameOf(files: readonly { name: string }[]): string {
	return files.length === 1
		? files[0]!.name
		: `${files.length} files (${files.map((f) => f.name).join(', ')})`;
}

/** Why an import wrote nothing, for the error summary above the preview. */
export function notImportedMessage(summary: ImportSummary): string {
	return summary.status === 'refused'
		? 'The file was refused, so nothing was imported'
		: summary.errors.length === 0 && summary.needsConfirmation
			? `Nothing was imported: ${summary.needsConfirmation}. Check them and select the box to confirm`
			: summary.rejected > 0 && summary.accepted > 0
				? `Nothing was imported: the file has ${summary.rejected} invalid row${summary.rejected === 1 ? '' : 's'}. Select 'Import only the ${summary.accepted} valid rows', or fix the file and check it again`
				: 'Nothing was imported: the file has errors. Fix the file and check it again';
}

/** Where an import that wrote (or found nothing to write) sends the user: the data sources page. */
export function importedHref(summary: ImportSummary): string {
	const query = new URLSearchParams({
		imported: summary.datasetKey,
		version: String(summary.version)
	});
	if (summary.status === 'unchanged') query.set('unchanged', '1');
	return `/data-sources?${query}`;
}

export const CHANGED_FILE_MESSAGE =
	'The file changed between the preview and the import (its checksum differs), so nothing was imported. Upload the file and check it again';
