import { defineConfig, devices } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 4173);
// Debian's Chromium, never a downloaded browser. As root it needs --no-sandbox; the network flags stop
// it calling home on a machine with no network.
const chromiumArgs = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run'
];

/** e2e files that import caseloads into the shared server's database. */
const MUTATES_DEMAND = /import-demand\.e2e\.ts$/;

export default defineConfig({
	testDir: 'tests',
	testMatch: '**/*.e2e.ts',
	fullyParallel: true,
	workers: 2,
	retries: 0,
	// Two workers on two cores, servers and Chromium beside them: a journey can take tens of seconds.
	timeout: 60_000,
	reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json']] : [['list']],
	use: {
		baseURL: `http://127.0.0.1:${port}`,
		trace: 'retain-on-failure',
		launchOptions: {
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			args: chromiumArgs
		}
	},
	projects: [
		{
			name: 'chromium',
			use: { ...devices['Desktop Chrome'], channel: undefined },
			testIgnore: MUTATES_DEMAND
		},
		// Tests that replace the shared server's caseloads run after the rest, whose figures (the
		// national caseload, gaps) assume the shipped modelled demand.
		{
			name: 'after-demand-imports',
			use: { ...devices['Desktop Chrome'], channel: undefined },
			testMatch: MUTATES_DEMAND,
			dependencies: ['chromium']
		}
	],
	webServer: {
		command: 'node scripts/e2e-server.js',
		url: `http://127.0.0.1:${port}/`,
		reuseExistingServer: false,
		timeout: 60_000,
		env: { PORT: String(port), HOST: '127.0.0.1' }
	}
});
