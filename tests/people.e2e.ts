// People, roles and trust in shared mode. This file starts its own, SECOND server (the first, in
// playwright.config.ts, runs in local mode), on a fresh database with accounts made by the
// `landscape users` command line beforehand, since shared mode will not start without an admin.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { expectNoSeriousAxeViolations } from './helpers/axe';
import { freePort } from './helpers/instances';
import {
	signedIn as signInAs,
	startSharedServer,
	type SharedServer
} from './helpers/shared-server';

// Each test signs in (scrypt at its chosen cost) once or more: slow on a loaded machine.
test.describe.configure({ mode: 'serial', timeout: 120_000 });

const root = path.resolve(import.meta.dirname, '..');
const SHOTS = path.join(root, 'screenshots');
// Illustrative accounts: example.org addresses, passwords for this test only.
const PEOPLE = {
	admin: { email: 'admin@example.org', password: 'admin password for tests', role: 'admin' },
	northEast: {
		email: 'ne.commissioner@example.org',
		password: 'north east password',
		role: 'commissioner',
		regions: 'N54'
	},
	london: {
		email: 'london.commissioner@example.org',
		password: 'london password 1',
		role: 'commissioner',
		regions: 'N07'
	},
	viewer: {
		email: 'viewer@example.org',
		password: 'viewer password 1',
		role: 'viewer',
		regions: 'N54'
	},
	nePartner: {
		email: 'ne.partner@example.org',
		password: 'north east partner password',
		role: 'partner',
		regions: 'N54',
		organisation: 'Northumbria PCC'
	}
} as const;
type Who = keyof typeof PEOPLE;

let shared: SharedServer;
let base: string;

test.beforeAll(async () => {
	test.setTimeout(300_000);
	fs.mkdirSync(SHOTS, { recursive: true });
	shared = await startSharedServer({ people: Object.values(PEOPLE) });
	base = shared.base;
});

test.afterAll(async () => {
	await shared?.stop();
});

/** A new browser context signed in as `who` through the sign-in page. */
const signedIn = (browser: Browser, who: Who, javaScript = true): Promise<Page> =>
	signInAs(browser, base, PEOPLE[who], javaScript);

let scenarioId = '';
/** the draft the North East commissioner names a collaborator on */
let draftId = '';

test('shared mode will not start without an admin, and says how to make one', async () => {
	const result = spawnSync(process.execPath, [shared.script], {
		cwd: root,
		encoding: 'utf8',
		timeout: 120_000,
		env: {
			...process.env,
			PORT: String(await freePort()),
			HOST: '127.0.0.1',
			LANDSCAPE_MODE: 'shared',
			LANDSCAPE_DB: path.join(path.dirname(shared.dbFile), 'empty.db')
		}
	});
	expect(result.status).toBe(1);
	expect(result.stderr).toContain('there is no active admin account');
	expect(result.stderr).toContain(
		'npm run landscape -- users add --role admin --email YOU@EXAMPLE.ORG'
	);
});

test('the landing page is public; everything else asks for sign-in, then goes back', async ({
	page
}) => {
	await page.goto(`${base}/`);
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	expect((await page.request.get(`${base}/api/v1/regions`)).status()).toBe(401);

	await page.goto(`${base}/gaps?region=N54`);
	await expect(page).toHaveURL(`${base}/sign-in?next=%2Fgaps%3Fregion%3DN54`);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in to Landscape');
	await page.screenshot({ path: path.join(SHOTS, 'people-sign-in.png'), fullPage: true });
	await expectNoSeriousAxeViolations(page);

	// A wrong password: one message for every failure, so accounts cannot be probed.
	await page.getByLabel('Email address').fill(PEOPLE.viewer.email);
	await page.getByLabel('Password').fill('not the password');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.locator('.govuk-error-summary')).toContainText(
		'Enter a correct email address and password'
	);
	await expect(page.getByLabel('Email address')).toHaveValue(PEOPLE.viewer.email);

	await page.getByLabel('Password').fill(PEOPLE.viewer.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL(`${base}/gaps?region=N54`);
	const cookie = (await page.context().cookies()).find((c) => c.name === 'landscape_session');
	expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
});

