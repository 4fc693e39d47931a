#!/bin/sh
# The examples, and libgro as its users get it: built into the tree
# (build/examples), and through `make install` into a scratch DESTDIR with
# PREFIX=/usr, then built from that tree alone through pkg-config, linked
# with the installed shared library, and run; then `make uninstall`.
# Usage: install_test.sh MAKE BUILD CC CFLAGS
# (the install half is skipped in a sanitizer build: it tests no code.)
MAKE=${1:-make}
BUILD=${2:-build}
CC=${3:-cc}
CFLAGS=${4:--O2 -Wall -Wextra -Werror}
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { # check NAME COMMAND...: passes if the command succeeds
	name=$1; shift
	if "$@"; then ok; else bad "$name"; fi
}
has() { printf '%s\n' "$out" | grep -q "$1"; }	# has PATTERN: $out matches
finish() {
	echo "examples: $pass passed, $fail failed"
	[ "$fail" = 0 ]
	exit
}

# The round-trip example, built in the tree with the project's flags.
if out=$("$BUILD/examples/roundtrip" 2>&1) && has "^round trip exact"; then ok
else bad "$BUILD/examples/roundtrip: $(printf '%s\n' "$out" | tail -1)"; fi
case $BUILD in *asan*) finish ;; esac

D=$(mktemp -d)
T=$(mktemp -d)
trap 'rm -rf "$D" "$T"' EXIT
if ! $MAKE --no-print-directory -s install DESTDIR="$D" PREFIX=/usr BUILD="$BUILD" >"$T/install.log" 2>&1; then
	cat "$T/install.log"
	bad "make install DESTDIR=$D PREFIX=/usr"
	finish
fi
ok

# Every file where it belongs, the libraries under their names and links.
major=$(sed -n 's/^#define GRO_VERSION_MAJOR[ \t]*\([0-9]*\).*/\1/p' include/gro.h)
minor=$(sed -n 's/^#define GRO_VERSION_MINOR[ \t]*\([0-9]*\).*/\1/p' include/gro.h)
patch=$(sed -n 's/^#define GRO_VERSION_PATCH[ \t]*\([0-9]*\).*/\1/p' include/gro.h)
ver=$major.$minor.$patch
L=$D/usr/lib
check "installed header is include/gro.h" cmp -s include/gro.h "$D/usr/include/gro.h"
check "installed DPDK adapter is include/gro_dpdk.h" cmp -s include/gro_dpdk.h "$D/usr/include/gro_dpdk.h"
check "libgro.a installed" test -f "$L/libgro.a"
check "libgro.so.$ver installed" test -f "$L/libgro.so.$ver" -a ! -h "$L/libgro.so.$ver"
check "libgro.so.$major -> libgro.so.$ver" test "$(readlink "$L/libgro.so.$major")" = "libgro.so.$ver"
check "libgro.so -> libgro.so.$major" test "$(readlink "$L/libgro.so")" = "libgro.so.$major"
check "soname libgro.so.$major" sh -c "readelf -d '$L/libgro.so.$ver' | grep -q 'SONAME.*\[libgro.so.$major\]'"
check "gro installed, executable" test -x "$D/usr/bin/gro"
check "gro runs" sh -c "'$D/usr/bin/gro' --version | grep -q '^gro (libgro) $major.$minor'"
for m in man1/gro.1 man3/libgro.3; do
	f=$D/usr/share/man/$m
	check "$m installed" test -f "$f"
	check "$m is of libgro $ver" grep -q "^\.TH .* \"libgro $ver\"" "$f"
	if command -v man >/dev/null 2>&1; then
		w=$(MANWIDTH=80 man -l --warnings "$f" 2>&1 >/dev/null)
		check "$m renders without warnings${w:+: $w}" test -z "$w"
	fi
done

# `man gro_segment` and the like find libgro(3), which names every function
# the library exports.
for n in $(sed -n 's/^[[:space:]]*\(gro_[a-z0-9_]*\);$/\1/p' src/libgro.map); do
	[ -f "$D/usr/share/man/man3/$n.3" ] || { bad "man3/$n.3 not installed"; continue; }
	grep -qw "$n" man/libgro.3 || { bad "libgro(3) does not name $n"; continue; }
	ok
