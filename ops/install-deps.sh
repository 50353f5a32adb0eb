#!/usr/bin/env bash
# Installs what the pipeline needs on Debian 12: the C libraries it links (GDAL, ZeroMQ, libsodium, OpenBLAS),
# GDAL's command-line tools, and — with --test — the Python packages the tests use for reference
# checks. Idempotent: when everything is present it installs nothing and says so.
set -euo pipefail

want_tests=0
for arg in "$@"; do
  case "$arg" in
    --test) want_tests=1 ;;
    -h|--help) echo "usage: ops/install-deps.sh [--test]"; exit 0 ;;
    *) echo "install-deps: unknown option '$arg' (usage: ops/install-deps.sh [--test])" >&2; exit 2 ;;
  esac
done

apt_packages=(libgdal-dev gdal-bin libzmq3-dev libsodium-dev libopenblas-dev pkg-config)
# For tests only: iproute2 puts workers on hosts of their own (network namespaces); binutils'
# readelf checks the container's runtime libraries against the binary; PyYAML parses the
# deployment manifests.
test_apt_packages=(iproute2 binutils)
python_packages=(numpy onnx onnxruntime yaml)

((want_tests)) && apt_packages+=("${test_apt_packages[@]}")
missing_apt=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing_apt+=("$pkg")
done

if ((${#missing_apt[@]})); then
  echo "install-deps: installing ${missing_apt[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing_apt[@]}" >/dev/null
else
  echo "install-deps: system packages present"
fi

if ((want_tests)); then
  missing_py=()
  for pkg in "${python_packages[@]}"; do
    python3 -c "import $pkg" 2>/dev/null || missing_py+=("${pkg/#yaml/pyyaml}")
  done
  if ((${#missing_py[@]})); then
    echo "install-deps: pip installing ${missing_py[*]}"
    python3 -m pip install --quiet --disable-pip-version-check "${missing_py[@]}"
  else
    echo "install-deps: python packages present"
  fi
fi