test('what someone types before the page’s scripts have loaded is kept when they load', async ({
	browser
}) => {
	const context = await browser.newContext({ baseURL: base });
	const page = await context.newPage();
	// Hold the page's scripts back, as a slow connection or a busy computer does.
	let release = () => {};
	const scriptsMayLoad = new Promise<void>((resolve) => (release = resolve));
	await page.route('**/_app/immutable/**/*.js', async (route) => {
		await scriptsMayLoad;
		await route.continue();
	});
	await page.goto('/sign-in', { waitUntil: 'domcontentloaded' });
	await page.getByLabel('Email address').fill(PEOPLE.viewer.email);
	await page.getByLabel('Password').fill(PEOPLE.viewer.password);
	release();
	await page.waitForLoadState('networkidle');
	await expect(page.getByLabel('Email address')).toHaveValue(PEOPLE.viewer.email);
	await expect(page.getByLabel('Password')).toHaveValue(PEOPLE.viewer.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).not.toHaveURL(/\/sign-in/, { timeout: 20_000 });
	await context.close();
});

test('a commissioner creates and saves a North East scenario', async ({ browser }) => {
	const page = await signedIn(browser, 'northEast');
	await page.goto('/scenarios/new');
	await page.getByLabel('Name', { exact: true }).fill('Illustrative North East plan');
	await page.getByLabel('Probation region').selectOption('N54');
	await page.getByLabel('CRS category').selectOption({ index: 1 });
	await page.getByRole('button', { name: 'Create scenario' }).click();
	await expect(page).toHaveURL(/\/scenarios\/[a-z2-7]{12}$/);
	scenarioId = new URL(page.url()).pathname.split('/').pop()!;
	await page.getByRole('button', { name: 'Save as version 2' }).click();
	await expect(page).toHaveURL(new RegExp(`/scenarios/${scenarioId}\\?saved=2`));
	await page.context().close();
});

test('a viewer cannot reach a draft scenario by its address', async ({ browser }) => {
	const page = await signedIn(browser, 'viewer');
	const response = await page.goto(`/scenarios/${scenarioId}`);
	expect(response?.status()).toBe(404);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
	await expect(page.locator('body')).not.toContainText('Illustrative North East plan');
	expect((await page.request.get(`/api/v1/scenarios/${scenarioId}`)).status()).toBe(404);
	expect((await page.goto(`/scenarios/${scenarioId}/report`))?.status()).toBe(404);
	// nor start one, nor import
	expect((await page.goto('/scenarios/new'))?.status()).toBe(403);
	expect((await page.goto('/import'))?.status()).toBe(403);
	await page.context().close();
});

test('the North East commissioner publishes the scenario from the studio', async ({ browser }) => {
	test.setTimeout(60_000);
	const page = await signedIn(browser, 'northEast');
	await page.goto(`/scenarios/${scenarioId}`);
	const section = page.getByTestId('visibility');
	await expect(page.getByTestId('visibility-tag')).toHaveText('Draft');
	await expect(section.getByTestId('visibility-now')).toContainText(
		'Only its owner (ne.commissioner@example.org), its collaborators and administrators can see it'
	);
	// nothing chosen: the error summary says so, and nothing changes
	await section.getByRole('button', { name: 'Change who can see it' }).click();
	await expect(page.getByTestId('access-errors')).toContainText('Choose who can see this scenario');
	await expect(page.getByTestId('visibility-tag')).toHaveText('Draft');
	await page.getByTestId('access-errors').getByRole('link').click();
	await expect(section.getByLabel('Share with North East')).toBeFocused();

	await section.getByLabel('Publish', { exact: true }).check();
	await section.getByRole('button', { name: 'Change who can see it' }).click();
	await expect(page.getByTestId('access-done')).toContainText(
		'This scenario is published now (it was draft)'
	);
	await expect(page.getByTestId('visibility-tag')).toHaveText('Published');
	await expect(section.getByTestId('visibility-now')).toContainText(
		'Everyone who can sign in to Landscape can see it, viewers included'
	);
	await section.scrollIntoViewIfNeeded();
	await section.screenshot({ path: path.join(SHOTS, 'people-scenario-visibility.png') });
	await page.evaluate(() => window.scrollTo(0, 0));
	await page.screenshot({ path: path.join(SHOTS, 'people-scenario-published.png') });
	await expectNoSeriousAxeViolations(page);
	await page.context().close();
});

