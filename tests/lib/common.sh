# Sourced by every test: assertions that say what they expected, and scratch
# space that is removed when the test ends.
set -u
: "${TOPDIR:?}" "${O:?}"
IMAGES_DIR=$O/images
: "${DL_DIR:=${XDG_CACHE_HOME:-$HOME/.cache}/berth/dl}"
export DL_DIR
T=$(mktemp -d "${TMPDIR:-/tmp}/berth-test.XXXXXX")
cleanups=
cleanup() { eval "$cleanups"; rm -rf "$T"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
on_exit() { cleanups="$1; $cleanups"; }

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "skipped: $*"; exit 77; }
ok() { echo "ok: $*"; }

# assert_contains FILE TEXT [WHAT]: FILE contains TEXT literally.
assert_contains() {
	grep -qF -- "$2" "$1" || { echo "--- $1:" >&2; tail -n 20 "$1" >&2; fail "${3:-$1} does not contain: $2"; }
	ok "${3:-$1} contains: $2"
}
assert_not_contains() {
	! grep -qF -- "$2" "$1" || fail "${3:-$1} contains: $2"
	ok "${3:-$1} does not contain: $2"
}

# A make in a scratch output directory, sharing the tree and (unless DL_DIR is
# given) the download directory.
tmake() { make --no-print-directory -C "$TOPDIR" O="$T/out" "$@"; }

# A static HTTP server on loopback for DIR; sets HTTP_PORT. Stopped on exit.
http_serve() {
	python3 -u -m http.server --bind 127.0.0.1 --directory "$1" 0 >"$T/http.log" 2>&1 &
	_http_pid=$!
	on_exit "kill $_http_pid 2>/dev/null"
	i=0
	while [ $i -lt 50 ]; do
		HTTP_PORT=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$T/http.log" | head -1)
		[ -n "$HTTP_PORT" ] && return 0
		sleep 0.1; i=$((i + 1))
	done
	fail "the test HTTP server did not start"
}

# free_ports N: prints the first of N consecutive ports that nothing on this
# machine uses now, below the kernel's ephemeral range (where a client's
# outgoing connection could take a port between the pick and the bind).
free_ports() {
	_lo=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
	_span=$((_lo - 10000 - $1))
	_used=$(cat /proc/net/tcp /proc/net/tcp6 /proc/net/udp /proc/net/udp6 2>/dev/null |
		awk 'NR > 1 { split($2, a, ":"); p = 0
			for (i = 1; i <= length(a[2]); i++) p = p * 16 + index("0123456789ABCDEF", substr(a[2], i, 1)) - 1
			print p }' | sort -u)
	_try=0
	while [ $_try -lt 200 ]; do
		_b=$((10000 + ($$ * 7 + _try * 97) % _span))
		_clash=$(printf '%s\n' "$_used" | awk -v b="$_b" -v n="$1" '$1 >= b && $1 < b + n' | head -n 1)
		[ -z "$_clash" ] && { echo "$_b"; return 0; }
		_try=$((_try + 1))
	done
	fail "no $1 free ports below $_lo"
}

# A loopback URL where nothing listens: an upstream that is down.
DEAD_URL=http://127.0.0.1:9/none

# fetch_musl LOG MIRROR [MAKE-ARGS...]: make musl-source into DL_DIR=$T/dl with
# upstream down, the Debian archive off and MIRROR as BERTH_MIRROR.
fetch_musl() {
	_log=$1 _mirror=$2; shift 2
	DL_DIR=$T/dl tmake musl-source MUSL_SITE=$DEAD_URL BERTH_DEBIAN_MIRROR=n \
		BERTH_MIRROR="$_mirror" "$@" >"$_log" 2>&1
}
# assert_dl_empty: nothing of musl, not even a partial file, is left in $T/dl.
assert_dl_empty() {
	[ -z "$(ls -A "$T/dl/musl" 2>/dev/null)" ] || fail "DL_DIR kept something: $(ls -A "$T/dl/musl")"
	ok "DL_DIR holds nothing of it"
}

# clone_build DIR: an output directory DIR that reuses this tree's built packages:
# a copy of their stamps, installed files, the toolchain and GRUB, without their
# source and object trees (a package the clone had to rebuild would fail loudly
# rather than touch the original), and of images/.
clone_build() {
	[ -f "$O/build/linux/.stamp_installed" ] || fail "build the tree first (make)"
	mkdir -p "$1"
	rsync -a --exclude '/*/src/' --exclude '/*/src.tmp/' --exclude '/linux/obj/' --exclude '/grub/build-*/' \
		--exclude '/run/' --exclude '/disk/' --exclude '/rootfs/' --exclude '/tests/' \
		--exclude '/.stamp_rootfs' --exclude '/.stamp_images' "$O/build/" "$1/build/"
	cp -a --sparse=always "$O/images" "$1/images"
	cp "$O/.config" "$1/.config"
}
# clone_src OUT PKG...: the clone gets PKG's extracted source too (clone_build
# copies none), for a package the clone configures again (the kernel of
# another board).
clone_src() {
	_o=$1; shift
	for _p; do
		rsync -a "$O/build/$_p/src/" "$_o/build/$_p/src/" || fail "cannot copy $_p's source"
	done
}
