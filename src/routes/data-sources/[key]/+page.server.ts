import { error, fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { getDb } from '$lib/server/context';
import {
	DatasetVersionError,
	MAX_USER_NAME,
	compareVersions,
	findDataset,
	listVersions,
	rollbackTo,
	versionsKeepingRows,
	type RowRef,
	type VersionComparison
} from '$lib/server/import/versions';
import type { Actions, PageServerLoad } from './$types';

/** At most this many rows of each list (added, changed, removed) are shown; the rest are counted. */
const MAX_SHOWN_ROWS = 100;

const versionNumber = z
	.string()
	.trim()
	.regex(/^[1-9]\d{0,8}$/, 'Select a version')
	.transform(Number);

export interface PageError {
	field: 'from' | 'to' | 'version' | 'user';
	message: string;
}

/** A comparison cut to what the page shows: the counts, and the first rows of each list. */
function shown(c: VersionComparison) {
	const plain = (r: RowRef) => ({ table: r.table, noun: r.noun, key: r.key, label: r.label });
	return {
		from: c.from.version,
		to: c.to.version,
		counts: {
			added: c.added.length,
			changed: c.changed.length,
			removed: c.removed.length,
			unchanged: c.unchanged.length
		},
		added: c.added.slice(0, MAX_SHOWN_ROWS).map(plain),
		changed: c.changed.slice(0, MAX_SHOWN_ROWS).map((r) => ({
			...plain(r),
			changes: r.changes.map((f) => ({ field: f.field, before: f.before, after: f.after }))
		})),
		removed: c.removed.slice(0, MAX_SHOWN_ROWS).map(plain),
		maxShown: MAX_SHOWN_ROWS
	};
}

async function datasetOr404(key: string) {
	try {
		return await findDataset(getDb(), key);
	} catch (caught) {
		if (caught instanceof DatasetVersionError) error(404, 'Page not found');
		throw caught;
	}
}

export const load: PageServerLoad = async ({ params, url }) => {
	const db = getDb();
	const dataset = await datasetOr404(params.key);
	const [versions, kept] = await Promise.all([
		listVersions(db, dataset.key),
		versionsKeepingRows(db, dataset.key)
	]);
	const current = versions.find((v) => v.isCurrent) ?? versions[0];
	const earlier = versions.find((v) => v !== current);

	// The comparison lives in the URL (?from=&to=), so it can be linked.
	const asked = url.searchParams.has('from') || url.searchParams.has('to');
	const errors: PageError[] = [];
	const pick = (field: 'from' | 'to') => {
		const raw = url.searchParams.get(field) ?? '';
		const parsed = versionNumber.safeParse(raw);
		if (!parsed.success) {
			errors.push({
				field,
				message: `Select the version to compare ${field === 'from' ? 'from' : 'with'}`
			});
			return null;
		}
		if (!versions.some((v) => v.version === parsed.data)) {
			errors.push({
				field,
				message: `${dataset.title} has no version ${parsed.data}: select one from the list`
			});
			return null;
		}
		return parsed.data;
	};
	const from = asked ? pick('from') : (earlier?.version ?? current?.version ?? null);
	const to = asked ? pick('to') : (current?.version ?? null);
	let comparison: ReturnType<typeof shown> | null = null;
	if (asked && errors.length === 0 && from !== null && to !== null) {
		try {
			comparison = shown(await compareVersions(db, dataset.key, from, to));
		} catch (caught) {
			if (!(caught instanceof DatasetVersionError)) throw caught;
			errors.push({ field: 'from', message: caught.message });
		}
	}

	// After a rollback (the action redirects here with ?rolledBack=<k>&version=<n>).
	const rolledBack = Number(url.searchParams.get('rolledBack'));
	const newVersion = versions.find((v) => v.version === Number(url.searchParams.get('version')));
	return {
		dataset,
		versions: versions.map((v) => ({ ...v, rowsKept: kept.has(v.version) })),
		currentVersion: current?.version ?? null,
		selected: { from, to },
		comparison,
		errors,
		rolledBack:
			newVersion && Number.isInteger(rolledBack) && rolledBack > 0
				? { to: rolledBack, version: newVersion.version, rowCount: newVersion.rowCount }
				: null,
		maxUserName: MAX_USER_NAME
	};
};

export const actions: Actions = {
	/**
	 * First post (from a version's "Roll back" button): show what would change and ask to confirm.
	 * Second post (confirmed=yes): add the new version, then back to the history with a banner.
	 */
	rollback: async ({ params, request }) => {
		const db = getDb();
		const dataset = await datasetOr404(params.key);
		const form = await request.formData();
		const version = versionNumber.safeParse(String(form.get('version') ?? ''));
		const user = String(form.get('user') ?? '')
			.trim()
			.replace(/\s+/g, ' ');
		const refuse = (field: PageError['field'], message: string) =>
			fail(400, { errors: [{ field, message }] satisfies PageError[] });
		if (!version.success) return refuse('version', 'Select the version to roll back to');
		const k = version.data;
		if (user.length > MAX_USER_NAME)
			return refuse('user', `Your name must be ${MAX_USER_NAME} characters or fewer`);

		if (form.get('confirmed') !== 'yes') {
			const versions = await listVersions(db, dataset.key);
			const current = versions.find((v) => v.isCurrent);
			try {
				if (!current || !versions.some((v) => v.version === k))
					throw new DatasetVersionError(
						'unknown-version',
						`${dataset.title} has no version ${k}: select one from the list`
					);
				if (current.version === k)
					throw new DatasetVersionError(
						'current-version',
						`Version ${k} is already the current version of ${dataset.title}, so there is nothing to roll back. Choose an earlier version`
					);
				// From what is current now to what rolling back would make current.
				const c = await compareVersions(db, dataset.key, current.version, k);
				return {
					confirm: {
						version: k,
						currentVersion: current.version,
						nextVersion: Math.max(...versions.map((v) => v.version)) + 1,
						rowCount: c.to.rowCount,
						counts: {
							added: c.added.length,
							changed: c.changed.length,
							removed: c.removed.length,
							unchanged: c.unchanged.length
						}
					},
					user
				};
			} catch (caught) {
				if (caught instanceof DatasetVersionError) return refuse('version', caught.message);
				throw caught;
			}
		}

		let result;
		try {
			result = await rollbackTo(db, dataset.key, k, { createdBy: user || 'web user' });
		} catch (caught) {
			if (caught instanceof DatasetVersionError) return refuse('version', caught.message);
			throw caught;
		}
		redirect(
			303,
			`/data-sources/${encodeURIComponent(dataset.key)}?rolledBack=${result.rolledBackTo}&version=${result.version}`
		);
	}
};