test('a commissioner for London cannot edit a North East scenario, even once published', async ({
	browser
}) => {
	const page = await signedIn(browser, 'london');
	expect((await page.goto(`/scenarios/${scenarioId}`))?.status()).toBe(200);
	// no buttons that would be refused: a notice instead
	await expect(page.getByTestId('read-only-notice')).toContainText(
		'You can see this scenario but not save changes to it'
	);
	await expect(page.getByRole('button', { name: 'Save as version 3' })).toHaveCount(0);
	await expect(page.getByTestId('visibility-form')).toHaveCount(0);
	await expect(page.getByTestId('visibility-read-only')).toContainText(
		'Only a commissioner of North East or an administrator can unpublish it.'
	);
	// and the server refuses them anyway
	const save = await page.request.post(`/scenarios/${scenarioId}?/save`, {
		headers: { origin: base },
		form: { name: 'Taken over', description: '', body: '{}', baseVersion: '2' }
	});
	expect(save.status()).toBe(403);
	const unpublish = await page.request.post(`/scenarios/${scenarioId}?/visibility`, {
		headers: { origin: base },
		form: { visibility: 'draft', from: 'published' }
	});
	expect(unpublish.status()).toBe(403);
	const put = await page.request.put(`/api/v1/scenarios/${scenarioId}`, {
		data: { name: 'Taken over', description: '', changes: [], assumptions: {}, baseVersion: 2 }
	});
	expect(put.status()).toBe(403);
	const scenario = await (await page.request.get(`/api/v1/scenarios/${scenarioId}`)).json();
	expect(scenario).toMatchObject({
		name: 'Illustrative North East plan',
		currentVersion: 2,
		visibility: 'published'
	});
	await page.context().close();
});

test('a viewer sees the scenario once it is published, and only reads it', async ({ browser }) => {
	const page = await signedIn(browser, 'viewer');
	await page.goto('/scenarios');
	const row = page.getByTestId('scenario-list').getByRole('row', {
		name: /Illustrative North East plan/
	});
	await expect(row.getByTestId('scenario-visibility')).toHaveText('Published');
	// viewers create no scenarios, so are not offered to
	await expect(page.getByRole('button', { name: 'Create a scenario' })).toHaveCount(0);
	await page.screenshot({ path: path.join(SHOTS, 'people-scenario-list.png'), fullPage: true });
	await expectNoSeriousAxeViolations(page);
	expect((await page.goto(`/scenarios/${scenarioId}`))?.status()).toBe(200);
	await expect(page.getByTestId('scenario-name')).toHaveText('Illustrative North East plan');
	await expect(page.getByTestId('read-only-notice')).toBeVisible();
	await expect(page.getByTestId('save-form')).toHaveCount(0);
	await expect(page.getByRole('button', { name: 'Add collaborator' })).toHaveCount(0);
	// results for all people on probation only, even when the address asks for a group
	await page.goto(`/scenarios/${scenarioId}?people=women`);
	await expect(page.getByTestId('subgroups-hidden')).toContainText(
		'Results are for all people on probation.'
	);
	await expect(page.getByLabel('People', { exact: true })).toHaveCount(0);
	await expect(page.getByRole('table', { name: /all people on probation, / })).toBeVisible();
	await page.context().close();
});

test('a cross-site form post is refused even with a valid session (CSRF)', async ({ browser }) => {
	const page = await signedIn(browser, 'northEast');
	const forged = await page.request.post(`/scenarios/${scenarioId}?/save`, {
		headers: { origin: 'https://attacker.example' },
		form: { name: 'Forged', description: '', body: '{}', baseVersion: '2' }
	});
	expect(forged.status()).toBe(403);
	expect(await forged.text()).toContain('Cross-site POST form submissions are forbidden');
	const signIn = await page.request.post('/sign-in', {
		headers: { origin: 'https://attacker.example' },
		form: { email: PEOPLE.admin.email, password: PEOPLE.admin.password }
	});
	expect(signIn.status()).toBe(403);
	await page.context().close();
});

