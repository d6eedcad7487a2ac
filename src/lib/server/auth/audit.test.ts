import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DB } from '../db';
import { auditCsv, auditFilterSchema, listAudit, listAuditActions, recordAudit } from './audit';
import { peopleTestDb } from './testing';
import { describeEachEngine } from '../testing/engines';

let db: DB;
describeEachEngine('audit log', (engine) => {
	beforeEach(async () => {
		db = await peopleTestDb(() => engine.freshDatabase());
		const entries = [
			['2026-11-27T10:00:00.000Z', 'ann@example.org', 'sign-in'],
			['2026-11-28T10:00:00.000Z', 'ann@example.org', 'scenario.save'],
			['2026-11-28T23:59:59.999Z', 'bob@example.org', 'scenario.create'],
			['2026-11-29T00:00:00.000Z', 'bob@example.org', 'import.confirm'],
			['2026-11-29T08:00:00.000Z', '=HYPERLINK("http://x")', 'sign-in.failed']
		] as const;
		for (const [at, actor, action] of entries)
			await recordAudit(db, {
				at: new Date(at),
				actor,
				action,
				target: action.startsWith('scenario') ? 'scenario:abc' : null,
				before: action === 'scenario.save' ? { version: 1 } : undefined,
				after: action === 'scenario.save' ? { version: 2 } : undefined,
				requestId: 'req-1',
				ip: '192.0.2.1'
			});
	});
	afterEach(async () => {
		await db.destroy();
	});

	describe('audit log', () => {
		it('is append-only: the database refuses to change or delete an entry', async () => {
			await expect(
				db.updateTable('audit_log').set({ actor: 'someone else' }).execute()
			).rejects.toThrow('audit_log is append-only: entries cannot be changed');
			await expect(db.deleteFrom('audit_log').where('id', '=', 1).execute()).rejects.toThrow(
				'audit_log is append-only: entries cannot be deleted'
			);
			await expect(sql`delete from audit_log`.execute(db)).rejects.toThrow('append-only');
			expect((await listAudit(db, {})).total).toBe(5);
			// appending still works
			await recordAudit(db, { actor: 'ann@example.org', action: 'sign-out' });
			expect((await listAudit(db, {})).total).toBe(6);
		});

		it('filters by actor (any part, any case), action family and inclusive UTC dates, newest first', async () => {
			const actors = async (filter: object) =>
				(await listAudit(db, auditFilterSchema.parse(filter))).entries.map(
					(e) => `${e.actor} ${e.action}`
				);
			expect(await actors({ actor: 'ANN' })).toEqual([
				'ann@example.org scenario.save',
				'ann@example.org sign-in'
			]);
			expect(await actors({ action: 'scenario' })).toEqual([
				'bob@example.org scenario.create',
				'ann@example.org scenario.save'
			]);
			expect(await actors({ action: 'sign-in' })).toEqual([
				'=HYPERLINK("http://x") sign-in.failed',
				'ann@example.org sign-in'
			]);
			expect(await actors({ from: '2026-11-28', to: '2026-11-28' })).toEqual([
				'bob@example.org scenario.create',
				'ann@example.org scenario.save'
			]);
			expect(await actors({ from: '2026-11-29', actor: 'bob' })).toEqual([
				'bob@example.org import.confirm'
			]);
			expect(await actors({ actor: '%' })).toEqual([]);
			const saved = (await listAudit(db, { action: 'scenario.save' })).entries[0]!;
			expect(saved).toMatchObject({
				before: { version: 1 },
				after: { version: 2 },
				target: 'scenario:abc',
				requestId: 'req-1',
				ip: '192.0.2.1'
			});
			expect(await listAuditActions(db)).toEqual([
				'import.confirm',
				'scenario.create',
				'scenario.save',
				'sign-in',
				'sign-in.failed'
			]);
		});

		it('rejects a bad filter with a specific message', () => {
			const bad = auditFilterSchema.safeParse({ from: '29/11/2026' });
			expect(bad.success || bad.error.issues[0]!.message).toBe(
				'Enter a date as YYYY-MM-DD, for example 2026-11-29'
			);
			const backwards = auditFilterSchema.safeParse({ from: '2026-11-29', to: '2026-11-28' });
			expect(backwards.success || backwards.error.issues[0]).toMatchObject({
				path: ['to'],
				message: 'The end date must be the same as or after the start date'
			});
			expect(auditFilterSchema.parse({ actor: '  ', action: '', from: '', to: '' })).toEqual({});
		});

		it('exports CSV with formula injection neutralised', async () => {
			const csv = auditCsv((await listAudit(db, {})).entries);
			const lines = csv.trimEnd().split('\r\n');
			expect(lines[0]).toBe('id,at,actor,action,target,before,after,request_id,ip');
			expect(lines[1]).toBe(
				`5,2026-11-29T08:00:00.000Z,"'=HYPERLINK(""http://x"")",sign-in.failed,,,,req-1,192.0.2.1`
			);
			expect(lines).toContain(
				'2,2026-11-28T10:00:00.000Z,ann@example.org,scenario.save,scenario:abc,"{""version"":1}","{""version"":2}",req-1,192.0.2.1'
			);
		});
	});
});
