# Shared by scripts/serve and scripts/test: installs what the build and the tests
# need, skipping whatever is already there at the pinned version. Safe to run again.
# shellcheck shell=bash

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CARGO_LEPTOS_VERSION="0.3.10"
# Must equal the `wasm-bindgen` crate pinned in Cargo.toml, to the patch.
WASM_BINDGEN_VERSION="0.2.130"
# The S3-compatible server the tests keep attachments in (PyPI).
MOTO_VERSION="5.1.22"

export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

apt_install() {
  if ! command -v apt-get >/dev/null; then
    echo "error: $* missing and apt-get is not available; install it by hand" >&2
    exit 1
  fi
  log "installing Debian packages: $*"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ -z "${APT_UPDATED:-}" ]; then
    $sudo apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

ensure_rust() {
  if ! command -v rustup >/dev/null; then
    echo "error: rustup is required (https://rustup.rs); the toolchain itself is pinned in rust-toolchain.toml" >&2
    exit 1
  fi
  # rust-toolchain.toml pins the version, its components and the wasm32 target;
  # rustup installs whatever of it is missing.
  rustup show active-toolchain >/dev/null 2>&1 || rustup toolchain install
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_cargo_tools() {
  if ! cargo leptos --version 2>/dev/null | grep -q " ${CARGO_LEPTOS_VERSION}\$"; then
    log "installing cargo-leptos ${CARGO_LEPTOS_VERSION} (about 10 minutes, once)"
    cargo install --locked cargo-leptos --version "${CARGO_LEPTOS_VERSION}"
  fi
  # cargo-leptos would download wasm-bindgen from GitHub when it is not on PATH.
  if ! wasm-bindgen --version 2>/dev/null | grep -q " ${WASM_BINDGEN_VERSION}\$"; then
    log "installing wasm-bindgen-cli ${WASM_BINDGEN_VERSION} (about 2 minutes, once)"
    # Not --locked: its lockfile pins a crate version the registry no longer serves.
    cargo install wasm-bindgen-cli --version "${WASM_BINDGEN_VERSION}"
  fi
}

ensure_node() {
  command -v npm >/dev/null || apt_install nodejs npm
}

# npm packages of one folder, reinstalled only when the lockfile changed.
ensure_npm_packages() {
  local dir="$1"
  local stamp="$dir/node_modules/.installed-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
    log "installing npm packages in ${dir#"$ROOT"/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$dir/package-lock.json" "$stamp"
  fi
}

ensure_build_tools() {
  ensure_rust
  ensure_cargo_tools
  ensure_node
  # wasm-opt for release wasm (Debian's binaryen is too old and breaks hydration).
  ensure_npm_packages "$ROOT"
}

ensure_test_tools() {
  ensure_build_tools
  ensure_npm_packages "$ROOT/end2end"
  [ -x /usr/bin/chromium ] || apt_install chromium
  command -v psql >/dev/null || apt_install postgresql-client
}

# PostgreSQL for the tests: start the local cluster if it is installed but stopped.
ensure_postgres() {
  if command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then
    return 0
  fi
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    log "starting the local PostgreSQL cluster"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    for _ in $(seq 1 20); do
      pg_isready -q -h 127.0.0.1 -p 5432 && return 0
      sleep 0.5
    done
  fi
  echo "note: no PostgreSQL at 127.0.0.1:5432; its tests will be skipped (they fail when CI=true)" >&2
}

# An S3-compatible server for the tests: moto in server mode, from PyPI, in a virtualenv
# of its own; started on loopback (unless one already answers there) with the bucket the
# tests use. Sets WEBATEND_TEST_S3_ENDPOINT, and MOTO_PID when it started one.
ensure_s3() {
  local venv="${XDG_CACHE_HOME:-$HOME/.cache}/webatendimento/moto-${MOTO_VERSION}"
  if [ ! -x "$venv/bin/moto_server" ]; then
    log "installing moto ${MOTO_VERSION} from PyPI (an S3-compatible server for the tests; about a minute, once)"
    command -v python3 >/dev/null || apt_install python3 python3-venv
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "moto[server]==${MOTO_VERSION}"
  fi
  local port="${WEBATEND_TEST_S3_PORT:-9321}"
  local endpoint="http://127.0.0.1:${port}"
  if ! curl -fs -o /dev/null "$endpoint/moto-api/data.json"; then
    mkdir -p "$ROOT/target"
    "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$ROOT/target/moto.log" 2>&1 &
    MOTO_PID=$!
    for _ in $(seq 1 100); do
      curl -fs -o /dev/null "$endpoint/moto-api/data.json" && break
      sleep 0.2
    done
  fi
  curl -fs -o /dev/null -X PUT "$endpoint/webatendimento-testes" || {
    echo "error: the S3-compatible server at $endpoint did not start (see target/moto.log)" >&2
    exit 1
  }
  export WEBATEND_TEST_S3_ENDPOINT="$endpoint"
}

# nginx for the cluster test and scripts/cluster: Debian's package. Its own service is not
# used (the tests start theirs on loopback with their own configuration). Sets NGINX.
ensure_nginx() {
  NGINX="${WEBATEND_TEST_NGINX:-/usr/sbin/nginx}"
  [ -x "$NGINX" ] || apt_install nginx
  [ -x "$NGINX" ] || { echo "error: no nginx at $NGINX" >&2; exit 1; }
  export WEBATEND_TEST_NGINX="$NGINX"
}

# nginx balancing two instances on loopback, configured by scripts/cluster-nginx.conf (its
# files in folder $1), listening on port $2, in front of ports $3 and $4. Sets nginx_pid;
# the caller stops it with SIGTERM (a SIGKILL would leave its workers listening).
start_nginx() {
  mkdir -p "$1"
  sed -e "s|@PREFIX@|$1|g" -e "s|@USER@|$(id -un)|g" -e "s|@PORT@|$2|g" \
    -e "s|@FIRST@|$3|g" -e "s|@SECOND@|$4|g" "$ROOT/scripts/cluster-nginx.conf" >"$1/nginx.conf"
  "$NGINX" -p "$1" -c "$1/nginx.conf" &
  nginx_pid=$!
}
