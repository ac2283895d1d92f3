#!/usr/bin/env bash
# t0074: relation numbers stay unique after sync: two devices create
# "relation 2" offline; after sync both devices agree on who keeps 2 and
# who moves (reported), invoices keep pointing at the right relation, the
# digests match, and a rebuild gives the same view.
. "$(dirname "$0")/lib.sh"

make_account desk
git init -q --bare remote.git
expect_ok -A desk remote add origin "$T/remote.git"
expect_ok -A desk sync
expect_ok clone "file://$T/remote.git" laptop

test_case "both create relation 2 offline"
expect_ok -A desk relation add --name "Desk Klant" --email desk@klant.example
expect_eq "2" "$out" "desk's number"
expect_ok -A laptop relation add --name "Laptop Klant" --email laptop@klant.example
expect_eq "2" "$out" "laptop's number"
expect_ok -A laptop relation add --name "Laptop Tweede"
expect_eq "3" "$out" "laptop's second"
expect_ok -A laptop invoice new --to 3
inv=$out

test_case "after sync the numbers are unique and agreed"
expect_ok -A desk sync
expect_ok -A laptop sync
expect_ok -A desk sync
d=$("$FACTA" -A desk relation list --json)
l=$("$FACTA" -A laptop relation list --json)
expect_eq "$d" "$l" "same relations on both"
nums=$(printf '%s' "$d" | grep '"number"' | sort | uniq -d)
expect_eq "" "$nums" "no number twice"
expect_eq "4" "$(printf '%s' "$d" | grep -c '"number"')" "four relations"
expect_eq "$("$FACTA" -A desk debug digest)" "$("$FACTA" -A laptop debug digest)" "digest"
f -A desk relation list
expect_match "created as [23] on another device" "$errout" "renumbering reported"
f -A laptop invoice show "$inv" --json
expect_match "Laptop Tweede" "$out" "invoice keeps its customer"

test_case "new numbers follow; rebuild agrees"
expect_ok -A desk relation add --name "Na Sync"
expect_eq "5" "$out" "next number"
before=$("$FACTA" -A desk debug digest)
expect_ok -A desk rebuild
expect_eq "$before" "$("$FACTA" -A desk debug digest)" "rebuild digest"
finish
