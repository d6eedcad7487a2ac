import type { Migration } from 'kysely';
import * as m0001 from './2026_11_23_0001_create_reference_geography';
import * as m0002 from './2026_11_23_0002_create_datasets';
import * as m0003 from './2026_11_23_0003_create_supply';
import * as m0004 from './2026_11_23_0004_create_demand';
import * as m0005 from './2026_11_29_0005_caseload_imports';
import * as m0006 from './2026_11_29_0006_create_scenarios';
import * as m0007 from './2026_11_29_0007_create_people_and_audit';
import * as m0008 from './2026_11_29_0008_scenario_collaborators';
import * as m0009 from './2026_11_30_0009_user_organisation';
import * as m0010 from './2026_11_30_0010_version_source_columns';

/** Every migration, by its dated name. Add new ones at the end; never edit a shipped one. */
export const migrations: Record<string, Migration> = {
	'2026_11_23_0001_create_reference_geography': m0001,
	'2026_11_23_0002_create_datasets': m0002,
	'2026_11_23_0003_create_supply': m0003,
	'2026_11_23_0004_create_demand': m0004,
	'2026_11_29_0005_caseload_imports': m0005,
	'2026_11_29_0006_create_scenarios': m0006,
	'2026_11_29_0007_create_people_and_audit': m0007,
	'2026_11_29_0008_scenario_collaborators': m0008,
	'2026_11_30_0009_user_organisation': m0009,
	'2026_11_30_0010_version_source_columns': m0010
};
