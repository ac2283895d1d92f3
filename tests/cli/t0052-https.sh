#!/usr/bin/env bash
# t0052: an https remote (git http-backend behind TLS on 127.0.0.1): the
# server's certificate is checked against the trust store that facta loads
# only when an https remote needs it (GIT_SSL_CAINFO, http.sslCAInfo, else
# the system bundle), and commands that need no TLS never read the bundle.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/servers.sh"
unset GIT_SSL_CAINFO # the machine's own may point at the system bundle

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
	-addext "subjectAltName=DNS:127.0.0.1,IP:127.0.0.1" \
	-keyout key.pem -out cert.pem 2>/dev/null || fail "openssl"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
	-keyout other-key.pem -out other.pem 2>/dev/null || fail "openssl"
mkdir srv
git init -q --bare srv/books.git
start_https "$T/srv" "$T/cert.pem" "$T/key.pem" || exit 1
url=$HTTPS_URL/books.git

make_account desk
expect_ok -A desk invoice new --to 1 --date 2026-03-15
id=$out
expect_ok -A desk invoice add-line "$id" --desc "Webdesign" --qty 2 --price 85 --vat 21
expect_ok -A desk invoice finalize "$id"
expect_ok -A desk remote add origin "$url"

test_case "an untrusted certificate is refused, nothing changes"
before=$(snapshot desk)
expect_fail 6 "certificate|SSL|ssl" -A desk sync
expect_eq "$before" "$(snapshot desk)" "account unchanged"
[ -z "$(git -C srv/books.git for-each-ref refs/facta)" ] && ok || fail "nothing pushed"
GIT_SSL_CAINFO=$T/other.pem expect_fail 6 "certificate|SSL|ssl" -A desk sync
GIT_SSL_CAINFO=$T/missing.pem expect_fail 6 "CA certificates from '.*missing.pem'" -A desk sync

test_case "trusted through GIT_SSL_CAINFO"
GIT_SSL_CAINFO=$T/cert.pem expect_ok -A desk sync
[ -n "$(git -C srv/books.git for-each-ref refs/facta/replicas)" ] && ok || fail "chain pushed"
GIT_SSL_CAINFO=$T/cert.pem expect_ok clone "$url" laptop
expect_eq "$("$FACTA" -A desk debug digest)" "$("$FACTA" -A laptop debug digest)" "same digest"

test_case "trusted through the account's http.sslCAInfo"
git -C laptop config http.sslCAInfo "$T/cert.pem"
expect_ok -A laptop invoice pay 2026-0001 --amount 50
expect_ok -A laptop sync
GIT_SSL_CAINFO=$T/cert.pem expect_ok -A desk sync
expect_eq "$("$FACTA" -A desk debug digest)" "$("$FACTA" -A laptop debug digest)" "same digest"

test_case "no TLS work without an https remote"
if command -v strace >/dev/null; then
	strace -f -e trace=open,openat -o trace.txt "$FACTA" -A desk invoice list >/dev/null 2>&1
	grep -q "ca-certificates\|cert.pem" trace.txt && fail "CA bundle read by invoice list" || ok
	GIT_SSL_CAINFO=$T/cert.pem strace -f -e trace=open,openat -o trace2.txt \
		"$FACTA" -A desk sync >/dev/null 2>&1
	grep -q "cert.pem" trace2.txt && ok || fail "CA file not read by an https sync"
else
	fail "strace is not installed (scripts/install-deps.sh installs it)"
fi

finish
