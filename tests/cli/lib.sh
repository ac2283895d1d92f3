#!/usr/bin/env bash
# lib.sh: shared helpers of the CLI end-to-end tests (after git's t/test-lib.sh).
# Each test script runs the real facta binary ($FACTA) in a fresh temporary
# directory, checks results with expect_* helpers and ends with `finish`,
# which prints "N passed, M failed" and exits non-zero on any failure.
set -u
FACTA=${FACTA:?FACTA must point at the facta binary}
export FACTA_TODAY=${FACTA_TODAY:-2026-03-20}
export FACTA_AUTHOR=test
export LC_ALL=C.UTF-8
base=${FACTA_TEST_TMP:-${TMPDIR:-/tmp}}
mkdir -p "$base"
T=$(mktemp -d "$base/$(basename "$0" .sh).XXXXXX")
cd "$T" || exit 1
passed=0
failed=0
current="setup"

test_case() { current=$1; }
ok() { passed=$((passed + 1)); }
fail() {
	failed=$((failed + 1))
	echo "FAIL [$current]: $*" >&2
}

# f: run facta; stdout in $out, stderr in $errout, status in $status.
f() {
	out=$("$FACTA" "$@" 2>"$T/.stderr")
	status=$?
	errout=$(cat "$T/.stderr")
	return 0
}

expect_ok() {
	f "$@"
	if [ "$status" -eq 0 ]; then ok; else fail "facta $* exited $status: $errout"; fi
}

# expect_fail STATUS PATTERN ARGS...: fails with that exit status and a
# one-line message on stderr that matches PATTERN (grep -E).
expect_fail() {
	local want=$1 pat=$2; shift 2
	f "$@"
	if [ "$status" -ne "$want" ]; then
		fail "facta $* exited $status, wanted $want: $errout"
	elif [ "$(printf '%s\n' "$errout" | wc -l)" -ne 1 ]; then
		fail "facta $*: error is not one line: $errout"
	elif ! printf '%s\n' "$errout" | grep -Eq -- "$pat"; then
		fail "facta $*: error '$errout' does not match '$pat'"
	else
		ok
	fi
}

expect_eq() { # WANT GOT WHAT
	if [ "$1" = "$2" ]; then ok; else fail "$3: wanted '$1', got '$2'"; fi
}

expect_match() { # PATTERN TEXT WHAT
	if printf '%s\n' "$2" | grep -Eq -- "$1"; then ok; else fail "$3: '$1' not in: $2"; fi
}

# A snapshot of everything an account holds, to prove a failed command
# changed nothing: journal refs and the view's digest.
snapshot() { # DIR
	git -C "$1" for-each-ref --format='%(refname) %(objectname)' refs/facta
	"$FACTA" -A "$1" debug digest
}

# A realistic Dutch account with a customer. Sets $A (account dir).
make_account() { # DIR
	A=$1
	expect_ok init "$A"
	expect_ok -A "$A" company set --name "Studio Lindeboom" \
		--address "Kanaalweg 14 B" --postcode 3526KL --city Utrecht \
		--country NL --kvk 04567821 --vat NL004495445B01 \
		--iban "NL91 ABNA 0417 1643 00" --email factuur@lindeboom.example \
		--payment-term 14
	expect_ok -A "$A" relation add --name "Café 't Hoekje" \
		--address "Oudegracht 12" --postcode "3511 AB" --city Utrecht \
		--email "jan@hoekje.example" --kvk 08123456
}

finish() {
	echo "$passed passed, $failed failed"
	if [ "$failed" -eq 0 ]; then rm -rf "$T"; exit 0; fi
	echo "kept $T for inspection" >&2
	exit 1
}
