# Shared set-up for bin/demo and bin/test: sourced, not run.
# Installs what a fresh Debian machine lacks (as root, with apt-get) and the
# project's virtualenv in .venv, reinstalling only when pyproject.toml changes.

ensure_python() {
  PYTHON=${PYTHON:-python3}
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "bin/: Python 3.11 or newer is needed as '$PYTHON' (set PYTHON=/path/to/python3.11)" >&2
    exit 1
  fi
}

apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "bin/: please install these Debian packages (as root): $*" >&2
    exit 1
  fi
  if [ -z "${_APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    _APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_postgres() {
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "bin/: installing PostgreSQL 15 (the tests start their own throwaway server)" >&2
    apt_install postgresql-15
  fi
}

ensure_chromium() {
  # The browser test drives Debian's chromium through Playwright (Playwright's own browser download does not work here).
  if [ ! -x /usr/bin/chromium ]; then
    echo "bin/: installing chromium (for the browser check of the weekly report)" >&2
    apt_install chromium
  fi
}

ensure_venv() {
  ensure_python
  local stamp=.venv/.installed-from
  local want
  want=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "bin/: installing the project and its dependencies into .venv" >&2
    # This machine's pip config lists local mirrors that may be absent: drop that noise, keep real errors.
    .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]" \
      2> >(grep -v "^WARNING: Location '.*' is ignored" >&2)
    echo "$want" > "$stamp"
  fi
}
