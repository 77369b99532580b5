#!/usr/bin/env bash
# Set-up command 2: installs what is missing, builds carereach with warnings as errors and runs every test.
# Usage: scripts/run-tests.sh    (CI runs exactly this through .ci/run)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

scripts/install-deps.sh --tests
echo "carereach: building (Release, warnings as errors) in build-tests/"
scripts/build.sh build-tests -DCAREREACH_WERROR=ON
echo "carereach: running the test suite"
ctest --test-dir build-tests --output-on-failure --parallel "$(nproc 2>/dev/null || echo 2)"