test('the audit log shows the scenario save; admins filter and export it', async ({ browser }) => {
	const page = await signedIn(browser, 'admin');
	await page.goto('/admin/audit');
	await page.getByLabel('What').selectOption('scenario.save');
	await page.getByRole('button', { name: 'Filter' }).click();
	await expect(page).toHaveURL(/action=scenario\.save/);
	const rows = page.getByTestId('audit-table').locator('tbody tr');
	await expect(rows).toHaveCount(1);
	await expect(rows.first()).toContainText(PEOPLE.northEast.email);
	await expect(rows.first()).toContainText(`scenario:${scenarioId}`);
	await expect(rows.first()).toContainText('version: 2');
	await page.goto('/admin/audit');
	await expect(page.getByTestId('audit-table')).toContainText('sign-in.failed');
	await page.screenshot({ path: path.join(SHOTS, 'people-admin-audit.png'), fullPage: true });
	await expectNoSeriousAxeViolations(page);

	const csv = await page.request.get('/admin/audit/export.csv?action=scenario');
	expect(csv.status()).toBe(200);
	expect(csv.headers()['content-type']).toContain('text/csv');
	const text = await csv.text();
	expect(text.split('\r\n')[0]).toBe('id,at,actor,action,target,before,after,request_id,ip');
	expect(text).toContain(`scenario.save,scenario:${scenarioId}`);
	await page.context().close();

	// and nobody else can read it
	const viewer = await signedIn(browser, 'viewer');
	expect((await viewer.goto('/admin/audit'))?.status()).toBe(403);
	expect((await viewer.request.get('/admin/audit/export.csv')).status()).toBe(403);
	await viewer.context().close();
});

test('an admin invites someone, who must choose their own password; sign-out ends the session', async ({
	browser
}) => {
	const admin = await signedIn(browser, 'admin');
	await admin.goto('/admin/users');
	await admin.getByLabel('Email address').fill('partner@example.org');
	await admin.getByLabel('partner', { exact: true }).check();
	await admin.getByLabel('North East').check();
	// a partner must name the organisation they speak for: without it, nothing is added
	await admin.getByRole('button', { name: 'Add person' }).click();
	await expect(admin.locator('.govuk-error-summary')).toContainText(
		'A partner needs an organisation'
	);
	await expect(admin.getByLabel('Organisation (partners only)')).toBeVisible();
	await admin.getByLabel('Organisation (partners only)').fill('Durham PCC');
	await admin.getByRole('button', { name: 'Add person' }).click();
	const oneTime = await admin.getByTestId('one-time-password-value').innerText();
	expect(oneTime).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
	await expect(admin.getByTestId('accounts')).toContainText('partner@example.org');
	await expect(admin.getByTestId('accounts')).toContainText('Durham PCC');
	await admin.screenshot({ path: path.join(SHOTS, 'people-admin-users.png'), fullPage: true });
	await expectNoSeriousAxeViolations(admin);
	await admin.context().close();

	const context = await browser.newContext({ baseURL: base });
	const page = await context.newPage();
	await page.goto('/sign-in');
	await page.getByLabel('Email address').fill('partner@example.org');
	await page.getByLabel('Password').fill(oneTime);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL(`${base}/sign-in/password`);
	// nothing else until they do
	await page.goto('/gaps');
	await expect(page).toHaveURL(`${base}/sign-in/password`);
	await page.getByLabel('One-time password').fill(oneTime);
	await page.getByLabel('New password', { exact: true }).fill('partner own password');
	await page.getByLabel('New password again').fill('partner own password');
	await page.getByRole('button', { name: 'Save password' }).click();
	await expect(page.locator('.govuk-notification-banner')).toContainText(
		'Your password has been changed'
	);
	const session = (await context.cookies()).find((c) => c.name === 'landscape_session')!;
	expect((await page.goto('/gaps'))?.status()).toBe(200);

	await page.goto('/sign-in');
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page.locator('.govuk-notification-banner')).toContainText('You have signed out');
	// the old cookie, replayed, is refused: the session is gone from the server
	const replay = await browser.newContext({ baseURL: base });
	await replay.addCookies([{ ...session, sameSite: 'Lax' }]);
	expect((await replay.request.get('/api/v1/regions')).status()).toBe(401);
	await replay.close();
	await context.close();
});

