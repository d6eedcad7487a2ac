// Import bench (`npm run bench`, section "Import"; or `node scripts/bench/import.js` alone): a
// generated 100,000-row services CSV (fixed seed) checked (--dry-run) and imported into a fresh
// migrated and seeded SQLite database by the command-line tool (build-cli/, built if missing or
// stale), each in its own child process, so the peak RSS is the import's alone. The children run
// `main(['import', 'services', file, …])` of the CLI bundle and report the time main took (opening
// the database, reading, checking, comparing and writing the file) and
// process.resourceUsage().maxRSS. Targets (issue 5): import ≤ 2 s, dry run ≤ 1 s, peak RSS ≤ 300 MB.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import Papa from 'papaparse';
import { seededRandom } from './access.js';
import { median } from './stats.js';

const root = path.resolve(import.meta.dirname, '../..');

export const IMPORT_BENCH = { rows: 100_000, runs: 3, seed: 20_261_123 };
export const IMPORT_TARGETS = { importMs: 2000, dryRunMs: 1000, peakRssMb: 300 };

/** @param {string} file @returns {Record<string, string>[]} */
function readDataCsv(file) {
	const text = fs.readFileSync(path.join(root, 'data', file), 'utf8').replace(/^\uFEFF/, '');
	return Papa.parse(text, { header: true, skipEmptyLines: 'greedy' }).data;
}

