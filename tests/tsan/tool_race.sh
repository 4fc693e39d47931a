#!/bin/sh
# The tool's writer thread (tools/gro/safeout.c) under ThreadSanitizer: a
# capture of several MiB (many buffers handed between the threads, the
# writer asleep and awake) coalesced into a file, into a pipe and into
# /dev/full (the failed write reported, exit 1); the file and the pipe
# must hold the same bytes. A race report fails it (halt_on_error).
#   sh tests/tsan/tool_race.sh GRO BIGCAP
gro=$1
bigcap=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
fail() { echo "tool_race: $*"; exit 1; }

# The shadow memory may not map with address randomization on (see run.sh).
run() {
	"$@" 2>"$dir/err"
	rc=$?
	if [ $rc -ne 0 ] && grep -q 'unexpected memory mapping' "$dir/err"; then
		setarch "$(uname -m)" -R "$@" 2>"$dir/err"
		rc=$?
	fi
	return $rc
}

"$bigcap" -m 12 "$dir/in.pcap" >/dev/null || fail "bigcap failed"
run "$gro" coalesce "$dir/in.pcap" "$dir/out.pcap" || { cat "$dir/err"; fail "coalesce to a file failed"; }
run "$gro" coalesce "$dir/in.pcap" - >"$dir/pipe.pcap" || { cat "$dir/err"; fail "coalesce to a pipe failed"; }
cmp -s "$dir/out.pcap" "$dir/pipe.pcap" || fail "the file and the pipe differ"
[ "$(wc -c <"$dir/out.pcap")" -gt 4000000 ] || fail "output too small to hand over many buffers"
run "$gro" coalesce "$dir/in.pcap" /dev/full
rc=$?
grep -q ThreadSanitizer "$dir/err" && { cat "$dir/err"; fail "race in the write to /dev/full"; }
[ $rc -eq 1 ] && grep -q "No space left on device" "$dir/err" ||
	{ cat "$dir/err"; fail "/dev/full: exit $rc, not the failed write"; }
echo "tool_race: file, pipe and /dev/full: ok"
