# shellcheck shell=bash
# Shared by bin/run, bin/test and .ci/run (sourced, not executed).
#
# Makes sure .venv exists (Python 3.11) and holds exactly requirements/dev.txt, installed with
# `pip install --require-hashes`. The install runs again only when requirements/*.txt (or the Python
# that built the venv) changed since the last successful install: a stamp file inside .venv records it.
# After sourcing: REPO_ROOT is the repository root (and the current directory), VENV_PY the venv's python.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

VENV_DIR="$REPO_ROOT/.venv"
VENV_PY="$VENV_DIR/bin/python"
REQUIREMENTS="requirements/dev.txt"
STAMP="$VENV_DIR/.requirements.sha256"

_venv_say() { printf '[venv] %s\n' "$*" >&2; }
_venv_die() {
    printf '[venv] LỖI / ERROR: %s\n' "$*" >&2
    exit 1
}

_venv_find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.11 python3 python; do
        [[ -n "$candidate" ]] || continue
        command -v "$candidate" >/dev/null 2>&1 || continue
        if "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

_venv_fingerprint() {
    # Everything that decides what the venv must contain: the lock files and the interpreter version.
    {
        sha256sum requirements/*.txt
        "$VENV_PY" -c 'import sys; print(sys.version)'
    } | sha256sum | cut -d' ' -f1
}

_venv_ensure() {
    [[ -f "$REQUIREMENTS" ]] || _venv_die "không thấy $REQUIREMENTS (missing $REQUIREMENTS)"

    # A venv copied from another directory or built by a Python that is gone no longer runs: rebuild it.
    if [[ -d "$VENV_DIR" ]] && ! "$VENV_PY" -c 'import sys' >/dev/null 2>&1; then
        _venv_say ".venv hỏng hoặc được chép từ nơi khác: tạo lại (broken .venv, recreating)"
        rm -rf "$VENV_DIR"
    fi
    if [[ ! -x "$VENV_PY" ]]; then
        local python
        python="$(_venv_find_python)" || _venv_die "cần Python 3.11 (python3.11 not found on PATH)"
        _venv_say "tạo .venv bằng $python ($("$python" --version 2>&1))"
        "$python" -m venv "$VENV_DIR"
    fi

    local wanted
    wanted="$(_venv_fingerprint)"
    if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$wanted" ]]; then
        return 0
    fi
    _venv_say "cài các gói từ $REQUIREMENTS (pip install --require-hashes) ..."
    local started=$SECONDS
    "$VENV_PY" -m pip install --disable-pip-version-check --no-input --quiet --require-hashes -r "$REQUIREMENTS" \
        || _venv_die "pip install thất bại (pip install failed)"
    printf '%s\n' "$wanted" >"$STAMP"
    _venv_say "đã cài xong trong $((SECONDS - started)) s"
}

# Debian packages the product needs at run time: the official documents' font (Liberation Serif 2.x, with every
# Vietnamese letter) and HarfBuzz's subsetter for WeasyPrint. Installed once, as root (or with sudo).
SYSTEM_PACKAGES=(fonts-liberation2 libharfbuzz-subset0)
_system_packages_ensure() {
    local missing=() package
    for package in "${SYSTEM_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    ((${#missing[@]})) || return 0
    command -v apt-get >/dev/null 2>&1 || _venv_die "cần cài ${missing[*]} (need Debian packages: ${missing[*]})"
    local sudo=()
    ((EUID == 0)) || sudo=(sudo -n)
    _venv_say "cài gói Debian: ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
        >/dev/null 2>&1 || {
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
            >/dev/null
    } || _venv_die "không cài được ${missing[*]} (apt-get install failed)"
}

# Two commands started at once (bin/test in two terminals) must not install into the same venv together.
if command -v flock >/dev/null 2>&1; then
    mkdir -p "$REPO_ROOT/var"
    exec {_venv_lock_fd}>"$REPO_ROOT/var/.venv.lock"
    flock "$_venv_lock_fd"
    _system_packages_ensure
    _venv_ensure
    flock -u "$_venv_lock_fd"
    exec {_venv_lock_fd}>&-
else
    _system_packages_ensure
    _venv_ensure
fi
