import { describe, expect, it } from 'vitest';
import { normaliseOrganisationName, resolveOrganisationName } from './organisations';

describe('normaliseOrganisationName', () => {
	it.each([
		['Nottingham Women’s Centre', "Nottingham Women's Centre"],
		['The Forward Trust', 'Forward Trust'],
		['Change, Grow & Live', 'change grow and live'],
		['  St  Mungo ', 'ST MUNGO']
	])('treats %s and %s alike', (a, b) => {
		expect(normaliseOrganisationName(a)).toBe(normaliseOrganisationName(b));
	});

	it('keeps legally different names apart', () => {
		expect(normaliseOrganisationName('St Giles Wise Ltd')).not.toBe(
			normaliseOrganisationName('St Giles Wise Group Partnership')
		);
	});
});

describe('resolveOrganisationName', () => {
	const canonical = ['Catch22 Charity Limited', 'The Nelson Trust', 'Nacro'];
	const aliases = [{ alias: 'Catch 22', canonical: 'Catch22 Charity Limited' }];

	it('uses an explicit alias first', () => {
		expect(resolveOrganisationName('Catch 22', canonical, aliases)).toBe('Catch22 Charity Limited');
	});
	it('then the normalised name', () => {
		expect(resolveOrganisationName('Nelson Trust', canonical, aliases)).toBe('The Nelson Trust');
	});
	it('and otherwise does not guess', () => {
		expect(resolveOrganisationName('Nacro Housing', canonical, aliases)).toBeUndefined();
	});
});
