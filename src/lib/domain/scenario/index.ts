/**
 * The scenario model: `runScenario(baseline, changes, assumptions)`, its schemas, assumptions and
 * result types. Plain data in, plain data out.
 */
export { runScenario } from './run';
export {
	defaultScenarioAssumptions,
	resolveScenarioAssumptions,
	SCENARIO_ASSUMPTION_NOTES,
	type ScenarioAssumptions,
	type Route,
	type RouteCosts,
	type RouteThresholds
} from './assumptions';
export * from './schema';
export type * from './types';
export { explainId } from './ids';
export { indexExplanations } from './explain';
export { splitPennies } from './money';
export { assessLot, type LotRules, type LotEligibility } from './eligibility';
export { CO_COMMISSION_RULE } from './co-commission';
export { replacedServices } from './lots';
export { changesBeyondContributions, isContributionOf, type ScenarioDraft } from './contributions';
export { prepareScenarioBase, scenarioBaseFor, type ScenarioBase } from './base';
export {
	toScenarioOrganisations,
	validateChanges,
	type OrganisationFacts,
	type ChangeIssue
} from './baseline';
