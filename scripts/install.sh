#!/bin/sh
# Install the course autograder into its own virtual environment, ./.venv, whatever python3 this
# machine has (a distribution's own python3 is "externally managed" and refuses pip, PEP 668):
#   sh scripts/install.sh          the grader: .venv/bin/grade
#   sh scripts/install.sh test     the grader and what its test suite needs
# As root with apt, it first installs what the sandbox needs from the system: bubblewrap
# (SECURITY.md), redis-server (the broker of `grade worker`, started by the tests on a loopback
# port of their own) and python3-venv where python3 lacks it.
set -e
cd "$(dirname "$0")/.."
packages=""
command -v bwrap >/dev/null 2>&1 || packages="bubblewrap"
command -v redis-server >/dev/null 2>&1 || packages="$packages redis-server"  # grade worker's broker; tests
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || packages="$packages python3-venv"
if [ -n "$packages" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null) ||
        echo "install.sh: could not install $packages; the sandbox falls back to fewer layers" >&2
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
extra=""
[ "${1:-}" = "test" ] && extra="[test]"
.venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt -e ".$extra"
