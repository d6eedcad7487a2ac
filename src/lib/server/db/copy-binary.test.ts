import { describe, expect, it } from 'vitest';
import { binaryCopy, UncopyableValue, type BinaryColumn } from './copy-binary';

async function* batches(...rows: unknown[][][]) {
	yield* rows;
}

async function encode(columns: BinaryColumn[], ...rows: unknown[][][]): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of binaryCopy(batches(...rows), columns)) chunks.push(chunk);
	return Buffer.concat(chunks);
}

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('binaryCopy', () => {
	it("writes the header, each row's values as their types store them, and the trailer", async () => {
		const columns = [
			{ name: 'a', type: 'int2' },
			{ name: 'b', type: 'int4' },
			{ name: 'c', type: 'int8' },
			{ name: 'd', type: 'float8' },
			{ name: 'e', type: 'text' },
			{ name: 'f', type: 'varchar' }
		];
		const bytes = await encode(columns, [[-2, 7, 2n ** 60n + 1n, 0.1 + 0.2, 'Å😀', null]]);
		expect(bytes).toEqual(
			hex(`
				5047434f50590aff0d0a00 00000000 00000000
				0006
				00000002 fffe
				00000004 00000007
				00000008 1000000000000001
				00000008 3fd3333333333334
				00000006 c385 f09f9880
				ffffffff
				ffff`)
		);
	});

	it('writes each batch as one chunk', async () => {
		const chunks: Buffer[] = [];
		for await (const chunk of binaryCopy(batches([['x'], ['y']], [['z']]), [
			{ name: 'a', type: 'text' }
		]))
			chunks.push(chunk);
		expect(chunks.map((c) => c.length)).toEqual([19, 2 * (2 + 4 + 1), 2 + 4 + 1, 2]);
	});

	it("hands each row's bytes to onRow, as they are written", async () => {
		const seen: string[] = [];
		const rows = binaryCopy(batches([[1], [null]], [[-1]]), [{ name: 'a', type: 'int4' }], (b) =>
			seen.push(b.toString('hex'))
		);
		for await (const chunk of rows) void chunk;
		expect(seen).toEqual(['00010000000400000001', '0001ffffffff', '000100000004ffffffff']);
	});

	it('grows past its first buffer for long text', async () => {
		const long = 'é'.repeat(3_000_000);
		const bytes = await encode([{ name: 'a', type: 'text' }], [[long], [long]]);
		expect(bytes.length).toBe(19 + 2 * (2 + 4 + 6_000_000) + 2);
		expect(bytes.subarray(19 + 2 + 4, 19 + 2 + 4 + 6_000_000).toString('utf8')).toBe(long);
	});

	it.each([
		['int4', 'not a number', /a holds "not a number", which a PostgreSQL int4 column cannot/],
		['int4', 1.5, /a holds 1\.5, which a PostgreSQL int4 column cannot/],
		['int4', 2 ** 31, /a holds 2147483648, which a PostgreSQL int4 column cannot/],
		['int2', 40_000, /a holds 40000, which a PostgreSQL int2 column cannot/],
		['int8', 2n ** 63n, /a holds 9223372036854775808, which a PostgreSQL int8 column cannot/],
		['float8', 'abc', /a holds "abc", which a PostgreSQL float8 column cannot/],
		['text', 12, /a holds 12, which a PostgreSQL text column cannot/],
		['numeric', 1, /a has type numeric/]
	])('refuses, for a %s column, %s', async (type, value, message) => {
		const refused = encode([{ name: 'a', type }], [[value]]);
		await expect(refused).rejects.toThrow(UncopyableValue);
		await expect(refused).rejects.toThrow(message);
	});
});
