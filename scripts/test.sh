#!/usr/bin/env bash
# Runs every Ponder test on a fresh machine: installs what the tests need (npm packages,
# Debian's Chromium), builds the renderer, then type-checks, lints and runs the unit, model
# (real llama.cpp on generated GGUF models) and end-to-end (Chromium against `serve`) tests.
# Ends with one line: "N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")/.."

# Before anything else: on an unsupported Node the first failure would be obscure and minutes in.
node scripts/checkNode.mjs || { echo "0 passed, 1 failed"; exit 1; }

step() { printf '\n== %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# PONDER_CHROMIUM names another Chromium (the release workflow uses Playwright's on every OS).
if [ -z "${PONDER_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
    step "Installing Debian's Chromium for the end-to-end tests"
    as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || exit 1
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    step "Installing npm packages"
    npm ci --no-audit --no-fund || exit 1
fi

# `npm start` rebuilds better-sqlite3 for Electron's ABI; the tests run under Node and need Node's.
if ! node -e "new (require('better-sqlite3'))(':memory:').close()" >/dev/null 2>&1; then
    step "Rebuilding better-sqlite3 for Node"
    npm rebuild better-sqlite3 || exit 1
fi

step "Building"
npx electron-vite build >/dev/null || { echo "0 passed, 1 failed"; exit 1; }

checks_passed=0
checks_failed=0
check() {
    local name="$1"; shift
    step "$name"
    if "$@"; then checks_passed=$((checks_passed + 1)); else checks_failed=$((checks_failed + 1)); fi
}
check "Type check (each layer with its own platform types)" npm run -s typecheck
check "Lint (layering included)" npx eslint .

step "Tests"
mkdir -p test/.cache
rm -f test/.cache/vitest-report.json
npx vitest run --reporter=default --reporter=json --outputFile.json=test/.cache/vitest-report.json
vitest_status=$?

node scripts/summarizeTests.mjs test/.cache/vitest-report.json "$checks_passed" "$checks_failed"
summary_status=$?
[ "$vitest_status" = 0 ] && [ "$checks_failed" = 0 ] && [ "$summary_status" = 0 ]
