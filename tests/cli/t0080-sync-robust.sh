#!/usr/bin/env bash
# t0080: sync that survives: kill -9 at each point of a sync (the next sync
# completes it), a read-only clone, a copy restored from an old backup
# getting a fresh device id, stale lock files, repacking, --json, and an
# offline edit of an invoice finalized elsewhere being reported.
. "$(dirname "$0")/lib.sh"

git init -q --bare remote.git
make_account desk
expect_ok -A desk remote add origin "$T/remote.git"
expect_ok -A desk sync
expect_ok clone "$T/remote.git" laptop

draft() {
	local id
	id=$("$FACTA" -A "$1" invoice new --to 1 --date 2026-03-15 2>/dev/null) &&
		"$FACTA" -A "$1" invoice add-line "$id" --desc "Werk" --qty 1 \
			--price 100 --vat 21 >/dev/null 2>&1 && echo "$id"
}

test_case "kill -9 anywhere in a sync loses nothing"
for point in fetch-done sync-fetched push-objects-sent push-ref-moved; do
	draft desk >/dev/null
	expect_ok -A laptop relation add --name "Klant $point" --address "Straat 1" --city Utrecht
	FACTA_TEST_KILL_AT=$point "$FACTA" -A desk sync >/dev/null 2>&1
	expect_eq "137" "$?" "sync killed at $point"
	FACTA_TEST_KILL_AT=$point "$FACTA" -A laptop sync >/dev/null 2>&1
	expect_eq "137" "$?" "laptop's sync killed at $point"
	expect_ok -A desk sync
	expect_ok -A laptop sync
	expect_ok -A desk sync
	expect_eq "$("$FACTA" -A desk debug digest)" "$("$FACTA" -A laptop debug digest)" "converged after kill at $point"
done
expect_ok -A laptop doctor

test_case "stale lock files are cleaned"
chain="refs/facta/replicas/$(cat desk/.facta/replica)"
touch "desk/.git/$chain.lock" desk/.git/packed-refs.lock
head -c 5000 /dev/urandom > desk/.git/objects/pack/pack_git2_0123456789abcdef
touch desk/.git/objects/pack/pack_git2_0123456789abidx.lock desk/.git/objects/pack/tmp_pack_XYZ
expect_ok -A desk doctor
expect_match "4 stale lock file" "$out" "doctor reports them"
[ ! -e desk/.git/objects/pack/pack_git2_0123456789abcdef ] && ok || fail "half-written pack left"
[ -e desk/.git/objects/pack/tmp_pack_XYZ ] && ok || fail "git's own temporary file removed"
rm -f desk/.git/objects/pack/tmp_pack_XYZ
expect_ok -A desk relation add --name "Na het slot" --address "Straat 2" --city Utrecht

test_case "sync --json"
expect_ok -A desk sync --json
expect_match '^\{"remotes": 1, .*"txns_out": 1, ' "$out" "json counts"

test_case "read-only clone"
expect_ok clone --read-only "$T/remote.git" books
before=$(git -C remote.git for-each-ref)
expect_fail 5 "read-only clone" -A books relation add --name X --address Y --city Z
expect_fail 5 "read-only" -A books invoice new --to 1
expect_ok -A books sync
expect_eq "$before" "$(git -C remote.git for-each-ref)" "read-only clone never pushes"
expect_eq "$("$FACTA" -A desk debug digest)" "$("$FACTA" -A books debug digest)" "bookkeeper sees everything"

test_case "a copy restored from an old backup gets a fresh id"
cp -a laptop laptop-backup
expect_ok -A laptop relation add --name "Na de backup" --address "Straat 3" --city Utrecht
expect_ok -A laptop sync
old=$(cat laptop-backup/.facta/replica)
expect_ok -A laptop-backup sync --json
new=$(cat laptop-backup/.facta/replica)
[ "$old" != "$new" ] && ok || fail "fresh replica id"
expect_match "\"new_replica\": \"$new\"" "$out" "json names it"
expect_match "restored from a backup" "$errout" "said so"
expect_ok -A laptop-backup relation add --name "Van de backup" --address "Straat 4" --city Utrecht
expect_ok -A laptop-backup sync
expect_ok -A laptop sync
expect_ok -A desk sync
expect_eq "$("$FACTA" -A desk debug digest)" "$("$FACTA" -A laptop-backup debug digest)" "backup converged"
expect_eq "$("$FACTA" -A desk debug digest)" "$("$FACTA" -A laptop debug digest)" "laptop converged"

test_case "a restored backup written to since moves its work to a fresh id"
cp -a laptop laptop-old
expect_ok -A laptop relation add --name "Voor de restore" --address "Straat 5" --city Utrecht
expect_ok -A laptop sync
old=$(cat laptop-old/.facta/replica)
expect_ok -A laptop-old relation add --name "Na de restore" --address "Straat 6" --city Utrecht
expect_ok -A laptop-old sync --json
new=$(cat laptop-old/.facta/replica)
[ "$old" != "$new" ] && ok || fail "fresh replica id after the fork"
expect_match "\"new_replica\": \"$new\"" "$out" "json names the new device"
expect_match "1 transaction\(s\) after that moved" "$errout" "said what moved"
expect_match "\"txns_out\": 1," "$out" "the moved transaction went out"
expect_ok -A desk sync
expect_ok -A laptop sync
for d in desk laptop laptop-old; do
	f -A $d relation list
	expect_match "Na de restore" "$out" "$d has the moved relation"
	expect_match "Voor de restore" "$out" "$d has the remote's one"
