import { z } from 'zod';
import type { DB } from '../db';
import {
	DatasetVersionError,
	compareVersions,
	findDataset,
	listVersions,
	type DatasetSummary,
	type VersionInfo
} from '../import/versions';
import { noQuery, parseQuery } from './query';
import { ApiError, respond } from './respond';
import { quoteInput } from './suggest';

/** GET /api/v1/datasets/{key}/versions and /compare: a dataset's history and what changed. */

export const DATASET_VERSION_ENDPOINTS = [
	'/api/v1/datasets/{key}/versions',
	'/api/v1/datasets/{key}/compare?from=&to='
] as const;

/** A version number as sent: a whole number from 1. Whether the dataset has it is checked later. */
export const versionParam = z
	.string()
	.trim()
	.max(100)
	.transform((value, ctx): number => {
		if (/^[1-9]\d{0,8}$/.test(value)) return Number(value);
		ctx.addIssue({
			code: 'custom',
			message: `${quoteInput(value)} is not a version number. Valid: a whole number such as 2`
		});
		return z.NEVER;
	});

export const compareQuery = z.strictObject({
	from: versionParam.optional(),
	to: versionParam.optional()
});

function toVersionRow(v: VersionInfo) {
	return {
		version: v.version,
		createdAt: v.createdAt,
		createdBy: v.createdBy,
		fileName: v.fileName,
		rowCount: v.rowCount,
		checksum: v.checksum,
		isCurrent: v.isCurrent,
		note: v.note
	};
}

function toDatasetHeader(d: DatasetSummary) {
	return { key: d.key, title: d.title, provenance: d.provenance };
}

/** A refusal from the versions module as the API reports it: an unknown key is a 404. */
function asApiError(caught: unknown): unknown {
	if (!(caught instanceof DatasetVersionError)) return caught;
	if (caught.problem === 'unknown-dataset') return new ApiError(404, `key: ${caught.message}`);
	return new ApiError(400, caught.message);
}

async function guarded<T>(run: () => Promise<T>): Promise<T> {
	try {
		return await run();
	} catch (caught) {
		throw asApiError(caught);
	}
}

/** Every version of one dataset, newest first, with who loaded it, when, the file and its SHA-256. */
export function getDatasetVersions(db: DB, key: string, query: URLSearchParams): Promise<Response> {
	return respond(() =>
		guarded(async () => {
			parseQuery(noQuery, query);
			const dataset = await findDataset(db, key);
			const versions = (await listVersions(db, key)).map(toVersionRow);
			return {
				dataset: toDatasetHeader(dataset),
				count: versions.length,
				currentVersion: versions.find((v) => v.isCurrent)?.version ?? null,
				versions,
				history: `/data-sources/${encodeURIComponent(dataset.key)}`
			};
		})
	);
}

/**
 * The rows added, changed (each field before and after) and removed from version `from` to `to`.
 * Unchanged rows are counted, not listed.
 */
export function getDatasetComparison(
	db: DB,
	key: string,
	query: URLSearchParams
): Promise<Response> {
	return respond(() =>
		guarded(async () => {
			const { from, to } = parseQuery(compareQuery, query);
			const dataset = await findDataset(db, key);
			const versions = await listVersions(db, key);
			const numbers = versions.map((v) => v.version).sort((a, b) => a - b);
			const valid = `Valid: a version of ${dataset.key}: ${numbers.join(', ')}`;
			const problems = (
				[
					['from', from],
					['to', to]
				] as const
			).flatMap(([name, value]) =>
				value === undefined
					? [`${name}: required. ${valid}`]
					: numbers.includes(value)
						? []
						: [`${name}: ${dataset.title} has no version ${value}. ${valid}`]
			);
			if (problems.length) throw new ApiError(400, problems.join('; '));
			const c = await compareVersions(db, key, from!, to!);
			return {
				dataset: toDatasetHeader(dataset),
				from: toVersionRow(c.from),
				to: toVersionRow(c.to),
				counts: {
					added: c.added.length,
					changed: c.changed.length,
					removed: c.removed.length,
					unchanged: c.unchanged.length
				},
				added: c.added,
				changed: c.changed,
				removed: c.removed,
				view: `/data-sources/${encodeURIComponent(dataset.key)}?from=${from}&to=${to}`
			};
		})
	);
}
