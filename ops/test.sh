#!/usr/bin/env bash
# Sets up and runs every test: installs the system libraries and the Python packages the tests use
# for reference checks, builds everything (the CLI tests run the built `pipeline` binary), then
# runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."

ops/install-deps.sh --test
swift build --build-tests
swift test --skip-build "$@"
