#!/usr/bin/env bash
# t0066: a full rebuild writes a new view file beside the old one and renames
# it over it: killed at any point it leaves the old view whole (same digest,
# doctor clean) and the next command removes what it left; a view that is
# gone, or empty, is made the same way; the result equals the view the
# commands built one transaction at a time.
. "$(dirname "$0")/lib.sh"

make_account acct
for i in 1 2 3; do
	expect_ok -A acct invoice new --to 1 --date 2026-03-1$i
	id=$out
	expect_ok -A acct invoice add-line "$id" --desc "Werk $i" --qty $i --price 85,00 --vat 21
	expect_ok -A acct invoice finalize "$id"
done
expect_ok -A acct relation edit 1 --city Amersfoort
expect_ok -A acct invoice pay 2026-0002 --amount 100
want=$("$FACTA" -A acct debug digest)

test_case "a rebuild gives the view the commands built"
expect_ok -A acct rebuild
expect_match 'rebuilt the view from [0-9]+ transaction' "$errout" "message"
expect_eq "$want" "$("$FACTA" -A acct debug digest)" "digest after rebuild"
[ ! -e acct/.facta/view.db.rebuild ] && ok || fail "new file left behind"

for point in catch-up-applying rebuild-written rebuild-closed; do
	test_case "a rebuild killed at $point leaves the old view"
	FACTA_TEST_KILL_AT=$point "$FACTA" -A acct rebuild >/dev/null 2>&1
	st=$?
	expect_eq 137 "$st" "killed at $point"
	expect_eq "$want" "$("$FACTA" -A acct debug digest)" "digest after kill at $point"
	[ ! -e acct/.facta/view.db.rebuild ] && ok || fail "new file left after $point"
	expect_ok -A acct doctor
	expect_match 'view equals a full rebuild' "$out" "doctor after $point"
done

test_case "work goes on after an interrupted rebuild"
FACTA_TEST_KILL_AT=rebuild-written "$FACTA" -A acct rebuild >/dev/null 2>&1
expect_ok -A acct relation edit 1 --city Utrecht
expect_ok -A acct rebuild
expect_ok -A acct doctor
expect_match 'view equals a full rebuild' "$out" "doctor"

test_case "a missing or empty view is made from the journal"
want=$("$FACTA" -A acct debug digest)
rm -f acct/.facta/view.db acct/.facta/view.db-wal acct/.facta/view.db-shm
expect_eq "$want" "$("$FACTA" -A acct debug digest)" "digest of a view made anew"
: >acct/.facta/view.db
rm -f acct/.facta/view.db-wal acct/.facta/view.db-shm
expect_eq "$want" "$("$FACTA" -A acct debug digest)" "digest of an emptied view"

test_case "a view of an older schema is replaced"
sqlite3 acct/.facta/view.db "UPDATE meta SET value = 'old' WHERE key = 'schema'"
expect_eq "$want" "$("$FACTA" -A acct debug digest)" "digest after schema change"

test_case "a clone's view equals the original's"
git init -q --bare remote.git
expect_ok -A acct remote add origin "$T/remote.git"
expect_ok -A acct sync
expect_ok clone "$T/remote.git" copy
expect_eq "$want" "$("$FACTA" -A copy debug digest)" "digest of the clone"
finish
