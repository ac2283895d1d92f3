#!/usr/bin/env bash
# t0060: a command that fails half-way (the journal cannot be written, the
# view is lost) leaves the account exactly as it was, and nothing is lost.
. "$(dirname "$0")/lib.sh"

make_account acct
chain="refs/facta/replicas/$(cat acct/.facta/replica)"

test_case "journal write fails: view rolls back"
before=$(snapshot acct)
# The ref cannot be locked: a directory where libgit2 makes its lock file
# (a stale lock *file* would be cleaned: facta holds the account lock).
mkdir "acct/.git/$chain.lock"
f -A acct relation add --name "Nooit Opgeslagen"
[ "$status" -ne 0 ] && ok || fail "relation add succeeded with a locked journal"
expect_match "facta: " "$errout" "error message"
expect_eq "$before" "$(snapshot acct)" "account unchanged"
f -A acct relation list
if printf '%s' "$out" | grep -q "Nooit"; then fail "half-written relation visible"; else ok; fi
rmdir "acct/.git/$chain.lock"
expect_ok -A acct relation add --name "Wel Opgeslagen"
expect_eq "2" "$out" "numbering continues as if nothing happened"

test_case "a lost or stale view is rebuilt from the journal"
d=$("$FACTA" -A acct debug digest)
rm -f acct/.facta/view.db acct/.facta/view.db-wal acct/.facta/view.db-shm
expect_eq "$d" "$("$FACTA" -A acct debug digest)" "digest from journal alone"
f -A acct relation list
expect_match "Wel Opgeslagen" "$out" "relation back"

test_case "a view made by another facta version is replayed"
d=$("$FACTA" -A acct debug digest)
sqlite3 acct/.facta/view.db "UPDATE meta SET value = 'old' WHERE key = 'schema'; DELETE FROM relations;"
expect_eq "$d" "$("$FACTA" -A acct debug digest)" "digest after a schema change"

test_case "a journaled transaction whose view update was lost is replayed"
cp acct/.facta/view.db view.old
expect_ok -A acct relation add --name "Na De Kopie"
cp view.old acct/.facta/view.db
rm -f acct/.facta/view.db-wal acct/.facta/view.db-shm
f -A acct relation list
expect_match "Na De Kopie" "$out" "replayed from the journal"

test_case "a corrupt journal entry is reported, not applied"
bad=$(printf '{"v":1}' | git -C acct hash-object -w --stdin)
tree=$(printf '100644 blob %s\ttxn.json\n' "$bad" | git -C acct mktree)
tip=$(git -C acct rev-parse "$chain")
n=$(git -C acct log --format=%B -1 "$chain" | sed -n 's/^facta-seq: //p')
c=$(printf 'broken\n\nfacta-replica: %s\nfacta-seq: %s\n' "$(cat acct/.facta/replica)" $((n + 1)) |
	git -C acct commit-tree "$tree" -p "$tip")
git -C acct update-ref "$chain" "$c"
expect_fail 2 "not a facta transaction" -A acct relation list
git -C acct update-ref "$chain" "$tip"
expect_ok -A acct relation list

finish
