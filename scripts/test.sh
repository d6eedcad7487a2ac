#!/usr/bin/env bash
# Every check and test, as CI runs it: lint, type-check, unit and repository tests, build, browser journeys.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ]; then
	# npm install, as the README's quick start does: this registry mirror leaves platform-specific
	# optional packages out of package-lock.json, which `npm ci` then refuses.
	echo "== Installing dependencies (npm install)"
	npm install --no-audit --no-fund || exit 1
fi
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
	echo "== Installing Debian's chromium for the browser tests"
	if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium || exit 1
	else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium || exit 1; fi
fi

results=var/test-results
rm -rf "$results" && mkdir -p "$results"
status=0
step() { echo; echo "== $1"; shift; "$@" || status=1; }

step "svelte-kit sync" npx svelte-kit sync
step "ESLint" npx eslint . --max-warnings 0
step "svelte-check" npx svelte-check --tsconfig ./tsconfig.json --fail-on-warnings
step "Vitest" npx vitest run --reporter=default --reporter=json --outputFile="$results/vitest.json"
step "Build" npx vite build --logLevel warn
PLAYWRIGHT_JSON_OUTPUT_NAME="$results/playwright.json" step "Playwright (Debian chromium)" npx playwright test

node scripts/test-summary.js "$results" || status=1
exit $status
