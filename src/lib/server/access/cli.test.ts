import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI_BUNDLE, ensureCliBuild } from '../../../../scripts/landscape.js';
import { DataError, EXIT_INVALID_DATA, EXIT_OK, EXIT_USAGE, type CliIo } from './cli-kit';
import { main } from './cli';

const root = path.resolve(import.meta.dirname, '../../../..');
const fixtures = path.join(root, 'tests/fixtures/access');

/** The hand-worked example of access.test.ts, which tests/fixtures/access/*.csv hold. */
const HAND_WORKED = [
	['D1', 0.0416193],
	['D2', 0.0491904],
	['D3', 0.02]
] as const;

/** An in-memory CliIo: files from a record, output collected. */
function recorder(files: Record<string, string> = {}) {
	const out = { stdout: '', stderr: '', written: {} as Record<string, string> };
	const io: CliIo = {
		stdout: (text) => void (out.stdout += text),
		stderr: (text) => void (out.stderr += text),
		readFile(file) {
			if (!(file in files)) throw new DataError([`${file}: cannot read the file (no such file)`]);
			return files[file]!;
		},
		writeFile: (file, text) => void (out.written[file] = text)
	};
	return { io, out };
}

function expectHandWorked(csv: string) {
	const [header, ...rows] = csv.trimEnd().split('\n');
	expect(header).toBe('id,access');
	expect(rows).toHaveLength(3);
	rows.forEach((row, i) => {
		const [id, value] = row.split(',');
		expect(id).toBe(HAND_WORKED[i]![0]);
		expect(Number(value)).toBeCloseTo(HAND_WORKED[i]![1], 7);
	});
}

describe('main (in process)', () => {
	const files = {
		'D.csv':
			'id,lat,lon,population\nD1,0,0,1000\nD2,0.1348980545586807,0,2000\nD3,0.4046941636760421,0,500\n',
		'S.csv': 'id,lat,lon,capacity\nS1,0,0,100\nS2,0.2697961091173614,0,50\n',
		'bad.csv': 'id,lat,lon,population\nD1,0,0,1000\nD2,0,0,1\nD3,abc,0,500\n'
	};

	it('writes id,access in input order to --out', async () => {
		const { io, out } = recorder(files);
		const code = await main(
			[
				'access',
				'--demand',
				'D.csv',
				'--supply',
				'S.csv',
				'--catchment-km',
				'30',
				'--out',
				'A.csv'
			],
			io
		);
		expect(code).toBe(EXIT_OK);
		expectHandWorked(out.written['A.csv']!);
		expect(out.stdout).toBe('');
		expect(out.stderr).toMatch(/^landscape access: 3 demand points, 2 sites, d0 30 km: 5 pairs/);
	});

	it('writes to standard output without --out, with a 30 km catchment by default', async () => {
		const { io, out } = recorder(files);
		expect(await main(['access', '--demand=D.csv', '--supply=S.csv'], io)).toBe(EXIT_OK);
		expectHandWorked(out.stdout);
	});

	it.each([
		{ argv: [], why: 'no command', error: /^landscape: no command given\./ },
		{
			argv: ['acces'],
			why: 'an unknown command',
			error: /unknown command 'acces'\. Did you mean 'access'\?/
		},
		{ argv: ['help', 'nope'], why: 'help on an unknown command', error: /unknown command 'nope'/ },
		{
			argv: ['access', '--demand', 'D.csv'],
			why: 'a missing flag',
			error: /missing --supply FILE/
		},
		{
			argv: ['access', '--demand', 'D.csv', '--supply', 'S.csv', '--km', '5'],
			why: 'an unknown flag',
			error: /unknown flag --km/
		},
		{
			argv: ['access', '--demand', 'D.csv', '--supply', 'S.csv', '--catchment-km', 'far'],
			why: 'a catchment that is not a number',
			error: /--catchment-km: "far" is not a number/
		},
		{
			argv: ['access', '--demand', 'D.csv', '--supply', 'S.csv', '--catchment-km', '0'],
			why: 'a catchment of 0',
			error: /--catchment-km: 0 is outside the catchments allowed/
		}
	])('exits 2 with usage for $why', async ({ argv, error }) => {
		const { io, out } = recorder(files);
		expect(await main(argv, io)).toBe(EXIT_USAGE);
		expect(out.stderr).toMatch(error);
		expect(out.stderr).toContain('Usage: npm run landscape -- ');
		expect(out.stdout).toBe('');
	});

	it.each([
		{ argv: ['help'], shows: 'Commands:' },
		{ argv: ['--help'], shows: 'Commands:' },
		{ argv: ['help', 'access'], shows: 'R_j  = S_j / Σ_k P_k·W(d_kj)' },
		{ argv: ['access', '--help'], shows: 'A_i  = Σ_j R_j·W(d_ij)' }
	])('exits 0 with help for $argv', async ({ argv, shows }) => {
		const { io, out } = recorder(files);
		expect(await main(argv, io)).toBe(EXIT_OK);
		expect(out.stdout).toContain(shows);
	});

	it('exits 1 naming file, line and column for invalid data, and for a missing file', async () => {
		const bad = recorder(files);
		expect(await main(['access', '--demand', 'bad.csv', '--supply', 'S.csv'], bad.io)).toBe(
			EXIT_INVALID_DATA
		);
		expect(bad.out.stderr).toBe('bad.csv:4:lat: "abc" is not a number\n');
		const missing = recorder(files);
		expect(await main(['access', '--demand', 'D.csv', '--supply', 'none.csv'], missing.io)).toBe(
			EXIT_INVALID_DATA
		);
		expect(missing.out.stderr).toMatch(/^none\.csv: cannot read the file/);
	});
});

describe('the built CLI (build-cli/landscape.js, run as a child process)', () => {
	beforeAll(() => {
		// Builds with `npx vite build -c vite.cli.config.ts` only when build-cli/ is missing or stale.
		ensureCliBuild();
	}, 300_000);

	const run = (...args: string[]) =>
		spawnSync(process.execPath, [CLI_BUNDLE, ...args], {
			cwd: fixtures,
			encoding: 'utf8',
			timeout: 60_000
		});

	it('exits 0 and prints id,access for the fixtures (BOM, CRLF, odd headers, blank lines)', () => {
		const result = run(
			'access',
			'--demand',
			'demand.csv',
			'--supply',
			'supply.csv',
			'--catchment-km',
			'30'
		);
		expect(result.stderr).toMatch(/^landscape access: 3 demand points, 2 sites/);
		expect(result.status).toBe(EXIT_OK);
		expectHandWorked(result.stdout);
	});

	it('exits 1 naming the file, line and column of bad data', () => {
		const result = run(
			'access',
			'--demand',
			'demand-bad.csv',
			'--supply',
			'supply-no-capacity.csv'
		);
		expect(result.status).toBe(EXIT_INVALID_DATA);
		expect(result.stdout).toBe('');
		expect(result.stderr.split('\n')).toEqual([
			'demand-bad.csv:4:lat: "abc" is not a number',
			'demand-bad.csv:5:population: "-1" is negative; population must be 0 or more',
			'supply-no-capacity.csv:1: no "capacity" column in the header (found: id, lat, lon, places); expected id,lat,lon,capacity',
			''
		]);
	});

	it('exits 2 with usage for an unknown command or flag, or a missing flag', () => {
		for (const args of [['nope'], ['access', '--demand', 'demand.csv'], ['access', '--x', '1']]) {
			const result = run(...args);
			expect(result.status).toBe(EXIT_USAGE);
			expect(result.stderr).toContain('Usage: npm run landscape -- ');
		}
	});
});
