#!/usr/bin/env bash
# Installs what `make test` and `make demo` need, only when missing. Safe to run again.
# With --bench, also what bench/server_bench.py needs (wrk, nginx, the peers in .venv-bench).
# Python tools go into a project virtual environment (.venv) so the system's packages stay untouched.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v kubectl >/dev/null 2>&1 || need_apt+=(kubernetes-client)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
command -v lua5.1 >/dev/null 2>&1 || need_apt+=(lua5.1)
command -v cc >/dev/null 2>&1 || need_apt+=(gcc)
if [ "${1:-}" = --bench ]; then
  command -v wrk >/dev/null 2>&1 || need_apt+=(wrk)
  command -v nginx >/dev/null 2>&1 || need_apt+=(nginx-light)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing with apt: ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
# Prometheus scrapes modelship-server in the tests; its recommends (node exporter, web assets) are not needed.
if ! command -v prometheus >/dev/null 2>&1; then
  echo "installing with apt: prometheus"
  [ ${#need_apt[@]} -gt 0 ] || apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi

# Debian builds Prometheus without Kubernetes discovery: vmagent (victoria-metrics) discovers and scrapes pods
# through the API server and remote-writes to Prometheus.
if ! command -v vmagent >/dev/null 2>&1; then
  echo "installing with apt: victoria-metrics"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends victoria-metrics >/dev/null
fi

# venv DIR REQUIREMENTS: (re)creates DIR when REQUIREMENTS changed since its last install.
venv() {
  local dir=$1 requirements=$2
  if [ ! -x "$dir/bin/python" ] || ! cmp -s "$requirements" "$dir/.requirements"; then
    echo "preparing $dir from $requirements"
    python3 -m venv "$dir"
    "$dir/bin/python" -m pip install -q --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$dir/.requirements"
  fi
}
venv .venv scripts/requirements-test.txt
venv .venv-s3 scripts/requirements-s3.txt
if [ "${1:-}" = --bench ]; then venv .venv-bench scripts/requirements-bench.txt; fi
