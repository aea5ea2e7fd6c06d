# Builds image archives for dock's tests, from a directory, with tar, gzip and
# sha256sum only:
#   oci_layout ROOTFS OUT.tar REF CONFIG_JSON   an OCI image layout (one layer)
#   oci_multiarch ROOTFS OUT.tar REF CONFIG_ARM64 CONFIG_AMD64   one whose REF
#       is an index of a linux/arm64 and a linux/amd64 image
#   docker_archive ROOTFS OUT.tar REF CONFIG_JSON [ROOTFS...]   as docker save
#       writes it; each further ROOTFS a layer above (whiteouts as .wh. files)
# CONFIG_JSON is the image config's "config" object, e.g.
#   '{"Cmd":["/bin/sh","-c","echo hi"],"Env":["A=1"]}'
# Reproducible: fixed owners and times.

_oci_tar() { # DIR OUT
	tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$1" -cf "$2" .
}
_oci_sha() { sha256sum "$1" | cut -d' ' -f1; }

# _oci_image ROOT W ARCH CONFIG_JSON: the layer (ROOT, made once), a config
# for ARCH and a manifest, as blobs in W/l/blobs; _msha and _msize are the
# manifest's.
_oci_image() {
	mkdir -p "$2/l/blobs/sha256"
	if [ ! -f "$2/layer.tgz" ]; then
		_oci_tar "$1" "$2/layer.tar"
		_diff=$(_oci_sha "$2/layer.tar")
		gzip -n -c "$2/layer.tar" > "$2/layer.tgz"
		_lsha=$(_oci_sha "$2/layer.tgz")
		cp "$2/layer.tgz" "$2/l/blobs/sha256/$_lsha"
	fi
	printf '{"architecture":"%s","os":"linux","config":%s,"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
		"$3" "$4" "$_diff" > "$2/config"
	_csha=$(_oci_sha "$2/config")
	cp "$2/config" "$2/l/blobs/sha256/$_csha"
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
		"$_csha" "$(stat -c %s "$2/config")" "$_lsha" "$(stat -c %s "$2/layer.tgz")" > "$2/manifest"
	_msha=$(_oci_sha "$2/manifest")
	_msize=$(stat -c %s "$2/manifest")
	cp "$2/manifest" "$2/l/blobs/sha256/$_msha"
}

oci_layout() {
	_root=$1 _out=$2 _ref=$3 _cfg=$4
	_w=$(mktemp -d) || return 1
	_oci_image "$_root" "$_w" amd64 "$_cfg"
	printf '{"imageLayoutVersion":"1.0.0"}' > "$_w/l/oci-layout"
	printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
		"$_msha" "$_msize" "$_ref" > "$_w/l/index.json"
	_oci_tar "$_w/l" "$_out"
	rm -rf "$_w"
}

# oci_multiarch ROOTFS OUT.tar REF CONFIG_ARM64 CONFIG_AMD64: an OCI layout
# whose REF is an image index of two images, linux/arm64 first, then
# linux/amd64 (one layer, each its own config).
oci_multiarch() {
	_w=$(mktemp -d) || return 1
	_oci_image "$1" "$_w" arm64 "$4"
	_arm="$_msha $_msize"
	_oci_image "$1" "$_w" amd64 "$5"
	# shellcheck disable=SC2086
	set -- "$1" "$2" "$3" $_arm "$_msha" "$_msize"
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"arm64","os":"linux"}},{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"amd64","os":"linux"}}]}' \
		"$4" "$5" "$6" "$7" > "$_w/index"
	_isha=$(_oci_sha "$_w/index")
	cp "$_w/index" "$_w/l/blobs/sha256/$_isha"
	printf '{"imageLayoutVersion":"1.0.0"}' > "$_w/l/oci-layout"
	printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
		"$_isha" "$(stat -c %s "$_w/index")" "$3" > "$_w/l/index.json"
	_oci_tar "$_w/l" "$2"
	rm -rf "$_w"
}

docker_archive() { # ROOTFS OUT REF CONFIG [ROOTFS...]: more roots, more layers
	_out=$2 _ref=$3 _cfg=$4 _first=$1
	shift 4
	_w=$(mktemp -d) || return 1
	_n=0 _diffs= _layers=
	for _root in "$_first" "$@"; do
		_n=$((_n + 1))
		mkdir -p "$_w/a/layer$_n"
		_oci_tar "$_root" "$_w/a/layer$_n/layer.tar"
		_diffs="$_diffs${_diffs:+,}\"sha256:$(_oci_sha "$_w/a/layer$_n/layer.tar")\""
		_layers="$_layers${_layers:+,}\"layer$_n/layer.tar\""
	done
	printf '{"architecture":"amd64","os":"linux","config":%s,"rootfs":{"type":"layers","diff_ids":[%s]}}' \
		"$_cfg" "$_diffs" > "$_w/config"
	_csha=$(_oci_sha "$_w/config")
	cp "$_w/config" "$_w/a/$_csha.json"
	printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":[%s]}]' "$_csha" "$_ref" "$_layers" > "$_w/a/manifest.json"
	_oci_tar "$_w/a" "$_out"
	rm -rf "$_w"
}

# registry_start NAME PORT [CERT KEY]: Debian's docker-registry on 127.0.0.1:PORT
# (HTTPS with CERT and KEY), its data under $T/NAME; stopped on exit.
# $REGISTRY_AUTH, if set, is its config's auth: section.
registry_start() {
	mkdir -p "$T/$1"
	{
		printf 'version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: %s\n' "$T/$1/data"
		printf 'http:\n  addr: 127.0.0.1:%s\n' "$2"
		[ -z "${3:-}" ] || printf '  tls:\n    certificate: %s\n    key: %s\n' "$3" "$4"
		[ -z "${REGISTRY_AUTH:-}" ] || printf 'auth:\n%s\n' "$REGISTRY_AUTH"
	} > "$T/$1/config.yml"
	docker-registry serve "$T/$1/config.yml" >"$T/$1/log" 2>&1 &
	_reg=$!
	on_exit "kill $_reg 2>/dev/null"
	for _ in $(seq 100); do
		curl -ks -o /dev/null "http${3:+s}://127.0.0.1:$2/v2/" && return 0
		sleep 0.1
	done
	cat "$T/$1/log" >&2
	fail "the registry $1 did not start"
}
