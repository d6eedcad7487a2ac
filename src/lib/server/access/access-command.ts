import { z } from 'zod';
import { DEFAULT_CATCHMENT_KM, e2sfca } from '$lib/domain/access';
import { DataError, UsageError, type CliCommand } from './cli-kit';
import { parsePointsCsv, type PointsKind, type PointsTable } from './points-csv';

/** The largest catchment the CLI accepts, in km. */
export const MAX_CLI_CATCHMENT_KM = 1000;

/** The flags of `landscape access`, validated once, as the API validates its query strings. */
export const accessOptions = z.object({
	demand: z.string(),
	supply: z.string(),
	'catchment-km': z
		.string()
		.optional()
		.transform((raw, ctx): number => {
			if (raw === undefined) return DEFAULT_CATCHMENT_KM;
			const km = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/.test(raw) ? Number(raw) : NaN;
			if (!Number.isFinite(km))
				ctx.addIssue({ code: 'custom', message: `${JSON.stringify(raw)} is not a number` });
			else if (!(km > 0 && km <= MAX_CLI_CATCHMENT_KM))
				ctx.addIssue({
					code: 'custom',
					message: `${raw} is outside the catchments allowed: more than 0 and at most ${MAX_CLI_CATCHMENT_KM} km`
				});
			else return km;
			return z.NEVER;
		}),
	out: z.string().optional()
});
export type AccessOptions = z.output<typeof accessOptions>;

/** Turn the flag values into options, or a UsageError naming the flag. */
export function parseAccessOptions(values: Readonly<Record<string, string>>): AccessOptions {
	const result = accessOptions.safeParse(values);
	if (result.success) return result.data;
	const issue = result.error.issues[0]!;
	throw new UsageError(`--${String(issue.path[0])}: ${issue.message}`);
}

/** `id,access` rows in the order of the demand file; ids are quoted only where CSV needs it. */
export function formatAccessCsv(ids: readonly string[], access: ArrayLike<number>): string {
	const lines = ['id,access'];
	for (let i = 0; i < ids.length; i++) lines.push(`${csvField(ids[i]!)},${String(access[i]!)}`);
	return `${lines.join('\n')}\n`;
}

function csvField(text: string): string {
	return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const accessCommand: CliCommand = {
	name: 'access',
	summary: 'Travel access (E2SFCA) of demand points to supply sites: places a year per person',
	flags: [
		{
			name: 'demand',
			value: 'FILE',
			required: true,
			description: 'CSV of demand points: id,lat,lon,population'
		},
		{
			name: 'supply',
			value: 'FILE',
			required: true,
			description: 'CSV of supply sites: id,lat,lon,capacity (places a year)'
		},
		{
			name: 'catchment-km',
			value: 'KM',
			description: `catchment radius d0 in km (default ${DEFAULT_CATCHMENT_KM})`
		},
		{ name: 'out', value: 'FILE', description: 'write id,access here (default: standard output)' }
	],
	details: [
		'Method (enhanced two-step floating catchment area, E2SFCA), with d the haversine distance in km',
		'(Earth radius 6371.0088 km):',
		'  W(d) = (e^(−½(d/d0)²) − e^(−½)) / (1 − e^(−½)) for d ≤ d0, else 0',
		'  R_j  = S_j / Σ_k P_k·W(d_kj), or 0 where that sum is 0     (S = capacity, P = population)',
		'  A_i  = Σ_j R_j·W(d_ij)                                     (the access written out)',
		'',
		'Columns may come in any order and letter case; other columns are ignored. Latitudes and',
		'longitudes are decimal degrees (WGS84). The output has one row per demand id, in input order.',
		'Problems are reported as file:line:column. Exit status: 0 done, 1 invalid data or unreadable',
		'file, 2 wrong usage.'
	].join('\n'),
	run(values, io) {
		const options = parseAccessOptions(values);
		const read = (file: string, kind: PointsKind): PointsTable | string[] => {
			let text: string;
			try {
				text = io.readFile(file);
			} catch (caught) {
				if (caught instanceof DataError) return [...caught.problems];
				throw caught;
			}
			const parsed = parsePointsCsv(text, file, kind);
			return parsed.table ?? parsed.problems;
		};
		const demand = read(options.demand, 'demand');
		const supply = read(options.supply, 'supply');
		const problems = [
			...(Array.isArray(demand) ? demand : []),
			...(Array.isArray(supply) ? supply : [])
		];
		if (Array.isArray(demand) || Array.isArray(supply)) throw new DataError(problems);
		const started = performance.now();
		const result = e2sfca(
			{ lat: demand.lat, lon: demand.lon, population: demand.values },
			{ lat: supply.lat, lon: supply.lon, capacity: supply.values },
			options['catchment-km']
		);
		const ms = Math.round(performance.now() - started);
		const csv = formatAccessCsv(demand.ids, result.access);
		if (options.out === undefined || options.out === '-') io.stdout(csv);
		else io.writeFile(options.out, csv);
		io.stderr(
			`landscape access: ${demand.ids.length} demand points, ${supply.ids.length} sites, ` +
				`d0 ${options['catchment-km']} km: ${result.pairCount} pairs within d0, computed in ${ms} ms` +
				`${options.out && options.out !== '-' ? `; wrote ${options.out}` : ''}\n`
		);
	}
};
