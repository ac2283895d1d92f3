#!/usr/bin/env bash
# t0050: two laptops through a bare path/file:// remote: sync, clone, both
# directions, digest equality, rebuild equality, refusing a rewritten chain.
. "$(dirname "$0")/lib.sh"

make_account desk
expect_ok -A desk invoice new --to 1 --date 2026-03-15
id=$out
expect_ok -A desk invoice add-line "$id" --desc "Webdesign" --qty 10 --price 85 --vat 21
expect_ok -A desk invoice add-line "$id" --desc "Taart" --qty 1 --price 24,50 --vat 9
expect_ok -A desk invoice finalize "$id"
expect_eq "2026-0001" "$out" "number"

test_case "sync to a bare repository"
git init -q --bare remote.git
expect_ok -A desk remote add origin "$T/remote.git"
f -A desk remote list
expect_match "^origin	$T/remote.git" "$out" "remote listed"
expect_fail 4 "exists" -A desk remote add origin "$T/remote.git"
expect_fail 2 "name" -A desk remote add "bad name" "$T/remote.git"
expect_ok -A desk sync
[ -n "$(git -C remote.git for-each-ref refs/facta/replicas)" ] && ok || fail "chain pushed"

test_case "clone gives the same view"
expect_ok clone "file://$T/remote.git" laptop
expect_eq "$("$FACTA" -A desk invoice list)" "$("$FACTA" -A laptop invoice list)" "same list"
expect_eq "$("$FACTA" -A desk debug digest)" "$("$FACTA" -A laptop debug digest)" "same digest"
[ "$(cat desk/.facta/replica)" != "$(cat laptop/.facta/replica)" ] && ok || fail "new replica id"
expect_fail 4 "exists|empty" clone "$T/remote.git" laptop
expect_fail 6 "cannot reach|not found|does not exist" clone "$T/missing.git" nowhere
[ ! -e nowhere ] && ok || fail "failed clone left a directory"

test_case "both directions"
expect_ok -A laptop relation add --name "Bakkerij Van der Ploeg V.O.F." --address "Dorpsstraat 3" \
	--postcode "2851 AB" --city Haastrecht
expect_eq "2" "$out" "laptop's relation"
expect_ok -A desk invoice pay 2026-0001 --amount 100
expect_ok -A laptop sync
expect_ok -A desk sync
expect_ok -A laptop sync
f -A desk relation list
expect_match "Bakkerij Van der Ploeg" "$out" "desk sees laptop's relation"
f -A laptop invoice show 2026-0001 --json
expect_match '"paid_cents": 10000' "$out" "laptop sees desk's payment"
expect_eq "$("$FACTA" -A desk debug digest)" "$("$FACTA" -A laptop debug digest)" "digest after both synced"

test_case "incremental view equals a rebuild"
d=$("$FACTA" -A laptop debug digest)
expect_ok -A laptop rebuild
expect_eq "$d" "$("$FACTA" -A laptop debug digest)" "rebuild equality"

test_case "the journal is readable with git"
log=$(git -C desk log -p "refs/facta/replicas/$(cat desk/.facta/replica)")
expect_match '"op":"invoice.finalize"' "$log" "finalize op in git log"
expect_match 'invoice 2026-0001: finalize' "$log" "summary line"

test_case "a rewritten chain is refused"
chain="refs/facta/replicas/$(cat desk/.facta/replica)"
before=$(git -C laptop rev-parse "$chain")
other=$(git -C remote.git commit-tree -m rewritten "$(git -C remote.git hash-object -t tree -w /dev/null 2>/dev/null || git -C remote.git mktree </dev/null)")
git -C remote.git update-ref "$chain" "$other"
expect_fail 4 "rewritten|diverged|refus" -A laptop sync
expect_eq "$before" "$(git -C laptop rev-parse "$chain")" "local chain untouched"
f -A laptop invoice show 2026-0001 --json
expect_match '"number": "2026-0001"' "$out" "data still there"

finish
