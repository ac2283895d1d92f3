#!/usr/bin/env bash
# t0032: changing a draft before it goes out: edit and remove lines, change
# its date or customer, delete it; an undated draft takes the day it is
# finalized; none of it works on a finalized invoice.
. "$(dirname "$0")/lib.sh"

make_account acct
expect_ok -A acct relation add --name "Bakkerij Van der Ploeg" --address "Dorpsstraat 3" \
	--postcode "2851 AB" --city Haastrecht
FACTA_TODAY=2026-02-02 f -A acct invoice new --to 1
id=$out
expect_ok -A acct invoice add-line "$id" --desc "Ontwerp" --qty 2 --price 80 --vat 21
expect_ok -A acct invoice add-line "$id" --desc "Typfout" --qty 1 --price 999 --vat 21
expect_ok -A acct invoice add-line "$id" --desc "Koffie" --qty 3 --price 2,45 --vat 9

test_case "edit and remove lines"
expect_ok -A acct invoice edit-line "$id" 2 --desc "Drukwerk" --price 99,00
expect_ok -A acct invoice remove-line "$id" 3
f -A acct invoice show "$id" --json
expect_match '"description": "Drukwerk"' "$out" "edited description"
expect_match '"unit_price_cents": 9900' "$out" "edited price"
if printf '%s' "$out" | grep -q Koffie; then fail "removed line still there"; else ok; fi
expect_match '"total_excl_cents": 25900' "$out" "totals follow the edits"
before=$(snapshot acct)
expect_fail 3 "no line 7" -A acct invoice edit-line "$id" 7 --qty 1
expect_fail 2 "nothing to change" -A acct invoice edit-line "$id" 1
expect_fail 2 "invalid amount" -A acct invoice edit-line "$id" 1 --price 1.234
expect_fail 2 "VAT rate" -A acct invoice edit-line "$id" 1 --vat 7
expect_fail 2 "quantity other than 0" -A acct invoice edit-line "$id" 1 --qty 0
expect_fail 2 "invalid line position" -A acct invoice remove-line "$id" x
expect_eq "$before" "$(snapshot acct)" "unchanged after bad edits"

test_case "change the customer and the date"
expect_ok -A acct invoice edit "$id" --to 2
f -A acct invoice show "$id" --json
expect_match '"customer": "Bakkerij Van der Ploeg"' "$out" "new customer"
expect_fail 3 "no relation 9" -A acct invoice edit "$id" --to 9
expect_fail 2 "nothing to change" -A acct invoice edit "$id"

test_case "an undated draft is dated when finalized"
FACTA_TODAY=2026-06-10 f -A acct invoice finalize "$id"
expect_eq 0 "$status" "finalize"
num=$out
FACTA_TODAY=2026-06-10 f -A acct invoice show "$num" --json
expect_match '"date": "2026-06-10"' "$out" "dated on the day of finalizing"
expect_match '"due_date": "2026-06-24"' "$out" "due 14 days later"
expect_match '"status": "open"' "$out" "not overdue at once"

test_case "a dated draft keeps its date"
expect_ok -A acct invoice new --to 1 --date 2026-03-01
d2=$out
expect_ok -A acct invoice add-line "$d2" --desc "Werk" --qty 1 --price 10 --vat 21
expect_ok -A acct invoice edit "$d2" --date 2026-03-05
FACTA_TODAY=2026-06-11 f -A acct invoice finalize "$d2"
f -A acct invoice show "$out" --json
expect_match '"date": "2026-03-05"' "$out" "kept its date"

test_case "finalized invoices and deleted drafts"
expect_fail 4 "finalized" -A acct invoice edit-line "$num" 1 --qty 2
expect_fail 4 "finalized" -A acct invoice remove-line "$num" 1
expect_fail 4 "finalized" -A acct invoice edit "$num" --date 2026-01-01
expect_fail 4 "finalized" -A acct invoice delete "$num"
expect_ok -A acct invoice new --to 1
gone=$out
expect_ok -A acct invoice delete "$gone"
expect_fail 3 "no invoice" -A acct invoice show "$gone"
f -A acct invoice list --json
if printf '%s' "$out" | grep -q "$gone"; then fail "deleted draft listed"; else ok; fi

test_case "rebuild keeps all of it"
dg=$("$FACTA" -A acct debug digest)
expect_ok -A acct rebuild
expect_eq "$dg" "$("$FACTA" -A acct debug digest)" "digest after rebuild"

finish
