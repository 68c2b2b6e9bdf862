#!/bin/sh
# Install the course autograder into its own virtual environment, ./.venv, whatever python3 this
# machine has (a distribution's own python3 is "externally managed" and refuses pip, PEP 668):
#   sh scripts/install.sh          the grader: .venv/bin/grade
#   sh scripts/install.sh test     the grader and what its test suite needs
# It says what it does, step by step:
#   1. system packages, as root with apt: bubblewrap (the sandbox, SECURITY.md), redis-server (the broker
#      of `grade worker`, started by the tests on a loopback port of their own), python3-venv where
#      python3 lacks it;
#   2. the virtual environment .venv, unless it is there;
#   3. torch, the release pinned in constraints.txt: its CPU build from PyTorch's CPU index on a machine
#      without an NVIDIA GPU where that index answers within a few seconds, else from pip's usual index
#      and configuration (autograder/distribute/install.py decides, and says which and why;
#      TORCH_INDEX_URL="" skips the CPU index);
#   4. the grader and its packages (pip install -e .), with pip's own progress.
set -e
cd "$(dirname "$0")/.."
say() { echo "install.sh: $*"; }

packages=""
command -v bwrap >/dev/null 2>&1 || packages="bubblewrap"
command -v redis-server >/dev/null 2>&1 || packages="$packages redis-server"  # grade worker's broker; tests
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || packages="$packages python3-venv"
packages="${packages# }"
if [ -z "$packages" ]; then
    say "1/4 system packages: bubblewrap, redis-server and python3's venv are here already"
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "1/4 system packages: installing $packages (apt-get)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null) ||
        echo "install.sh: could not install $packages; the sandbox falls back to fewer layers" >&2
else
    say "1/4 system packages: $packages missing, and installing them needs root and apt-get: the sandbox" \
        "falls back to fewer layers (SECURITY.md)"
fi

if [ -x .venv/bin/python ]; then
    say "2/4 virtual environment .venv: already there ($(.venv/bin/python --version 2>&1))"
else
    say "2/4 virtual environment .venv: making it with $(command -v python3) ($(python3 --version 2>&1))"
    python3 -m venv .venv
fi

say "3/4 torch, as pinned in constraints.txt"
.venv/bin/python -m autograder.distribute.install --torch-only

extra=""
[ "${1:-}" = "test" ] && extra="[test]"
say "4/4 the grader and the packages it needs${extra:+, and the test suite's}: pip install -c constraints.txt -e .$extra"
.venv/bin/python -m pip install --disable-pip-version-check -c constraints.txt -e ".$extra"
say "done: .venv/bin/grade (or activate the environment, . .venv/bin/activate, and type grade)"
