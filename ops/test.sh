#!/usr/bin/env bash
# Sets up and runs every test: installs the system libraries and the Python packages the tests use
# for reference checks, builds everything (the CLI tests run the built `pipeline` binary), then
# runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."

ops/install-deps.sh --test
swift build --build-tests
swift test --skip-build "$@"
# On AVX-512 CPUs the engine's Winograd GEMMs run on KernelsAVX512; check the OpenBLAS path that
# other CPUs take as well (a few seconds).
if (($# == 0)) && grep -qw avx512f /proc/cpuinfo; then
  echo "== engine kernels again with PIPELINE_GEMM=openblas (the path of CPUs without AVX-512)"
  PIPELINE_GEMM=openblas swift test --skip-build --filter 'KernelsTests|InferenceTests|ONNXTests'
fi
