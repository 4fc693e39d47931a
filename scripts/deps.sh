#!/bin/sh
# Install what building and testing libgro needs, if it is missing.
# Debian 12 packages; run as root (as `make demo` and `make check` do on a
# fresh machine), or install them yourself.
#
#   sh scripts/deps.sh                  what building and `make check` need
#   sh scripts/deps.sh build            what building (and `make demo`) needs
#   sh scripts/deps.sh WHO PKG...       other packages, messages tagged WHO
set -e
# Building the library and the tool, and running them.
BUILD_PKGS="build-essential libpcap-dev pkg-config"
# Only the tests: Criterion (unit tests), clang (libFuzzer), valgrind, and
# the tools that set up the kernel conformance and TAP namespaces, and
# libxdp + libbpf for `gro relay --input=xdp` (built only where they are).
TEST_PKGS="libcriterion-dev iproute2 ethtool clang valgrind libxdp-dev libbpf-dev"
WHO=deps
PKGS="$BUILD_PKGS $TEST_PKGS"
if [ $# = 1 ] && [ "$1" = build ]; then
	PKGS=$BUILD_PKGS
elif [ $# -gt 0 ]; then
	WHO=$1
	shift
	PKGS="$*"
fi
missing=""
for p in $PKGS; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "$WHO: missing Debian packages:$missing (run as root, or: sudo apt-get install$missing)" >&2
	exit 1
fi
echo "$WHO: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq $missing >/dev/null