test('the owner names a collaborator, who can then open and save the draft', async ({
	browser
}) => {
	// three people sign in, hashing at the real cost, and the owner tries five additions
	test.setTimeout(120_000);
	const owner = await signedIn(browser, 'northEast');
	await owner.goto('/scenarios/new');
	await owner.getByLabel('Name', { exact: true }).fill('Illustrative draft for a partner');
	await owner.getByLabel('Probation region').selectOption('N54');
	await owner.getByLabel('CRS category').selectOption({ index: 1 });
	await owner.getByRole('button', { name: 'Create scenario' }).click();
	await expect(owner).toHaveURL(/\/scenarios\/[a-z2-7]{12}$/);
	draftId = new URL(owner.url()).pathname.split('/').pop()!;

	// before: the partner cannot see the draft
	const partner = await signedIn(browser, 'nePartner');
	expect((await partner.goto(`/scenarios/${draftId}`))?.status()).toBe(404);

	const section = owner.getByTestId('visibility');
	await expect(section.getByTestId('no-collaborators')).toBeVisible();
	// people who cannot be collaborators are refused, each with the reason
	for (const [email, reason] of [
		[PEOPLE.viewer.email, 'viewer@example.org is a viewer'],
		[PEOPLE.london.email, 'london.commissioner@example.org does not work in North East'],
		['nobody@example.org', 'There is no account for nobody@example.org'],
		['not an email', 'Enter an email address in the correct format']
	]) {
		await section.getByLabel('Email address of a collaborator').fill(email!);
		await section.getByRole('button', { name: 'Add collaborator' }).click();
		await expect(owner.getByTestId('access-errors')).toContainText(reason!);
		await expect(section.getByLabel('Email address of a collaborator')).toHaveValue(email!);
	}
	await section.screenshot({ path: path.join(SHOTS, 'people-scenario-collaborator-error.png') });
	await expectNoSeriousAxeViolations(owner);

	await section.getByLabel('Email address of a collaborator').fill(PEOPLE.nePartner.email);
	await section.getByRole('button', { name: 'Add collaborator' }).click();
	await expect(owner.getByTestId('access-done')).toContainText(
		'ne.partner@example.org is a collaborator now'
	);
	await expect(section.getByTestId('collaborators')).toContainText(PEOPLE.nePartner.email);
	await expect(section.getByLabel('Email address of a collaborator')).toHaveValue('');
	await section.screenshot({ path: path.join(SHOTS, 'people-scenario-collaborators.png') });

	// the collaborator opens the draft, and saves it
	expect((await partner.goto(`/scenarios/${draftId}`))?.status()).toBe(200);
	await expect(partner.getByTestId('visibility-tag')).toHaveText('Draft');
	await partner.getByRole('button', { name: 'Save as version 2' }).click();
	await expect(partner).toHaveURL(new RegExp(`/scenarios/${draftId}\\?saved=2`));
	await expect(partner.getByTestId('saved-banner')).toContainText('Saved as version 2');
	// but who sees it is the owner's (and the region's commissioners') to decide
	await expect(partner.getByTestId('visibility-form')).toHaveCount(0);
	await expect(partner.getByRole('button', { name: 'Add collaborator' })).toHaveCount(0);

	// removed, they cannot see it any more
	await owner.reload();
	await section.getByRole('button', { name: `Remove ${PEOPLE.nePartner.email}` }).click();
	await expect(owner.getByTestId('access-done')).toContainText(
		'ne.partner@example.org is no longer a collaborator'
	);
	expect((await partner.goto(`/scenarios/${draftId}`))?.status()).toBe(404);
	await partner.context().close();
	await owner.context().close();

	// every change is in the audit log, with before and after
	const admin = await signedIn(browser, 'admin');
	await admin.goto('/admin/audit?action=scenario.collaborator');
	const rows = admin.getByTestId('audit-table').locator('tbody tr');
	await expect(rows).toHaveCount(2);
	await expect(rows.first()).toContainText('scenario.collaborator.remove');
	await expect(rows.last()).toContainText('scenario.collaborator.add');
	await expect(rows.last()).toContainText(PEOPLE.nePartner.email);
	await admin.goto('/admin/audit?action=scenario.publish');
	await expect(admin.getByTestId('audit-table').locator('tbody tr')).toHaveCount(1);
	await expect(admin.getByTestId('audit-table')).toContainText(`scenario:${scenarioId}`);
	await admin.context().close();
});

