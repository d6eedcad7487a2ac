import { describe, expect, it } from 'vitest';
import {
	SCRYPT_COST,
	costOf,
	generateOneTimePassword,
	hashPassword,
	needsRehash,
	passwordProblem,
	verifyPassword
} from './passwords';

describe('passwords', () => {
	it('hashes with scrypt and a random salt, storing the cost, and verifies', async () => {
		const a = await hashPassword('correct horse battery');
		const b = await hashPassword('correct horse battery');
		expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
		expect(a).not.toBe(b);
		expect(costOf(a)).toEqual(SCRYPT_COST);
		expect(await verifyPassword('correct horse battery', a)).toBe(true);
		expect(await verifyPassword('correct horse batterz', a)).toBe(false);
		expect(await verifyPassword('', a)).toBe(false);
	});

	it('verifies a hash made at another cost, and says it should be remade', async () => {
		const cheap = await hashPassword('correct horse battery', { N: 1024, r: 8, p: 1 });
		expect(await verifyPassword('correct horse battery', cheap)).toBe(true);
		expect(needsRehash(cheap)).toBe(true);
		expect(needsRehash(await hashPassword('x'.repeat(12)))).toBe(false);
	});

	it('refuses malformed or tampered hashes rather than throwing', async () => {
		const good = await hashPassword('correct horse battery');
		const parts = good.split('$');
		for (const bad of [
			'',
			'plain',
			`bcrypt$${parts.slice(1).join('$')}`,
			good.replace('$32768$', '$3$'), // not a sane cost
			good.replace('$32768$', `$${2 ** 24}$`), // far too dear: refused, not attempted
			[...parts.slice(0, 5), Buffer.alloc(16).toString('base64')].join('$') // wrong length
		])
			expect(await verifyPassword('correct horse battery', bad)).toBe(false);
	});

	it('asks for at least 12 characters, at most 200, without edge spaces', () => {
		expect(passwordProblem('short')).toBe('The password must be at least 12 characters long');
		expect(passwordProblem('x'.repeat(201))).toBe('The password must be 200 characters or fewer');
		expect(passwordProblem(' twelve chars ')).toBe(
			'The password must not start or end with a space'
		);
		expect(passwordProblem('twelve chars')).toBeNull();
	});

	it('makes one-time passwords of 4 groups of 4 unambiguous characters, all different', () => {
		const made = new Set(Array.from({ length: 200 }, generateOneTimePassword));
		expect(made.size).toBe(200);
		for (const p of made) {
			expect(p).toMatch(/^[a-hj-km-np-z2-9]{4}(-[a-hj-km-np-z2-9]{4}){3}$/);
			expect(passwordProblem(p)).toBeNull();
		}
	});
});