done
if command -v man >/dev/null 2>&1; then
	check "man gro_segment shows libgro(3)" \
		sh -c "MANWIDTH=80 man -M '$D/usr/share/man' gro_segment 2>&1 | grep -q '^LIBGRO(3)'"
fi

# libgro.pc: the version from the header, the directories of this install.
pc=$L/pkgconfig/libgro.pc
check "libgro.pc installed" test -f "$pc"
# libxdp and libbpf (xdprecv) come from the system, asked before pkg-config
# is confined to the scratch tree.
xdp_libs=$(pkg-config --libs libxdp libbpf 2>/dev/null)
export PKG_CONFIG_SYSROOT_DIR="$D" PKG_CONFIG_LIBDIR="$L/pkgconfig"
unset PKG_CONFIG_PATH
check "pkg-config: version $ver" test "$(pkg-config --modversion libgro)" = "$ver"
check "pkg-config: cflags" test "$(echo $(pkg-config --cflags libgro))" = "-I$D/usr/include"
check "pkg-config: libs" test "$(echo $(pkg-config --libs libgro))" = "-L$L -lgro"
check "pkg-config: static libs" test "$(echo $(pkg-config --static --libs libgro))" = "-L$L -lgro -lpthread"

# The examples from the installed tree alone (no -I or -L into the source
# tree): examples/Makefile, which uses pkg-config as a user's build would.
if $MAKE --no-print-directory -s -C examples O="$T" CC="$CC" CFLAGS="$CFLAGS" \
	${xdp_libs:+XDP_LIBS="$xdp_libs"} >"$T/build.log" 2>&1; then ok
else cat "$T/build.log"; bad "examples build through pkg-config"; fi
progs="roundtrip tapfwd"
if [ -n "$xdp_libs" ]; then progs="$progs xdprecv"
else echo "examples: xdprecv skipped: libxdp and libbpf are not installed"; fi
for p in $progs; do
	check "$p built" test -x "$T/$p"
	check "$p needs libgro.so.$major" sh -c "readelf -d '$T/$p' | grep -q 'NEEDED.*\[libgro.so.$major\]'"
done
if out=$(LD_LIBRARY_PATH=$L "$T/roundtrip" 2>&1); then ok; else bad "roundtrip exits $?: $out"; fi
check "roundtrip runs the installed library $ver" has "^libgro $ver "
check "roundtrip: the round trip is exact" has "^round trip exact"
check "roundtrip loads $L/libgro.so.$major" \
	sh -c "LD_LIBRARY_PATH='$L' ldd '$T/roundtrip' | grep -q '$L/libgro.so.$major'"

# The static archive works as well: the same program, no libgro.so needed.
if $CC $CFLAGS $(pkg-config --cflags libgro) -o "$T/roundtrip-static" examples/roundtrip.c \
	$(pkg-config --libs-only-L libgro) -Wl,-Bstatic -lgro -Wl,-Bdynamic \
	$(pkg-config --static --libs-only-l libgro | sed 's/-lgro//') 2>"$T/static.log"; then ok
else cat "$T/static.log"; bad "roundtrip links with libgro.a"; fi
check "static roundtrip needs no libgro.so" sh -c "test -x '$T/roundtrip-static' && ! readelf -d '$T/roundtrip-static' | grep -q 'NEEDED.*libgro'"
out=$("$T/roundtrip-static" 2>&1)
check "static roundtrip: exact" has "^round trip exact"

# make uninstall removes every file make install put there.
if $MAKE --no-print-directory -s uninstall DESTDIR="$D" PREFIX=/usr BUILD="$BUILD" >"$T/uninstall.log" 2>&1; then ok
else cat "$T/uninstall.log"; bad "make uninstall"; fi
left=$(find "$D" ! -type d | sed "s|^$D||")
check "uninstall leaves no file${left:+: $left}" test -z "$left"
finish
