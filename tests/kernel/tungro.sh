#!/bin/sh
# Raw IP frames against the kernel: segments written into a TUN device
# with IFF_NAPI and gro_flush_timeout (tests/kernel/tungro.c), and the same
# frames through `gro coalesce --napi-defer 20000` (each write a poll of
# its own, the deferred flush at its end), must give the same packets,
# byte for byte (checksums as the kernel leaves them: --csum=partial).
# Writes take microseconds, but a jiffy may still end in the middle of a
# scenario, which then splits where a frame's timestamp cannot say: such a
# scenario is run again, up to 6 times; a real difference never goes away.
# Usage: tungro.sh BUILD (exit 77: cannot run here)
B=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0 retried=0
for pattern in 0 1; do
	for v6 in 0 1; do
		for n in 1 2 8 45 46 47 64 65 100 150; do
			name="pattern $pattern, IPv$([ $v6 = 1 ] && echo 6 || echo 4), $n segments"
			ok=0
			for try in 1 2 3 4 5 6; do
				"$B/tungro" $pattern $v6 $n "$T/in.pcap" "$T/kernel.pcap"
				rc=$?
				[ $rc = 77 ] && exit 77
				[ $rc = 0 ] || break
				"$B/gro" coalesce -q --csum=partial --napi-defer 20000 "$T/in.pcap" "$T/libgro.pcap" || break
				if "$B/pcapgen" same "$T/kernel.pcap" "$T/libgro.pcap" 2>"$T/why"; then
					ok=1
					break
				fi
				retried=$((retried + 1))
			done
			if [ $ok = 1 ]; then
				pass=$((pass + 1))
			else
				fail=$((fail + 1))
				echo "FAIL: $name: $(cat "$T/why")"
			fi
		done
	done
done
echo "tungro: $pass passed, $fail failed ($retried runs repeated)"
[ $fail = 0 ]
