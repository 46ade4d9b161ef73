# Shared helpers for the bin/ scripts (sourced, not run).
# shellcheck shell=bash

FM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FM_SYSTEM_PACKAGES=(pkg-config libsecp256k1-dev libsqlite3-dev libjansson-dev jq curl python3-venv iproute2)
# The dashboard's browser tests (Tests/FMToolsTests/DashboardBrowserTests.swift): headless chromium, its driver.
FM_SYSTEM_PACKAGES+=(chromium chromium-driver)
# The storage conformance tests on PostgreSQL (Tests/FMStorageTests start a private cluster from Debian's server).
FM_SYSTEM_PACKAGES+=(postgresql)
# Independent implementations the tests check fm against (Tests only; fm itself never runs Python).
# bolt11 (BOLT 11 decoder) needs bitstring < 4.3; py_ecc (BLS12-381) checks notes (docs/protocol.md's snippet) and
# the threshold encryption; coincurve (secp256k1) the snippet's spend keys; selenium drives chromium for the
# dashboard's browser tests.
FM_PYTHON_ORACLES=(py-bitcoinkernel==0.1.0a5 embit==0.8.0 python-bitcoinlib==0.12.2 bolt11==2.2.0 bitstring==4.2.3
    py_ecc==8.0.0 coincurve==21.0.0 selenium==4.51.0)

fm_say() { printf 'fm: %s\n' "$*" >&2; }

# Installs the Debian packages fm needs, if any is missing.
fm_install_system_packages() {
    local missing=()
    for pkg in "${FM_SYSTEM_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    fm_say "installing system packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
}

# Builds every command in release mode and prints the directory holding them.
fm_build_release() {
    fm_install_system_packages
    fm_say "building release (the first build takes several minutes)"
    (cd "$FM_ROOT" && swift build -c release >&2)
    (cd "$FM_ROOT" && swift build -c release --show-bin-path)
}

# Creates .venv with the test oracles (pinned) if it is missing or incomplete, and exports FM_PYTHON, the
# interpreter tests run oracle scripts with. Without network access the tests that need an oracle say so.
fm_setup_python_oracles() {
    local venv="$FM_ROOT/.venv"
    if ! "$venv/bin/python" -c 'import pbk, embit, bitcoin, bolt11, py_ecc, coincurve, selenium' 2>/dev/null; then
        fm_say "installing the Python test oracles into .venv: ${FM_PYTHON_ORACLES[*]}"
        { python3 -m venv "$venv" && "$venv/bin/pip" install -q "${FM_PYTHON_ORACLES[@]}"; } >&2 ||
            fm_say "could not install the Python oracles; oracle tests will report it"
    fi
    export FM_PYTHON="$venv/bin/python"
}
