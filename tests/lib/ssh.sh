# Sourced by tests that reach a guest over SSH through QEMU's port forward
# ($SSH_PORT on the host's loopback), with a key made for the test, and that
# hand a guest a drive of configuration.

# ssh_key: $T/key and $T/key.pub, a fresh Ed25519 key; sets SSH_OPTS.
ssh_key() {
	ssh-keygen -q -t ed25519 -N '' -C berth-test -f "$T/key" || fail "ssh-keygen failed"
	SSH_OPTS="-i $T/key -o IdentitiesOnly=yes -o BatchMode=yes -o ConnectTimeout=5 \
-o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=$T/known_hosts -o LogLevel=ERROR"
}
# ssh_run USER COMMAND: runs COMMAND on the guest as USER; its output, \r-free.
ssh_run() {
	_u=$1; shift
	# shellcheck disable=SC2086
	ssh $SSH_OPTS -p "$SSH_PORT" "$_u@127.0.0.1" "$@" < /dev/null | tr -d '\r'
}
# ssh_wait SECONDS: until a login as core works; false if it never does.
ssh_wait() {
	_end=$(( $(date +%s) + $1 ))
	# shellcheck disable=SC2086
	until ssh $SSH_OPTS -p "$SSH_PORT" core@127.0.0.1 true < /dev/null 2>>"$T/ssh-wait.log"; do
		[ "$(date +%s)" -lt $_end ] || return 1
		sleep 0.5
	done
}
# config_drive DIR IMAGE LABEL: a vfat image labelled LABEL holding DIR's files
# (config-2: an OpenStack ConfigDrive; cidata: NoCloud), made without root.
config_drive() {
	rm -f "$2"
	mkfs.fat -C -n "$3" "$2" 4096 >/dev/null 2>&1 || fail "mkfs.fat $2 failed"
	if [ -n "$(ls -A "$1")" ]; then
		MTOOLS_SKIP_CHECK=1 mcopy -s -i "$2" "$1"/* ::/ || fail "mcopy into $2 failed"
	fi
}
# ssh_password_refused: a login as core without a key (password or
# keyboard-interactive) is refused, the server offering keys only.
ssh_password_refused() {
	# shellcheck disable=SC2086
	if ssh $SSH_OPTS -p "$SSH_PORT" -o PubkeyAuthentication=no -o PreferredAuthentications=password,keyboard-interactive \
		-o NumberOfPasswordPrompts=1 core@127.0.0.1 true < /dev/null > "$T/pw.out" 2>&1; then
		fail "a login without a key got in"
	fi
	assert_contains "$T/pw.out" "Permission denied (publickey)"
}