/** @param {string} value */
function csvCell(value) {
	return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const HEADER = [
	'Source',
	'Reference',
	'Name',
	'Mechanism',
	'Funder',
	'Lead Provider',
	'Subcontractors',
	'Categories',
	'Region',
	'PCC Areas',
	'PDUs',
	'Site Postcode',
	'Lat',
	'Lon',
	'Start Date',
	'End Date',
	'Annual Value GBP',
	'Total Value GBP',
	'Places per year',
	'Sex',
	'Min Age',
	'Max Age'
];
const SOURCES = [
	['local', 'Local', 'Other local service'],
	['crs', 'CRS'],
	['roif', 'ROIF'],
	['cfo', 'CFO'],
	['dynamic-framework', 'Dynamic Framework', 'DF']
];
const SOURCE_WEIGHTS = [0.4, 0.2, 0.15, 0.1, 0.15];
const MECHANISMS = ['contract', 'grant', 'grant', 'call-off', 'Call off', 'in-kind'];
const CATEGORIES = [
	'Accommodation',
	'ETE',
	'Education, Training and Employment',
	'FBD',
	'Finance, Benefits and Debt',
	'Dependency and Recovery',
	'D&R',
	'Lifestyle and Associates',
	'Family and Significant Others',
	'Emotional Wellbeing',
	'Social Inclusion'
];
const KINDS = ['support', 'drop-in', 'advice service', 'hub', 'outreach', 'mentoring', 'café'];
const FUNDERS = ['HMPPS', 'HMPPS (Probation Service)', 'Example PCC', 'Example council', ''];
// Scotland, Northern Ireland and the islands: not in a probation region of England and Wales.
const NOT_ENGLAND_OR_WALES = /^(AB|DD|DG|EH|FK|G|HS|IV|KA|KW|KY|ML|PA|PH|TD|ZE|BT|GY|JE|IM)\d/;

/**
 * A services CSV in the shape real files come in: mixed-case headers with spaces, a BOM, CRLF,
 * regions by name, nDelius code or R&M letter, PDUs by code or name, PCC areas, sites by postcode
 * district or lat/lon, money as £1,234.50 or plain, dates as 31/03/2027, ISO or Excel serials,
 * quoted names with commas, ~2,000 organisations (obviously made up, plus a few spellings of real
 * ones that resolve by alias). The same seed gives the same file. References are `<prefix>-<n>`.
 * With `changeEvery` n, every nth service (from the first) has its name changed: the same file
 * otherwise, for a re-import that changes n-th of the rows.
 * @param {{ rows: number, seed?: number, prefix?: string, startYear?: number, changeEvery?: number }} options
 * @returns {string}
 */
export function generateServicesCsv({
	rows,
	seed = IMPORT_BENCH.seed,
	prefix = 'BENCH',
	startYear = 2021,
	changeEvery = 0
}) {
	const random = seededRandom(seed);
	/** @template T @param {readonly T[]} list @returns {T} */
	const pick = (list) => /** @type {T} */ (list[Math.floor(random() * list.length)]);
	const chance = (p) => random() < p;
	const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));

	const regions = readDataCsv('geography/probation_regions.csv');
	const pdus = readDataCsv('geography/probation_delivery_units.csv');
	const pccByPdu = new Map();
	for (const r of readDataCsv('facts/pdu_pcc_area.csv'))
		pccByPdu.set(r.pdu_id, [...(pccByPdu.get(r.pdu_id) ?? []), r.pcc_area_name]);
	const pdusByRegion = new Map();
	const pccsByRegion = new Map();
	for (const p of pdus) {
		pdusByRegion.set(p.region_code, [...(pdusByRegion.get(p.region_code) ?? []), p]);
		const pccs = pccsByRegion.get(p.region_code) ?? new Set();
		for (const name of pccByPdu.get(p.pdu_id) ?? []) pccs.add(name);
		pccsByRegion.set(p.region_code, pccs);
	}
	const outcodes = readDataCsv('geography/postcode_districts.csv').filter(
		(o) => !NOT_ENGLAND_OR_WALES.test(o.outcode)
	);
	const organisations = Array.from(
		{ length: 2000 },
		(_, i) =>
			`Bench ${pick(['Community', 'Recovery', 'Housing', 'Women’s', 'Pathways', 'Futures'])} ${pick(['Trust', 'CIC', 'Ltd', 'Partnership', 'Charity'])} ${String(i + 1).padStart(4, '0')}`
	);
	// Real organisations' other spellings (data/organisation_aliases.csv), as real files name them.
	const aliases = readDataCsv('organisation_aliases.csv').map((a) => a.alias);

	const cumulative = [];
	let total = 0;
	for (const w of SOURCE_WEIGHTS) cumulative.push((total += w));
	const date = (y, m, d) => {
		const form = random();
		if (form < 0.5)
			return `${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${String(y)}`;
		if (form < 0.8)
			return `${String(y)}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
		return String(Math.round((Date.UTC(y, m - 1, d) - Date.UTC(1899, 11, 30)) / 86_400_000));
	};
	const money = (pounds) => {
		const form = random();
		if (form < 0.4) return `£${pounds.toLocaleString('en-GB', { minimumFractionDigits: 2 })}`;
		if (form < 0.7) return pounds.toLocaleString('en-GB');
		return String(pounds);
	};

	const lines = [HEADER.join(',')];
	for (let i = 0; i < rows; i++) {
		const s = random() * total;
		const sourceIndex = cumulative.findIndex((c) => s < c);
		const source = pick(SOURCES[sourceIndex === -1 ? 0 : sourceIndex]);
		const region = pick(regions);
		const categories = [];
		for (let n = int(1, 3); categories.length < n;) {
			const c = pick(CATEGORIES);
			if (!categories.includes(c)) categories.push(c);
		}
		let regionCell = '';
		let pccCell = '';
		let pduCell = '';
		let postcode = '';
		let lat = '';
		let lon = '';
		const where = random();
		if (where < 0.3)
			regionCell = pick([region.region_name, region.region_code, region.interventions_region_code]);
		else if (where < 0.55) {
			const inRegion = pdusByRegion.get(region.region_code);
			const chosen = new Set([pick(inRegion), ...(chance(0.3) ? [pick(inRegion)] : [])]);
			pduCell = [...chosen].map((p) => (chance(0.5) ? p.pdu_code : p.pdu_name)).join('; ');
			if (chance(0.3)) regionCell = region.region_name;
		} else if (where < 0.75) {
			const inRegion = [...pccsByRegion.get(region.region_code)];
			pccCell = [...new Set([pick(inRegion), ...(chance(0.2) ? [pick(inRegion)] : [])])].join('; ');
		} else {
			const o = pick(outcodes);
			if (chance(0.2)) {
				lat = (Number(o.latitude) + (random() - 0.5) * 0.01).toFixed(5);
				lon = (Number(o.longitude) + (random() - 0.5) * 0.01).toFixed(5);
			}
			postcode = chance(0.5)
				? `${o.outcode} ${int(1, 9)}${pick(['AB', 'DX', 'HQ', 'JZ'])}`
				: o.outcode;
		}
		const y = int(startYear, startYear + 5);
		const m = int(1, 12);
		const years = int(1, 5);
		const annual = int(5, 2000) * 500;
		const category = categories[0];
		const name = `${category} ${pick(KINDS)} ${i + 1}${chance(0.3) ? `, ${region.region_name}` : ''}`;
		const lead = chance(0.1) ? '' : chance(0.03) ? pick(aliases) : pick(organisations);
		const subs = Array.from({ length: chance(0.6) ? 0 : int(1, 3) }, () => pick(organisations));
		const minAge = chance(0.5) ? '' : String(pick([16, 18, 18, 21, 25]));
		const row = [
			source,
			`${prefix}-${String(i + 1).padStart(6, '0')}`,
			name,
			pick(MECHANISMS),
			pick(FUNDERS),
			lead,
			subs.join('; '),
			categories.join(chance(0.5) ? ';' : '; '),
			regionCell,
			pccCell,
			pduCell,
			postcode,
			lat,
			lon,
			chance(0.1) ? '' : date(y, m, 1),
			chance(0.1) ? '' : date(y + years, m, 1),
			chance(0.15) ? '' : money(annual),
			chance(0.5) ? '' : money(annual * years),
			chance(0.4) ? '' : String(int(0, 500)),
			pick(['any', 'any', 'Any', '', 'female', 'Women', 'male']),
			minAge,
			minAge && chance(0.5) ? String(int(Number(minAge), 99)) : ''
		];
		if (changeEvery > 0 && i % changeEvery === 0) row[2] = `${row[2]} (renamed)`;
		lines.push(row.map(csvCell).join(','));
	}
	return `\uFEFF${lines.join('\r\n')}\r\n`;
}

// ---------------------------------------------------------------------------------------------
// The bench: every run in its own child process, on its own copy of one seeded database.

/** @typedef {{ code: number, ms: number, cpuMs: number, maxRssMb: number, stdout: string, stderr: string, wallMs: number }} ChildResult */

/**
 * Run `node scripts/bench/import.js --child <db> <csv> [flags]` and return what it reports.
 * @param {string} db @param {string} csv @param {string[]} flags
 * @returns {Promise<ChildResult>}
 */
function runChildProcess(db, csv, flags) {
	return new Promise((resolve, reject) => {
		const started = performance.now();
		const child = spawn(process.execPath, [import.meta.filename, '--child', db, csv, ...flags], {
			cwd: root,
			stdio: ['ignore', 'pipe', 'pipe']
		});
		const killOnExit = () => child.kill('SIGKILL');
		process.once('exit', killOnExit);
		const timer = setTimeout(() => child.kill('SIGKILL'), 5 * 60_000);
		let out = '';
		let err = '';
		child.stdout.on('data', (chunk) => (out += chunk));
		child.stderr.on('data', (chunk) => (err += chunk));
		child.on('error', reject);
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			process.off('exit', killOnExit);
			const line = out.split('\n').find((l) => l.startsWith('IMPORT_CHILD_JSON '));
			if (!line)
				return reject(
					new Error(
						`the import child exited (${code ?? signal}) without a result:\n${(err || out).slice(-1500)}`
					)
				);
			const result = JSON.parse(line.slice('IMPORT_CHILD_JSON '.length));
			resolve({ ...result, wallMs: performance.now() - started });
		});
	});
}

/** A copy of the seeded database (and its write-ahead log, if any) at `to`. */
function copyDatabase(from, to) {
	for (const suffix of ['', '-wal', '-shm'])
		if (fs.existsSync(from + suffix)) fs.copyFileSync(from + suffix, to + suffix);
	return to;
}

/** @param {ChildResult} r @param {RegExp} expected @param {string} what */
function checkResult(r, expected, what) {
	if (r.code !== 0 || !expected.test(r.stdout))
		throw new Error(
			`${what} did not do what was expected (exit ${r.code}; wanted ${expected}):\n${r.stdout}${r.stderr}`.slice(
				0,
				3000
			)
		);
	return r;
}

/** Medians and the worst RSS of a list of child results. */
function summarise(results) {
	return {
		runsMs: results.map((r) => Math.round(r.ms)),
		medianMs: median(results.map((r) => r.ms)),
		cpuMedianMs: median(results.map((r) => r.cpuMs)),
		processMedianMs: median(results.map((r) => r.wallMs)),
		maxRssMb: Math.max(...results.map((r) => r.maxRssMb))
	};
}

/**
 * The import bench: build the CLI if needed, generate the file, seed a database once, then time
 * `runs` dry runs and `runs` imports (each into a fresh copy of the seeded database) and one
 * re-import of the file with a tenth of its services renamed, into the last import's database.
 * @param {{ log?: (...args: unknown[]) => void, runs?: number, rows?: number }} [options]
 */
export async function runImportBench({
	log = () => {},
	runs = IMPORT_BENCH.runs,
	rows = IMPORT_BENCH.rows
} = {}) {
	const { ensureCliBuild } = await import('../landscape.js');
	const { makeTempDir, removeTempDir } = await import('./proc.js');
	const built = ensureCliBuild();
	const dir = makeTempDir('landscape-import-bench-');
	try {
		const generated = performance.now();
		const csv = path.join(dir, 'services-bench.csv');
		fs.writeFileSync(csv, generateServicesCsv({ rows }));
		const renamed = path.join(dir, 'services-bench-renamed.csv');
		fs.writeFileSync(renamed, generateServicesCsv({ rows, changeEvery: 10 }));
		const bytes = fs.statSync(csv).size;
		log(
			`import: generated ${rows} rows (${(bytes / 1e6).toFixed(1)} MB) in ${Math.round(performance.now() - generated)} ms`
		);
		// The seeded database every run starts from (seeding is not part of an import).
		const template = path.join(dir, 'seeded.db');
		const oneRow = path.join(dir, 'one-row.csv');
		fs.writeFileSync(oneRow, generateServicesCsv({ rows: 1 }));
		checkResult(await runChildProcess(template, oneRow, ['--dry-run']), /accepted 1,/, 'seeding');
		const accepted = new RegExp(`accepted ${rows}, rejected 0`);
		const dryRuns = [];
		const imports = [];
		let lastImport = '';
		for (let i = 0; i < runs; i++) {
			const dry = checkResult(
				await runChildProcess(copyDatabase(template, path.join(dir, `dry-${i}.db`)), csv, [
					'--dry-run'
				]),
				accepted,
				'the dry run'
			);
			dryRuns.push(dry);
			log(
				`import: dry run ${i + 1}/${runs}: ${Math.round(dry.ms)} ms (CPU ${Math.round(dry.cpuMs)} ms, peak RSS ${Math.round(dry.maxRssMb)} MB)`
			);
			lastImport = copyDatabase(template, path.join(dir, `import-${i}.db`));
			const run = checkResult(
				await runChildProcess(lastImport, csv, []),
				new RegExp(`${accepted.source}\\ndataset services-bench version 1: added ${rows},`),
				'the import'
			);
			imports.push(run);
			log(
				`import: import ${i + 1}/${runs}: ${Math.round(run.ms)} ms (CPU ${Math.round(run.cpuMs)} ms, peak RSS ${Math.round(run.maxRssMb)} MB)`
			);
		}
		const changed = Math.ceil(rows / 10);
		const reimport = checkResult(
			await runChildProcess(lastImport, renamed, []),
			new RegExp(`version 2: added 0, changed ${changed}, removed 0, unchanged ${rows - changed},`),
			'the re-import'
		);
		log(
			`import: re-import with ${changed} services renamed: ${Math.round(reimport.ms)} ms (peak RSS ${Math.round(reimport.maxRssMb)} MB)`
		);
		return {
			rows,
			bytes,
			runs,
			builtCli: built,
			dryRun: summarise(dryRuns),
			import: summarise(imports),
			reimport: { changed, ...summarise([reimport]) },
			targets: IMPORT_TARGETS
		};
	} finally {
		removeTempDir(dir);
	}
}

// ---------------------------------------------------------------------------------------------
// The child: `node scripts/bench/import.js --child <db> <csv> [--dry-run]` runs one import with the
// CLI bundle and prints one line `IMPORT_CHILD_JSON {...}`.

async function runChild([db, file, ...flags]) {
	const { CLI_BUNDLE } = await import('../landscape.js');
	process.env.LANDSCAPE_DB = db;
	const cli = await import(pathToFileURL(CLI_BUNDLE).href);
	let stdout = '';
	let stderr = '';
	const io = {
		stdout: (text) => (stdout += text),
		stderr: (text) => (stderr += text),
		readFile: (f) => fs.readFileSync(f, 'utf8'),
		writeFile: (f, text) => fs.writeFileSync(f, text)
	};
	const cpu = process.cpuUsage();
	const started = performance.now();
	const code = await cli.main(['import', 'services', file, '--dataset', 'bench', ...flags], io);
	const ms = performance.now() - started;
	const used = process.cpuUsage(cpu);
	const cpuMs = (used.user + used.system) / 1000;
	const maxRssMb = process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
	console.log(`IMPORT_CHILD_JSON ${JSON.stringify({ code, ms, cpuMs, maxRssMb, stdout, stderr })}`);
}

// `node scripts/bench/import.js`: this section alone.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
	if (process.argv[2] === '--child') await runChild(process.argv.slice(3));
	else {
		const r = await runImportBench({ log: (...args) => console.error('bench:', ...args) });
		const ms = (v) => `${Math.round(v)} ms`;
		const verdict = (v, limit) => (v <= limit ? 'OK' : 'OVER');
		console.log(
			`Import of ${r.rows} services (${(r.bytes / 1e6).toFixed(1)} MB), medians of ${r.runs}: ` +
				`dry run ${ms(r.dryRun.medianMs)} (target ≤ ${IMPORT_TARGETS.dryRunMs} ms, ${verdict(r.dryRun.medianMs, IMPORT_TARGETS.dryRunMs)}; CPU ${ms(r.dryRun.cpuMedianMs)}), ` +
				`import ${ms(r.import.medianMs)} (target ≤ ${IMPORT_TARGETS.importMs} ms, ${verdict(r.import.medianMs, IMPORT_TARGETS.importMs)}; CPU ${ms(r.import.cpuMedianMs)}), ` +
				`peak RSS ${Math.round(Math.max(r.import.maxRssMb, r.dryRun.maxRssMb))} MB (target ≤ ${IMPORT_TARGETS.peakRssMb} MB); ` +
				`re-import with ${r.reimport.changed} renamed ${ms(r.reimport.medianMs)}`
		);
		console.log(`BENCH_IMPORT_JSON ${JSON.stringify(r)}`);
	}
}
