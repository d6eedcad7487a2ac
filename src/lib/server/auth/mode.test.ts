import { describe, expect, it } from 'vitest';
import { isLoopbackHost, resolveMode } from './mode';

describe('isLoopbackHost', () => {
	it.each([
		[undefined, true],
		['', true],
		['127.0.0.1', true],
		['127.1.2.3', true],
		['localhost', true],
		['LOCALHOST', true],
		['::1', true],
		['[::1]', true],
		['::ffff:127.0.0.1', true],
		['0.0.0.0', false],
		['::', false],
		['192.168.1.20', false],
		['landscape.example.org', false],
		['127.0.0.1.example.org', false]
	])('%s → %s', (host, loopback) => {
		expect(isLoopbackHost(host)).toBe(loopback);
	});
});

describe('resolveMode', () => {
	it('is local on a loopback address unless LANDSCAPE_MODE=shared', () => {
		expect(resolveMode({})).toBe('local');
		expect(resolveMode({ HOST: '127.0.0.1' })).toBe('local');
		expect(resolveMode({ HOST: '::1', LANDSCAPE_MODE: 'local' })).toBe('local');
		expect(resolveMode({ HOST: '127.0.0.1', LANDSCAPE_MODE: 'shared' })).toBe('shared');
		expect(resolveMode({ LANDSCAPE_MODE: ' Shared ' })).toBe('shared');
	});

	it('is shared on any other address, even when LANDSCAPE_MODE=local asks otherwise', () => {
		expect(resolveMode({ HOST: '0.0.0.0' })).toBe('shared');
		expect(resolveMode({ HOST: '10.0.0.5', LANDSCAPE_MODE: 'local' })).toBe('shared');
	});

	it('refuses a LANDSCAPE_MODE it does not know, naming the valid ones', () => {
		expect(() => resolveMode({ LANDSCAPE_MODE: 'shraed' })).toThrow(
			"LANDSCAPE_MODE is 'shraed': it must be 'local' or 'shared' (or unset)"
		);
	});
});
