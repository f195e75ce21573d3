#!/usr/bin/env bash
# Runs a command with a real Secret Service: gnome-keyring on the current
# D-Bus session bus (start this under dbus-run-session), its keyrings in a
# throwaway directory so the unlock password is ours and no real keyring
# is touched. Used by `make test`.
set -euo pipefail
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
export XDG_DATA_HOME=$data
# --unlock reads the password on stdin and creates the login keyring with
# it; an empty password would make the daemon ask a (missing) prompter.
printf 'mailwizard-test' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
# Fail here, in words, rather than in every keychain test.
if ! printf probe | secret-tool store --label=mailwizard-probe app mailwizard-probe 2>/dev/null ||
	[ "$(secret-tool lookup app mailwizard-probe 2>/dev/null)" != probe ]; then
	echo "with-keyring: the Secret Service (gnome-keyring) does not answer on this D-Bus session" >&2
	exit 1
fi
secret-tool clear app mailwizard-probe
# Keychain tests fail, rather than skip, when the keychain is missing here.
export MAILWIZARD_REQUIRE_KEYCHAIN=1
"$@"