test('without JavaScript, the owner shares the draft, and a stale form changes nothing', async ({
	browser
}) => {
	test.setTimeout(60_000);
	const context = await browser.newContext({ baseURL: base, javaScriptEnabled: false });
	const page = await context.newPage();
	await page.goto('/sign-in');
	await page.getByLabel('Email address').fill(PEOPLE.northEast.email);
	await page.getByLabel('Password').fill(PEOPLE.northEast.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).not.toHaveURL(/\/sign-in/, { timeout: 20_000 });

	await page.goto(`/scenarios/${draftId}`);
	const stale = await context.newPage();
	await stale.goto(`/scenarios/${draftId}`);
	const section = page.getByTestId('visibility');
	await section.getByLabel('Share with North East').check();
	await section.getByRole('button', { name: 'Change who can see it' }).click();
	await expect(page.getByTestId('access-done')).toContainText(
		'This scenario is shared now (it was draft)'
	);
	await expect(page.getByTestId('visibility-tag')).toHaveText('Shared');

	// the second tab still shows it as a draft: publishing from there is refused, nothing changes
	await stale.getByTestId('visibility').getByLabel('Publish', { exact: true }).check();
	await stale.getByRole('button', { name: 'Change who can see it' }).click();
	await expect(stale.getByTestId('access-errors')).toContainText(
		'Someone changed who can see this scenario since this page was loaded: it is shared now'
	);
	await expect(stale.getByTestId('visibility-tag')).toHaveText('Shared');
	await context.close();
});

test('a North East partner changes only Northumbria PCC’s contribution to the published scenario', async ({
	browser
}) => {
	const page = await signedIn(browser, 'nePartner');
	const currentVersion = async () =>
		(await (await page.request.get(`/api/v1/scenarios/${scenarioId}`)).json()).currentVersion;
	await page.goto(`/scenarios/${scenarioId}`);
	await expect(page.getByTestId('contributions-only')).toContainText(
		'As a partner for Northumbria PCC, you can change only Northumbria PCC’s contributions'
	);
	// their own contribution: added in their organisation's name, and saved
	await page.getByRole('button', { name: 'Add a partner' }).click();
	const own = page.getByTestId('partner-2');
	await expect(own.getByLabel('Partner 2: name')).toHaveValue('Northumbria PCC');
	await own.getByLabel('£ a year the partner puts in').fill('400000');
	await expect(page.getByTestId('beyond-contributions')).toHaveCount(0);
	const saved = await currentVersion();
	await page.getByRole('button', { name: `Save as version ${saved + 1}` }).click();
	await expect(page).toHaveURL(new RegExp(`/scenarios/${scenarioId}\\?saved=${saved + 1}`));
	await expect(page.getByTestId('saved-banner')).toContainText(`Saved as version ${saved + 1}`);

	// another partner's money: refused, saying what else it would change, and nothing is saved
	await page.getByTestId('partner-1').getByLabel('£ a year the partner puts in').fill('1');
	// said before saving…
	await expect(page.getByTestId('beyond-contributions')).toHaveText(
		'Warning This draft also changes other partners’ contributions (change 1), so saving it will be refused.'
	);
	// …and refused if saved anyway
	await page.getByRole('button', { name: `Save as version ${saved + 2}` }).click();
	const refusal = page.locator('.govuk-error-summary');
	await expect(refusal).toContainText('The scenario was not saved');
	await expect(refusal).toContainText(
		'As a partner for Northumbria PCC, you can change only Northumbria PCC’s contributions to this scenario. This would also change other partners’ contributions (change 1).'
	);
	expect(await currentVersion()).toBe(saved + 1);
	await page.evaluate(() => window.scrollTo(0, 0));
	await page.screenshot({ path: path.join(SHOTS, 'people-partner-contribution.png') });
	await expectNoSeriousAxeViolations(page);
	await page.context().close();
});
