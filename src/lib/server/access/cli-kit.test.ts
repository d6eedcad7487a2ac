import { describe, expect, it } from 'vitest';
import { commandUsage, parseFlags, UsageError, type CliCommand, type FlagSpec } from './cli-kit';

const flags: FlagSpec[] = [
	{ name: 'demand', value: 'FILE', required: true, description: 'demand points' },
	{ name: 'supply', value: 'FILE', required: true, description: 'supply sites' },
	{ name: 'catchment-km', value: 'KM', description: 'catchment' },
	{ name: 'out', value: 'FILE', description: 'output' }
];

describe('parseFlags', () => {
	it.each([
		{
			why: 'space-separated values',
			argv: ['--demand', 'D.csv', '--supply', 'S.csv'],
			values: { demand: 'D.csv', supply: 'S.csv' }
		},
		{
			why: '--name=value, in any order',
			argv: ['--supply=S.csv', '--catchment-km=12.5', '--demand=D.csv'],
			values: { demand: 'D.csv', supply: 'S.csv', 'catchment-km': '12.5' }
		},
		{
			why: 'a value that starts with one dash',
			argv: ['--demand', 'D.csv', '--supply', 'S.csv', '--catchment-km', '-5'],
			values: { demand: 'D.csv', supply: 'S.csv', 'catchment-km': '-5' }
		},
		{
			why: 'a value holding an equals sign',
			argv: ['--demand=a=b.csv', '--supply', 'S.csv', '--out', '-'],
			values: { demand: 'a=b.csv', supply: 'S.csv', out: '-' }
		}
	])('reads $why', ({ argv, values }) => {
		expect(parseFlags(argv, flags)).toEqual({ help: false, values });
	});

	it.each([['-h'], ['--help'], ['--demand', 'D.csv', '--help']])(
		'asks for help on %j',
		(...argv) => {
			expect(parseFlags(argv, flags).help).toBe(true);
		}
	);

	it.each([
		{
			why: 'an unknown flag, with the nearest',
			argv: ['--demnd', 'D.csv'],
			error: /^unknown flag --demnd\. Did you mean --demand\? Valid: --demand, --supply/
		},
		{
			why: 'an unknown flag, nothing near',
			argv: ['--colour', 'red'],
			error: /^unknown flag --colour\. Valid:/
		},
		{ why: 'a positional argument', argv: ['D.csv'], error: /^unexpected argument 'D.csv'/ },
		{
			why: 'a flag without a value',
			argv: ['--supply', 'S.csv', '--demand'],
			error: /^--demand needs a value: --demand FILE$/
		},
		{
			why: 'a flag followed by another flag',
			argv: ['--demand', '--supply', 'S.csv'],
			error: /^--demand needs a value/
		},
		{ why: 'an empty value', argv: ['--demand='], error: /^--demand needs a value/ },
		{
			why: 'a flag given twice',
			argv: ['--demand', 'a', '--demand', 'b', '--supply', 's'],
			error: /^--demand is given twice/
		},
		{
			why: 'missing required flags',
			argv: ['--out', 'A.csv'],
			error: /^missing --demand FILE and --supply FILE$/
		}
	])('refuses $why', ({ argv, error }) => {
		expect(() => parseFlags(argv, flags)).toThrow(UsageError);
		expect(() => parseFlags(argv, flags)).toThrow(error);
	});
});

describe('commandUsage', () => {
	const command: CliCommand = {
		name: 'access',
		summary: 'Travel access',
		flags,
		details: 'The method.',
		run: () => {}
	};
	it('shows required and optional flags, aligned, and the details', () => {
		const usage = commandUsage(command);
		expect(usage).toContain(
			'Usage: npm run landscape -- access --demand FILE --supply FILE [--catchment-km KM] [--out FILE]'
		);
		expect(usage).toContain('  --catchment-km KM  catchment\n');
		expect(usage).toContain('  --demand FILE      demand points\n');
		expect(usage).toContain('The method.');
	});
	it('points to the full help instead of the details when brief', () => {
		const usage = commandUsage(command, true);
		expect(usage).not.toContain('The method.');
		expect(usage).toContain('More: npm run landscape -- help access');
	});
});
