/**
 * Rows in PostgreSQL's binary COPY format (`copy … from stdin (format binary)`), for `db copy`:
 * PostgreSQL reads it for about half the work of the text format, parsing no numbers and unescaping
 * no text. Each value is written as the column's own type stores it, so a value that does not fit
 * (text in an integer column, a number past int4, a non-number in a float column: all of which
 * SQLite accepts) is refused here, as PostgreSQL would refuse it in text, never written as something
 * else.
 */

/** A column as the binary format needs it: its PostgreSQL type name (int4, float8, text…). */
export interface BinaryColumn {
	name: string;
	type: string;
}

/** A value that the target column cannot hold. */
export class UncopyableValue extends Error {
	override name = 'UncopyableValue';
}

/** The binary format's fixed header: signature, flags (none), header extension (none). */
const HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
/** After the last row: a field count of -1. */
const TRAILER = Buffer.from([0xff, 0xff]);

/** The types written; anything else is refused before a row is sent. */
const WRITERS = {
	int2: (out: Output, v: unknown) => out.int(v, 2),
	int4: (out: Output, v: unknown) => out.int(v, 4),
	int8: (out: Output, v: unknown) => out.int(v, 8),
	float4: (out: Output, v: unknown) => out.float(v, 4),
	float8: (out: Output, v: unknown) => out.float(v, 8),
	text: (out: Output, v: unknown) => out.text(v),
	varchar: (out: Output, v: unknown) => out.text(v)
} satisfies Record<string, (out: Output, v: unknown) => void>;

/** Whether `binaryCopy` can write a column of this PostgreSQL type. */
export function writesBinary(type: string): boolean {
	return Object.hasOwn(WRITERS, type);
}

/**
 * The COPY data for `rows` (batches of rows, each its values in `columns` order): one Buffer a batch,
 * the header before the first and the trailer after the last. `onRow` sees each row's bytes as
 * written (valid only during the call).
 */
export async function* binaryCopy(
	rows: AsyncIterable<unknown[][]>,
	columns: BinaryColumn[],
	onRow: (bytes: Buffer) => void = () => {}
): AsyncGenerator<Buffer> {
	const writers = columns.map((c) => {
		if (!writesBinary(c.type)) throw new UncopyableValue(`${c.name} has type ${c.type}`);
		return WRITERS[c.type as keyof typeof WRITERS];
	});
	yield HEADER;
	for await (const batch of rows) {
		const out = new Output();
		for (const row of batch) {
			const start = out.length;
			out.fieldCount(columns.length);
			for (let i = 0; i < columns.length; i++) {
				const value = row[i];
				out.column = columns[i]!;
				if (value === null || value === undefined) out.null();
				else writers[i]!(out, value);
			}
			onRow(out.bytes(start));
		}
		yield out.bytes();
	}
	yield TRAILER;
}

/** A growing buffer of one batch's rows. */
class Output {
	#buffer = Buffer.allocUnsafe(1 << 20);
	#at = 0;
	/** The column being written, for messages. */
	column: BinaryColumn = { name: '', type: '' };

	fieldCount(n: number) {
		this.#room(2);
		this.#at = this.#buffer.writeInt16BE(n, this.#at);
	}

	null() {
		this.#room(4);
		this.#at = this.#buffer.writeInt32BE(-1, this.#at);
	}

	int(value: unknown, bytes: 2 | 4 | 8) {
		const whole =
			typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value));
		if (!whole) this.#refuse(value);
		this.#room(4 + bytes);
		const b = this.#buffer;
		let at = b.writeInt32BE(bytes, this.#at);
		try {
			if (bytes === 8) at = b.writeBigInt64BE(BigInt(value as number | bigint), at);
			else if (bytes === 4) at = b.writeInt32BE(Number(value), at);
			else at = b.writeInt16BE(Number(value), at);
		} catch {
			this.#refuse(value); // out of the type's range (Buffer checks it)
		}
		this.#at = at;
	}

	float(value: unknown, bytes: 4 | 8) {
		if (typeof value !== 'number') this.#refuse(value);
		this.#room(4 + bytes);
		const b = this.#buffer;
		const at = b.writeInt32BE(bytes, this.#at);
		this.#at =
			bytes === 8 ? b.writeDoubleBE(value as number, at) : b.writeFloatBE(value as number, at);
	}

	text(value: unknown) {
		if (typeof value !== 'string') this.#refuse(value);
		const text = value as string;
		// UTF-8 takes at most 3 bytes for each UTF-16 unit.
		this.#room(4 + text.length * 3);
		const length = this.#buffer.write(text, this.#at + 4, 'utf8');
		this.#buffer.writeInt32BE(length, this.#at);
		this.#at += 4 + length;
	}

	get length(): number {
		return this.#at;
	}

	bytes(from = 0): Buffer {
		return this.#buffer.subarray(from, this.#at);
	}

	#room(bytes: number) {
		if (this.#at + bytes <= this.#buffer.length) return;
		const bigger = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, this.#at + bytes));
		this.#buffer.copy(bigger, 0, 0, this.#at);
		this.#buffer = bigger;
	}

	#refuse(value: unknown): never {
		const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
		throw new UncopyableValue(
			`${this.column.name} holds ${shown.length > 80 ? `${shown.slice(0, 80)}…` : shown}, which a PostgreSQL ${this.column.type} column cannot`
		);
	}
}
