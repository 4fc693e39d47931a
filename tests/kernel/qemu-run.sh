#!/bin/sh
# Run a script inside a second, stock Linux kernel booted under QEMU: the
# kernel oracle for what the machine's own kernel cannot do (GENEVE, VLAN
# GRO), or a second opinion on what it does (VXLAN). Nothing is installed
# on the machine: Debian's kernel package is downloaded and unpacked under
# CACHE, the guest boots from an initramfs built here (busybox, ip,
# ethtool, kgro and the modules), runs WORKDIR/run.sh with WORKDIR as its
# working directory, and its WORKDIR is copied back (through a raw disk
# image holding a tar archive).
#
# usage: qemu-run.sh BUILD WORKDIR [CACHE]
#
#   QEMU_KERNEL   kernel package (default linux-image-6.12-cloud-amd64; the
#                 meta-package is resolved to its image package)
#   QEMU_MEM      guest memory in MiB (default: 2048, or 1024 + 5 x the size
#                 of WORKDIR if more: the initramfs holds it, the outputs
#                 are made next to it)
#   QEMU_TIMEOUT  seconds before the guest is killed (default 5400)
#
# Exit: the guest script's status, 1 on a set-up error, 124 on time-out.
set -eu
B=$(realpath "$1")
W=$(realpath "$2")
CACHE=${3:-$B/qemu}
PKG=${QEMU_KERNEL:-linux-image-6.12-cloud-amd64}
wsize=$(du -sm "$W" | cut -f1)
MEM=${QEMU_MEM:-$(( wsize * 5 + 1024 > 2048 ? wsize * 5 + 1024 : 2048 ))}
TMO=${QEMU_TIMEOUT:-5400}
HERE=$(cd "$(dirname "$0")" && pwd)

[ -f "$W/run.sh" ] || { echo "qemu-run: $W/run.sh missing" >&2; exit 1; }
[ -x "$B/kgro" ] || { echo "qemu-run: $B/kgro missing" >&2; exit 1; }
sh "$HERE/../../scripts/deps.sh" qemu-run qemu-system-x86 busybox-static iproute2 ethtool xz-utils kmod

mkdir -p "$CACHE"
CACHE=$(realpath "$CACHE")
T=$(mktemp -d "${TMPDIR:-/tmp}/lgro-qemu.XXXXXX")
qpid=
cleanup() {
	[ -n "$qpid" ] && kill "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# The kernel: the newest image package the meta-package depends on,
# unpacked once (dpkg-deb -x, never installed).
img=$PKG
dep=$(apt-cache depends "$PKG" 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n 1)
[ -n "$dep" ] && img=$dep
K=$CACHE/$img
if [ ! -f "$K/ok" ]; then
	rm -rf "$K"
	mkdir -p "$K/deb"
	(cd "$K/deb" && apt-get download "$img" >/dev/null 2>&1) || {
		apt-get update -qq && (cd "$K/deb" && apt-get download "$img" >/dev/null)
	}
	dpkg-deb -x "$K"/deb/*.deb "$K/root"
	rm -rf "$K/deb"
	v=$(ls "$K"/root/boot/vmlinuz-* | head -n 1)
	# The package leaves modules.dep to the installer's depmod.
	depmod -b "$K/root" "${v##*/vmlinuz-}"
	touch "$K/ok"
