import type { Provenance } from '$lib/domain/provenance';
import type { DB } from '../db';

export interface DatasetInfo {
	key: string;
	title: string;
	description: string;
	source: string;
	sourceUrl: string | null;
	licence: string;
	vintage: string;
	provenance: Provenance;
	method: string | null;
	version: number | null;
	rowCount: number | null;
	fileName: string | null;
	checksum: string | null;
	loadedAt: string | null;
	loadedBy: string | null;
}

/** Every dataset with its current version. */
export async function listDatasets(db: DB): Promise<DatasetInfo[]> {
	const rows = await db
		.selectFrom('datasets as d')
		.leftJoin('dataset_versions as v', (join) =>
			join.onRef('v.dataset_key', '=', 'd.key').on('v.is_current', '=', 1)
		)
		.selectAll('d')
		.select([
			'v.version',
			'v.row_count',
			'v.file_name',
			'v.checksum',
			'v.created_at',
			'v.created_by'
		])
		.orderBy('d.sort_order')
		.execute();
	return rows.map((r) => ({
		key: r.key,
		title: r.title,
		description: r.description,
		source: r.source,
		sourceUrl: r.source_url,
		licence: r.licence,
		vintage: r.vintage,
		provenance: r.provenance as Provenance,
		method: r.method,
		version: r.version,
		rowCount: r.row_count,
		fileName: r.file_name,
		checksum: r.checksum,
		loadedAt: r.created_at,
		loadedBy: r.created_by
	}));
}
