import zlib from 'node:zlib';

/**
 * The fill colours a PDF's pages paint with, as #rrggbb, read from its content streams (inflated
 * where Flate-compressed). Chromium writes fills as `r g b rg` with components from 0 to 1.
 */
export function pdfFillColours(pdf: Buffer): Set<string> {
	const colours = new Set<string>();
	const text = pdf.toString('latin1');
	const streams = /(?<!end)stream\r?\n/g;
	let match: RegExpExecArray | null;
	while ((match = streams.exec(text))) {
		const start = match.index + match[0].length;
		const end = text.indexOf('endstream', start);
		if (end === -1) break;
		const raw = pdf.subarray(start, end);
		let content: string;
		try {
			content = zlib.inflateSync(raw).toString('latin1');
		} catch {
			content = raw.toString('latin1');
		}
		for (const m of content.matchAll(/(?:^|\s)([\d.]+) ([\d.]+) ([\d.]+) rg\b/g)) {
			const hex = [m[1], m[2], m[3]]
				.map((v) =>
					Math.round(Number(v) * 255)
						.toString(16)
						.padStart(2, '0')
				)
				.join('');
			colours.add(`#${hex}`);
		}
		streams.lastIndex = end;
	}
	return colours;
}

/** The number of pages in a PDF (its /Type /Page objects). */
export function pdfPageCount(pdf: Buffer): number {
	return (pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length;
}