done
expect_eq "$("$FACTA" -A desk debug digest)" "$("$FACTA" -A laptop-old debug digest)" "forked copy converged"
expect_eq "$("$FACTA" -A desk debug digest)" "$("$FACTA" -A laptop debug digest)" "laptop converged after the fork"
expect_ok -A laptop-old doctor
[ "$(git -C remote.git rev-parse refs/facta/replicas/$old)" = "$(git -C laptop rev-parse refs/facta/replicas/$old)" ] && ok || fail "old chain untouched on the remote"

test_case "offline edit of an invoice finalized elsewhere is reported"
id=$(draft desk)
expect_ok -A desk sync
expect_ok -A laptop sync
expect_ok -A desk invoice finalize "$id"
expect_ok -A laptop invoice add-line "$id" --desc "Te laat" --qty 1 --price 5 --vat 21
expect_ok -A desk sync
expect_ok -A laptop sync
expect_match "conflict: .*before it saw an edit of its lines" "$errout" "the editing device reports it too"
expect_ok -A laptop doctor
expect_match "WARNING .*before it saw an edit" "$out" "its doctor lists it"
expect_ok -A desk sync
expect_match "conflict: .*after it was finalized" "$errout" "sync reports it"
expect_ok -A desk doctor
expect_match "WARNING .*after it was finalized" "$out" "doctor lists it"
f -A desk invoice show "$id" --json
if printf '%s' "$out" | grep -q "Te laat"; then fail "late edit applied"; else ok; fi

test_case "packs pile up and get repacked"
for i in $(seq 18); do
	"$FACTA" -A laptop relation add --name "R$i" --address "S" --city U >/dev/null 2>&1
	"$FACTA" -A laptop sync 2>/dev/null
	"$FACTA" -A desk sync --json >>desk.json 2>/dev/null
done
grep -q '"repacked": true' desk.json && ok || fail "sync repacked"
packs=$(ls desk/.git/objects/pack/*.pack | wc -l)
[ "$packs" -le 17 ] && ok || fail "packs after repack: $packs"
expect_ok -A desk doctor
expect_eq "$("$FACTA" -A desk debug digest)" "$("$FACTA" -A laptop debug digest)" "same after repack"

test_case "an account without a remote gets its loose objects packed too"
make_account solo
mkdir blobs
for i in $(seq 2600); do echo "loose $i" > "blobs/$i"; done
(cd solo && ls ../blobs | sed 's|^|../blobs/|' | git hash-object -w --stdin-paths >/dev/null)
[ "$(ls solo/.git/objects/17 2>/dev/null | wc -l)" -gt 7 ] && ok || fail "setup: loose objects"
expect_ok -A solo invoice list
[ "$(ls solo/.git/objects/17 2>/dev/null | wc -l)" -eq 0 ] && ok || fail "loose objects left"
ls solo/.git/objects/pack/*.pack >/dev/null 2>&1 && ok || fail "no pack written"
git -C solo fsck --no-dangling >/dev/null 2>&1 && ok || fail "solo fsck"
expect_ok -A solo doctor

test_case "repacking is geometric: the big old pack stays, the remote is kept too"
for i in $(seq 120); do
	"$FACTA" -A desk relation add --name "H$i" --address "S" --city U >/dev/null 2>&1
done
expect_ok -A desk sync
expect_ok clone "$T/remote.git" tablet
big=$(ls -S tablet/.git/objects/pack/*.pack | head -1)
for i in $(seq 40); do
	"$FACTA" -A desk relation add --name "N$i" --address "S" --city U >/dev/null 2>&1
	"$FACTA" -A desk sync 2>/dev/null
	"$FACTA" -A tablet sync --json >>tablet.json 2>/dev/null
done
grep -q '"repacked": true' tablet.json && ok || fail "tablet repacked"
[ -e "$big" ] && ok || fail "the history's pack was rewritten by a small repack"
packs=$(ls tablet/.git/objects/pack/*.pack | wc -l)
[ "$packs" -le 17 ] && ok || fail "tablet packs: $packs"
packs=$(ls remote.git/objects/pack/*.pack | wc -l)
[ "$packs" -le 17 ] && ok || fail "path remote packs: $packs"
git -C remote.git fsck --no-dangling >/dev/null 2>&1 && ok || fail "remote fsck"
git -C tablet fsck --no-dangling >/dev/null 2>&1 && ok || fail "tablet fsck"
expect_ok -A tablet doctor
expect_eq "$("$FACTA" -A desk debug digest)" "$("$FACTA" -A tablet debug digest)" "same after repacks"

finish
