#!/bin/sh
# What `make bench` needs beyond the build: DPDK 22.11 (rte_gro), gnuplot
# for the plot, valgrind for instruction counts where perf has no counters.
set -e
PKGS="build-essential pkg-config libdpdk-dev gnuplot-nox valgrind"
missing=""
for p in $PKGS; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "bench: missing Debian packages:$missing (run as root, or: sudo apt-get install$missing)" >&2
	exit 1
fi
echo "bench: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq $missing >/dev/null
