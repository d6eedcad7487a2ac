/**
 * People and trust, for code outside the request path (the CLI, the bench): accounts, sessions,
 * sign-in, the policy and the audit log. Routes import the modules themselves.
 */
export { SCRYPT_COST, hashPassword, verifyPassword } from './passwords';
export { createAccount, listAccounts, countActiveAdmins } from './users';
export { createSession, validateSession } from './sessions';
export { signIn } from './sign-in';
export { POLICY, authorise, type AccessFacts } from './policy';
export { canEditScenario, canSeeScenario, loadScenarioAccessFacts } from './scenarios';
export { listAudit } from './audit';
