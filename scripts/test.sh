#!/usr/bin/env bash
# The one test command: installs what the browser tests need (Debian's chromium) when it
# is missing, then runs every test. Tests never skip for want of a tool: they fail.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
    echo "scripts/test.sh: installing chromium (browser tests need it)" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
export PATHBOOK_TEST_CHROMIUM="${PATHBOOK_TEST_CHROMIUM:-$(command -v chromium)}"

# axe-core, which tests/learner_browser.rs injects into pages for its accessibility checks.
if [ ! -f target/axe/node_modules/axe-core/axe.min.js ]; then
    echo "scripts/test.sh: installing axe-core (accessibility tests need it)" >&2
    if ! command -v npm >/dev/null 2>&1; then
        sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq npm >/dev/null
    fi
    npm install --no-save --no-audit --no-fund --prefix target/axe axe-core@4 >/dev/null
fi

cargo test --all-targets "$@"
