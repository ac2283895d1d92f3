#!/usr/bin/env bash
# t0070: invoice numbers across devices: N devices finalizing at the same
# moment against one remote get N distinct consecutive numbers, over a path
# remote, git:// (git daemon) and smart HTTP; offline series reserved once
# per device; refusing offline without one; doctor over the result.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/servers.sh"
N=4
mkdir srv
start_git_daemon "$T/srv" || exit 1
start_http "$T/srv" || exit 1

draft() { # ACCOUNT: a finalizable draft; prints its id
	local id
	id=$("$FACTA" -A "$1" invoice new --to 1 --date 2026-03-15 2>/dev/null) &&
		"$FACTA" -A "$1" invoice add-line "$id" --desc "Werk" --qty 1 \
			--price 100 --vat 21 >/dev/null 2>&1 && echo "$id"
}

# concurrent NAME URL: N devices on URL finalize at once.
concurrent() {
	local name=$1 url=$2 i ids=() nums
	test_case "concurrent finalize over $name"
	git init -q --bare "srv/$name.git"
	make_account "$name-1"
	expect_ok -A "$name-1" remote add origin "$url/$name.git"
	expect_ok -A "$name-1" sync
	for i in $(seq 2 $N); do
		expect_ok clone "$url/$name.git" "$name-$i"
	done
	for i in $(seq $N); do ids[$i]=$(draft "$name-$i"); done
	for i in $(seq $N); do
		"$FACTA" -A "$name-$i" invoice finalize "${ids[$i]}" \
			>"$name-$i.num" 2>"$name-$i.err" &
	done
	wait_pids=$(jobs -p | grep -vxF -f <(printf '%s\n' "${server_pids[@]}"))
	for p in $wait_pids; do wait "$p"; done
	nums=$(cat "$name"-*.num | sort | tr '\n' ' ')
	expect_eq "2026-0001 2026-0002 2026-0003 2026-0004 " "$nums" \
		"$name: $N distinct consecutive numbers ($(cat "$name"-*.err | tr '\n' ' '))"
	for round in 1 2; do
		for i in $(seq $N); do "$FACTA" -A "$name-$i" sync 2>/dev/null; done
	done
	want=$("$FACTA" -A "$name-1" debug digest)
	for i in $(seq 2 $N); do
		expect_eq "$want" "$("$FACTA" -A "$name-$i" debug digest)" "$name: digest of device $i"
	done
	expect_ok -A "$name-2" doctor
	expect_match "series 2026-\{NNNN\}: 4 number\(s\), highest 4" "$out" "$name: doctor sees the series"
	claims=$(git -C "srv/$name.git" log --format=%s "refs/facta/series/2026-%7BNNNN%7D" | wc -l)
	expect_eq "4" "$claims" "$name: four claims on the remote"
}

concurrent path "$T/srv"
concurrent git "$GIT_URL"
concurrent http "$HTTP_URL"

test_case "offline series: reserved once, used offline"
expect_ok -A path-1 device set --offline-series L1
expect_fail 4 "reserved by another device" -A path-2 device set --offline-series L1
expect_fail 2 "invalid offline series" -A path-2 device set --offline-series l-1
expect_ok -A path-2 device set --offline-series L2
expect_ok -A path-1 device show
expect_match "offline series	L1" "$out" "device show"
mv srv/path.git srv/path-away.git
id1=$(draft path-1); id3=$(draft path-3)
expect_ok -A path-1 invoice finalize "$id1"
expect_eq "2026-L1-0001" "$out" "offline number"
expect_match "offline series L1" "$errout" "said so"
before=$(snapshot path-3)
expect_fail 6 "cannot be reached.*device set --offline-series" -A path-3 invoice finalize "$id3"
expect_eq "$before" "$(snapshot path-3)" "refused finalize changed nothing"
mv srv/path-away.git srv/path.git
expect_ok -A path-3 invoice finalize "$id3"
expect_eq "2026-0005" "$out" "online again: next global number"
for round in 1 2; do
	for i in $(seq $N); do "$FACTA" -A "path-$i" sync 2>/dev/null; done
done
expect_ok -A path-4 doctor
expect_match "series 2026-L1-\{NNNN\}: 1 number" "$out" "offline series in doctor"
expect_eq "$("$FACTA" -A path-1 debug digest)" "$("$FACTA" -A path-4 debug digest)" "offline number synced"

test_case "a killed finalize keeps its claimed number"
id=$(draft path-2)
FACTA_TEST_KILL_AT=claim-after-cas "$FACTA" -A path-2 invoice finalize "$id" >/dev/null 2>&1
expect_eq "137" "$?" "killed after the claim"
expect_ok -A path-2 invoice finalize "$id"
expect_eq "2026-0006" "$out" "same number again, no gap"
id=$(draft path-1)
expect_ok -A path-1 invoice finalize "$id"
expect_eq "2026-0007" "$out" "next device goes on after it"

test_case "doctor names the numbers a killed finalize left open"
g1=$(draft path-2)
FACTA_TEST_KILL_AT=claim-after-cas "$FACTA" -A path-2 invoice finalize "$g1" >/dev/null 2>&1
expect_ok -A path-1 invoice finalize "$(draft path-1)"
expect_eq "2026-0009" "$out" "the next device skips the claimed number"
"$FACTA" -A path-1 sync 2>/dev/null; "$FACTA" -A path-2 sync 2>/dev/null
"$FACTA" -A path-1 sync 2>/dev/null
f -A path-1 doctor
expect_match "has a gap: number 8 missing" "$out" "one missing number, said as it is"
g2=$(draft path-2); g3=$(draft path-2)
FACTA_TEST_KILL_AT=claim-after-cas "$FACTA" -A path-2 invoice finalize "$g2" >/dev/null 2>&1
FACTA_TEST_KILL_AT=claim-after-cas "$FACTA" -A path-2 invoice finalize "$g3" >/dev/null 2>&1
expect_ok -A path-1 invoice finalize "$(draft path-1)"
expect_eq "2026-0012" "$out" "after two more claims"
"$FACTA" -A path-1 sync 2>/dev/null; "$FACTA" -A path-2 sync 2>/dev/null
"$FACTA" -A path-1 sync 2>/dev/null
f -A path-1 doctor
expect_match "has a gap: numbers 10-11 missing" "$out" "a range of missing numbers"
for g in "$g1" "$g2" "$g3"; do expect_ok -A path-2 invoice finalize "$g"; done
"$FACTA" -A path-2 sync 2>/dev/null; "$FACTA" -A path-1 sync 2>/dev/null
f -A path-1 doctor
if printf '%s\n' "$out" | grep -q "gap"; then fail "gaps left: $out"; else ok; fi

test_case "wrong token over https fails after bounded attempts"
git init -q --bare srv/tok.git
stop_servers
start_http "$T/srv" s3cret || exit 1
expect_ok -A path-1 remote add tok "$HTTP_URL/tok.git"
FACTA_GIT_TOKEN=wrong expect_fail 6 "authentication failed.*after 3 attempts" -A path-1 sync tok
FACTA_GIT_TOKEN=s3cret expect_ok -A path-1 sync tok
[ -n "$(git -C srv/tok.git for-each-ref refs/facta/replicas)" ] && ok || fail "pushed with the right token"

finish
