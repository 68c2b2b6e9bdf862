#!/bin/sh
# Install the course autograder: bubblewrap for the sandbox's strongest layers (when this
# machine runs as root with apt), then the package itself, pinned to the CPU torch wheel.
#   sh scripts/install.sh          the grader
#   sh scripts/install.sh test     the grader and what its test suite needs
set -e
cd "$(dirname "$0")/.."
if ! command -v bwrap >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && apt-get install -y -qq bubblewrap >/dev/null) ||
        echo "install.sh: bubblewrap could not be installed; the sandbox falls back to fewer layers" >&2
fi
extra=""
[ "${1:-}" = "test" ] && extra="[test]"
python3 -m pip install -q -c constraints.txt -e ".$extra"
