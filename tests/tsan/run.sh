#!/bin/sh
# Runs a ThreadSanitizer program; a race report fails it (halt_on_error),
# as does its own exit status. Some kernels lay out memory where this
# ThreadSanitizer cannot map its shadow ("unexpected memory mapping"):
# then the program runs again with address randomization off (setarch -R),
# which is what that message asks for.
#   sh tests/tsan/run.sh PROGRAM
prog=$1
out=$(mktemp)
trap 'rm -f "$out"' EXIT
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
"$prog" >"$out" 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -q 'unexpected memory mapping' "$out"; then
	echo "tsan: the shadow memory could not be mapped; again without address randomization"
	setarch "$(uname -m)" -R "$prog" >"$out" 2>&1
	rc=$?
fi
cat "$out"
if [ $rc -ne 0 ]; then
	echo "tsan: $prog failed (exit $rc)"
	exit 1
fi
