import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../db';
import { forEachEngine } from '../testing/engines';
import { importServices } from './commit';
import { loadServiceReferenceData, type ServiceReferenceData } from './services';
import { DATABASE_HOOK_TIMEOUT, databaseState, readFixture } from './testing';

forEachEngine((engine) => {
	const HEADER =
		'source,reference,name,mechanism,lead_provider,categories,region,pdus,start_date,end_date,annual_value_gbp,sex';

	/** Rows that are valid on their own (`#` becomes a unique reference). */
	const GOOD_ROWS = [
		'local,#,Café drop-in,grant,Changing Lives,Accommodation,North East,,01/04/2025,31/03/2027,"£1,234.50",any',
		'roif,#,"Debt advice, Sunderland",grant,,FBD,,Sunderland,2025-04-01,46477,2500,female',
		'crs,#,"Two\r\nlines",call-off,Advance,ETE;Social Inclusion,A,,,,1234.5,male',
		'cfo,#,Hub,contract,,Dependency and Recovery,N53,,45383,,,'
	];

	/** Rows each with at least one error. */
	const BAD_ROWS = [
		'local,#,Bad category,grant,,Acommodation,North East,,,,,',
		'local,#,Bad date,grant,,ETE,North East,,31/02/2027,,,',
		'local,#,Bad money,grant,,ETE,North East,,,,12.34.56,',
		'local,#,Bad region,grant,,ETE,Nowhere Land,,,,,',
		'nonsense,#,Bad source,grant,,ETE,North East,,,,,',
		'local,#,,grant,,ETE,North East,,,,,',
		'local,#,Ends before it starts,grant,,ETE,Wales,,2027-01-01,2026-01-01,,',
		'local,#,No geography,grant,,ETE,,,,,,',
		'local,#,Too few fields,grant',
		'local,#,Bad sex,grant,,ETE,Wales,,,,,nobody'
	];

	let db: DB;
	let reference: ServiceReferenceData;

	beforeAll(async () => {
		db = await engine.freshDatabase({ seed: true });
		reference = await loadServiceReferenceData(db);
		// A current version to keep: a partial write would also have to flip it.
		const first = await importServices(db, readFixture('services-good.csv'), {
			fileName: 'services-good.csv',
			datasetName: 'generated',
			reference
		});
		expect(first.status).toBe('imported');
	}, DATABASE_HOOK_TIMEOUT);

	const fileArb = fc
		.record({
			good: fc.array(fc.integer({ min: 0, max: GOOD_ROWS.length - 1 }), { maxLength: 12 }),
			bad: fc.array(fc.integer({ min: 0, max: BAD_ROWS.length - 1 }), {
				minLength: 1,
				maxLength: 4
			}),
			seed: fc.integer(),
			crlf: fc.boolean(),
			encoding: fc.constantFrom('utf-8', 'utf-8-bom', 'windows-1252'),
			truncateAt: fc.double({ min: 0, max: 1, noNaN: true }),
			noise: fc.option(fc.uint8Array({ minLength: 1, maxLength: 4 }), { nil: undefined })
		})
		.map(({ good, bad, seed, crlf, encoding, truncateAt, noise }) => {
			// Interleave good and bad rows deterministically from the seed.
			const rows: { text: string; bad: boolean }[] = good.map((g) => ({
				text: GOOD_ROWS[g]!,
				bad: false
			}));
			let s = Math.abs(seed);
			for (const b of bad) {
				rows.splice(s % (rows.length + 1), 0, { text: BAD_ROWS[b]!, bad: true });
				s = Math.floor(s / 7) + 13;
			}
			const eol = crlf ? '\r\n' : '\n';
			const lines = rows.map((r, i) => r.text.replace('#', `R${i}`));
			const encode = (text: string) =>
				encoding === 'windows-1252'
					? Buffer.from(text, 'latin1') // £ and é are single bytes 0xA3 and 0xE9
					: Buffer.concat([
							Buffer.from(encoding === 'utf-8-bom' ? [0xef, 0xbb, 0xbf] : []),
							Buffer.from(text, 'utf8')
						]);
			const firstBad = rows.findIndex((r) => r.bad);
			// The file is cut anywhere after the first bad row, so at least one bad row always remains.
			const mustKeep = encode(HEADER + eol + lines.slice(0, firstBad + 1).join(eol)).length;
			const whole = encode(HEADER + eol + lines.join(eol) + eol);
			const cut = mustKeep + Math.floor(truncateAt * (whole.length - mustKeep));
			const bytes = Buffer.concat([whole.subarray(0, cut), Buffer.from(noise ?? [])]);
			return { bytes, description: { rows: lines, encoding, cut, noise } };
		});

	describe('importServices (property)', () => {
		it('a file with bad rows, in any encoding, cut short anywhere, never writes anything', async () => {
			const before = await databaseState(db);
			await fc.assert(
				fc.asyncProperty(fileArb, async ({ bytes }) => {
					const summary = await importServices(db, bytes, {
						fileName: 'generated.csv',
						datasetName: 'generated',
						reference
					});
					expect(summary.status).toBe('invalid');
					expect(summary.errors.length).toBeGreaterThan(0);
					expect(await databaseState(db)).toEqual(before);
				}),
				{ numRuns: 150 }
			);
		});

		it('control: the same rows without the bad ones import, in every encoding', async () => {
			const goodFiles = fc.record({
				good: fc.array(fc.integer({ min: 0, max: GOOD_ROWS.length - 1 }), {
					minLength: 1,
					maxLength: 12
				}),
				crlf: fc.boolean(),
				encoding: fc.constantFrom('utf-8', 'windows-1252')
			});
			await fc.assert(
				fc.asyncProperty(goodFiles, async ({ good, crlf, encoding }) => {
					const eol = crlf ? '\r\n' : '\n';
					const text = [HEADER, ...good.map((g, i) => GOOD_ROWS[g]!.replace('#', `R${i}`))].join(
						eol
					);
					const bytes = Buffer.from(text + eol, encoding === 'utf-8' ? 'utf8' : 'latin1');
					const summary = await importServices(db, bytes, {
						fileName: 'control.csv',
						datasetName: 'control',
						reference
					});
					expect(summary.errors).toEqual([]);
					expect(['imported', 'unchanged']).toContain(summary.status);
					expect(summary.accepted).toBe(good.length);
				}),
				{ numRuns: 25 }
			);
		});
	});
});