fi
VMLINUZ=$(ls "$K"/root/boot/vmlinuz-* | head -n 1)
KVER=${VMLINUZ##*/vmlinuz-}
MODS=$K/root/lib/modules/$KVER

# The initramfs tree.
R=$T/root
mkdir -p "$R/bin" "$R/sbin" "$R/lib/modules" "$R/proc" "$R/sys" "$R/dev" "$R/run" \
	"$R/tmp" "$R/w" "$R/lib64" "$R/lib/x86_64-linux-gnu" "$R/usr/sbin" "$R/usr/bin"
cp /bin/busybox "$R/bin/busybox"
for a in sh mount umount insmod mkdir cat tar sync poweroff sleep ls echo rm cp mv sed \
	grep wc head tail date uname find sort dmesg ln chmod tr cut awk seq timeout env; do
	ln -s busybox "$R/bin/$a"
done
copy_bin() {
	cp "$1" "$R$2"
	ldd "$1" | awk '/=>/ { print $3 } /^[ \t]*\/lib64/ { print $1 }' | while read -r l; do
		[ -f "$R$l" ] || cp -L "$l" "$R$l"
	done
}
copy_bin "$(command -v ip)" /usr/sbin/ip
copy_bin "$(command -v ethtool)" /usr/sbin/ethtool
copy_bin "$B/kgro" /usr/bin/kgro

# Modules and what they need, in modules.dep order (dependencies first).
want="veth geneve vxlan 8021q virtio_blk"
order=
add_mod() {
	local p d n
	p=$(sed -n "s#^\(\([^:]*/\)\?$1\.ko[^:]*\):.*#\1#p" "$MODS/modules.dep" | head -n 1)
	[ -n "$p" ] || return 0
	case " $order " in *" $p "*) return 0 ;; esac
	for d in $(sed -n "s#^$p: *##p" "$MODS/modules.dep"); do
		n=${d##*/}
		add_mod "${n%%.ko*}"
	done
	order="$order $p"
}
for m in $want; do
	n=$(echo "$m" | tr - _)
	add_mod "$m"
	[ "$n" = "$m" ] || add_mod "$n"
done
for p in $order; do
	n=${p##*/}
	case $p in
	*.xz) xz -dc "$MODS/$p" >"$R/lib/modules/${n%.xz}" ;;
	*.zst) zstd -qdc "$MODS/$p" >"$R/lib/modules/${n%.zst}" ;;
	*) cp "$MODS/$p" "$R/lib/modules/$n" ;;
	esac
	n=${n%.xz}
	n=${n%.zst}
	echo "$n" >>"$R/lib/modules/order"
done

cp -a "$W/." "$R/w/"
cat >"$R/init" <<'EOF'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
for m in $(cat /lib/modules/order); do insmod /lib/modules/$m || echo "insmod $m failed"; done
export PATH=/usr/bin:/usr/sbin:/bin
cd /w
echo "qemu-run: guest $(uname -r) up"
sh ./run.sh >/w/run.log 2>&1
echo $? >/w/run.rc
tail -n 3 /w/run.log
tar -cf /dev/vda -C /w .
sync
poweroff -f
EOF
chmod +x "$R/init"
(cd "$R" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1 >"$T/initrd.gz")

# The disk the guest writes its WORKDIR to: large enough for a copy of it
# and what it adds (kgro's outputs are a few times the inputs).
size=$(( wsize * 8 + 256 ))
truncate -s "${size}M" "$T/out.img"

echo "qemu-run: booting $KVER (TCG, ${MEM} MiB)"
start=$(date +%s)
timeout "$TMO" qemu-system-x86_64 -accel tcg -cpu max -m "$MEM" -smp 1 \
	-kernel "$VMLINUZ" -initrd "$T/initrd.gz" \
	-append "console=ttyS0 panic=-1 quiet loglevel=3" \
	-drive file="$T/out.img",format=raw,if=virtio \
	-nographic -no-reboot -nic none -monitor none -serial stdio \
	</dev/null >"$T/console.log" 2>&1 &
qpid=$!
rc=0
wait "$qpid" || rc=$?
qpid=
echo "qemu-run: guest ran $(( $(date +%s) - start )) s"
if [ $rc = 124 ]; then
	tail -n 20 "$T/console.log"
	echo "qemu-run: timed out after $TMO s" >&2
	exit 124
fi
tar -xf "$T/out.img" -C "$W" 2>/dev/null || {
	tail -n 30 "$T/console.log"
	echo "qemu-run: no results came back from the guest" >&2
	exit 1
}
cp "$T/console.log" "$W/console.log"
# (the console's escape sequences left out)
tr -cd '\11\12\40-\176' <"$T/console.log" | sed -e 's/\[[0-9;?]*[a-zA-Z]//g' -e 's/^c\(qemu-run\)/\1/' |
	grep -e 'qemu-run' -e failed | tail -n 5 || true
exit "$(cat "$W/run.rc" 2>/dev/null || echo 1)"
