import crypto from 'node:crypto';

/**
 * Password hashing with scrypt from node:crypto: a random 16-byte salt per password and a
 * constant-time comparison. The cost parameters are stored with each hash, so raising them later
 * still verifies older hashes (and sign-in rehashes them at the new cost).
 */

export interface ScryptCost {
	/** CPU and memory cost, a power of two */
	N: number;
	r: number;
	p: number;
}

/** About 32 MiB and 50–100 ms a hash on a laptop: sign-in stays well under 300 ms. */
export const SCRYPT_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };

const KEY_BYTES = 32;
const SALT_BYTES = 16;
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 200;

function scrypt(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
	return new Promise((resolve, reject) =>
		crypto.scrypt(
			password.normalize('NFKC'),
			salt,
			KEY_BYTES,
			{ ...cost, maxmem: 256 * cost.N * cost.r },
			(err, key) => (err ? reject(err) : resolve(key))
		)
	);
}

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64. */
export async function hashPassword(
	password: string,
	cost: ScryptCost = SCRYPT_COST
): Promise<string> {
	const salt = crypto.randomBytes(SALT_BYTES);
	const key = await scrypt(password, salt, cost);
	return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join(
		'$'
	);
}

/** The cost a stored hash was made at, or undefined when it is not one of ours. */
export function costOf(stored: string): ScryptCost | undefined {
	const [scheme, n, r, p] = stored.split('$');
	const cost = { N: Number(n), r: Number(r), p: Number(p) };
	const sane =
		scheme === 'scrypt' &&
		Number.isInteger(Math.log2(cost.N)) &&
		cost.N >= 2 ** 10 &&
		cost.N <= 2 ** 20 &&
		Number.isInteger(cost.r) &&
		cost.r >= 1 &&
		cost.r <= 32 &&
		Number.isInteger(cost.p) &&
		cost.p >= 1 &&
		cost.p <= 16;
	return sane ? cost : undefined;
}

/** True when `password` matches `stored`; false for a wrong password or a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const cost = costOf(stored);
	const parts = stored.split('$');
	if (!cost || parts.length !== 6) return false;
	const salt = Buffer.from(parts[4]!, 'base64');
	const expected = Buffer.from(parts[5]!, 'base64');
	if (salt.length === 0 || expected.length !== KEY_BYTES) return false;
	const key = await scrypt(password, salt, cost);
	return crypto.timingSafeEqual(key, expected);
}

/** True when a stored hash was made at a lower cost than today's, so it should be remade. */
export function needsRehash(stored: string, cost: ScryptCost = SCRYPT_COST): boolean {
	const was = costOf(stored);
	return !was || was.N < cost.N || was.r < cost.r || was.p < cost.p;
}

/** Why a new password is not acceptable, or null when it is. */
export function passwordProblem(password: string): string | null {
	if (password.length < MIN_PASSWORD_LENGTH)
		return `The password must be at least ${MIN_PASSWORD_LENGTH} characters long`;
	if (password.length > MAX_PASSWORD_LENGTH)
		return `The password must be ${MAX_PASSWORD_LENGTH} characters or fewer`;
	if (password.trim() !== password) return 'The password must not start or end with a space';
	return null;
}

// No 0/O, 1/l/I: a one-time password is read off a screen and typed in.
const ONE_TIME_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A one-time password to hand over in person: 4 groups of 4 (about 79 bits), e.g. `k7qm-2xrd-…`. */
export function generateOneTimePassword(): string {
	const chars: string[] = [];
	while (chars.length < 16) {
		// Rejection sampling keeps every character equally likely.
		for (const byte of crypto.randomBytes(32)) {
			if (byte >= 256 - (256 % ONE_TIME_ALPHABET.length)) continue;
			chars.push(ONE_TIME_ALPHABET[byte % ONE_TIME_ALPHABET.length]!);
			if (chars.length === 16) break;
		}
	}
	return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-');
}
