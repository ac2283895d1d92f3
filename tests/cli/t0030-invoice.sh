#!/usr/bin/env bash
# t0030: invoices from draft to paid: lines, VAT per rate, legal checks,
# numbering per year of the invoice date, status, payments, JSON in cents.
. "$(dirname "$0")/lib.sh"

make_account acct

test_case "draft with lines"
expect_ok -A acct invoice new --to 1 --date 2026-03-15
id=$out
expect_match '^[0-9a-f]{32}$' "$id" "draft id"
expect_ok -A acct invoice add-line "$id" --desc "Webdesign, fase 1" --qty 1,5 --price 80,00 --vat 21
expect_ok -A acct invoice add-line "${id:0:6}" --desc "Koffie" --qty 3 --price 2,45 --vat 9
expect_ok -A acct invoice add-line "$id" --desc "Hosting" --qty 1 --price 1.234,56 --vat 21
f -A acct invoice show "$id" --json
expect_match '"status": "draft"' "$out" "draft status"
expect_match '"number": null' "$out" "no number yet"

test_case "finalize assigns the number of the invoice's year"
expect_ok -A acct invoice finalize "$id"
expect_eq "2026-0001" "$out" "first number"
f -A acct invoice show 2026-0001 --json
# 1,5 x 80,00 = 120,00; + 1234,56 = 1354,56 at 21% -> 284,4576 -> 284,46
# 3 x 2,45 = 7,35 at 9% -> 0,6615 -> 0,66
expect_match '"total_excl_cents": 136191' "$out" "excl"
expect_match '"total_vat_cents": 28512' "$out" "vat"
expect_match '"total_incl_cents": 164703' "$out" "incl"
expect_match '"base_cents": 135456' "$out" "21% base"
expect_match '"vat_cents": 28446' "$out" "21% vat"
expect_match '"vat_cents": 66' "$out" "9% vat"
expect_match '"amount_cents": 12000' "$out" "line amount"
expect_match '"quantity": "1.5"' "$out" "quantity"
expect_match '"unit_price_cents": 8000' "$out" "unit price"
expect_match '"vat_rate": 21' "$out" "vat rate"
expect_match '"due_date": "2026-03-29"' "$out" "due = date + 14"
expect_match '"status": "open"' "$out" "open"
expect_match '"open_cents": 164703' "$out" "open amount"
expect_match '"paid_cents": 0' "$out" "paid amount"

test_case "a finalized invoice cannot change"
before=$(snapshot acct)
expect_fail 4 "finalized" -A acct invoice add-line 2026-0001 --desc X --qty 1 --price 1 --vat 21
expect_fail 4 "finalized" -A acct invoice finalize "$id"
expect_eq "$before" "$(snapshot acct)" "unchanged"

test_case "numbering follows the invoice date's year"
expect_ok -A acct invoice new --to 1 --date 2025-12-31
old=$out
expect_ok -A acct invoice add-line "$old" --desc "Advies" --qty 2 --price 95 --vat 21
expect_ok -A acct invoice new --to 1 --date 2026-03-18
new=$out
expect_ok -A acct invoice add-line "$new" --desc "Advies" --qty 1 --price 95 --vat 21
expect_ok -A acct invoice finalize "$new"
expect_eq "2026-0002" "$out" "second of 2026"
expect_ok -A acct invoice finalize "$old"
expect_eq "2025-0001" "$out" "first of 2025"

test_case "legal fields are required to finalize"
expect_ok -A acct relation add --name "Zonder Adres"
expect_ok -A acct invoice new --to 2
bare=$out
expect_fail 2 "no lines" -A acct invoice finalize "$bare"
expect_ok -A acct invoice add-line "$bare" --desc "Iets" --qty 1 --price 10 --vat 21
expect_fail 2 "missing customer address, city" -A acct invoice finalize "$bare"
expect_ok init bare-acct
expect_ok -A bare-acct relation add --name "Klant" --address "Straat 1" --city Utrecht
expect_ok -A bare-acct invoice new --to 1
b2=$out
expect_ok -A bare-acct invoice add-line "$b2" --desc "Iets" --qty 1 --price 10 --vat 21
expect_fail 2 "missing seller name, address, postcode, city, kvk, vat id" -A bare-acct invoice finalize "$b2"

test_case "payments and status"
expect_ok -A acct invoice pay 2026-0001 --amount 500,00 --date 2026-03-20
expect_match "open" "$errout" "partial payment keeps it open"
f -A acct invoice show 2026-0001 --json
expect_match '"paid_cents": 50000' "$out" "paid"
expect_match '"open_cents": 114703' "$out" "open after partial"
FACTA_TODAY=2026-03-30 f -A acct invoice list --status overdue --json
expect_match '"number": "2026-0001"' "$out" "overdue after due date"
FACTA_TODAY=2026-03-29 f -A acct invoice list --status overdue --json
if printf '%s' "$out" | grep -q '"number": "2026-0001"'; then fail "overdue on its due date"; else ok; fi
expect_ok -A acct invoice pay 2026-0001 --amount 1147,03
f -A acct invoice show 2026-0001 --json
expect_match '"status": "paid"' "$out" "paid in full"
FACTA_TODAY=2026-06-01 f -A acct invoice list --status overdue --json
expect_eq "2" "$(printf '%s' "$out" | grep -c '"number"')" "only the unpaid ones are overdue"
if printf '%s' "$out" | grep -q '"number": "2026-0001"'; then fail "paid one overdue"; else ok; fi
f -A acct invoice list --status draft --json
expect_eq "1" "$(printf '%s' "$out" | grep -c '"id"')" "one draft"
f -A acct invoice list
expect_match "2025-0001 +2025-12-31 2026-01-14 overdue" "$out" "list text"
expect_match "Café 't Hoekje" "$out" "list customer"

test_case "bad input"
before=$(snapshot acct)
expect_fail 2 "ambiguous" -A acct invoice add-line "$bare" --desc X --qty 1 --price 1.234 --vat 21
expect_fail 2 "invalid amount" -A acct invoice add-line "$bare" --desc X --qty 1 --price 12,5,0 --vat 21
expect_fail 2 "invalid amount" -A acct invoice add-line "$bare" --desc X --qty 1 --price 1e3 --vat 21
expect_fail 2 "invalid amount" -A acct invoice add-line "$bare" --desc X --qty 1 --price 12.345 --vat 21
expect_fail 2 "quantity" -A acct invoice add-line "$bare" --desc X --qty 1,2345 --price 1 --vat 21
expect_fail 2 "VAT rate" -A acct invoice add-line "$bare" --desc X --qty 1 --price 1 --vat 19
expect_fail 2 "description" -A acct invoice add-line "$bare" --desc "" --qty 1 --price 1 --vat 21
expect_fail 2 "give --desc" -A acct invoice add-line "$bare" --qty 1
expect_fail 3 "no invoice" -A acct invoice show 2026-9999
expect_fail 3 "no relation 42" -A acct invoice new --to 42
expect_fail 2 "invalid date" -A acct invoice new --to 1 --date 2026-02-30
expect_fail 4 "draft" -A acct invoice pay "$bare" --amount 10
expect_fail 2 "invalid amount" -A acct invoice pay 2026-0002 --amount abc
expect_fail 2 "other than 0" -A acct invoice pay 2026-0002 --amount 0
expect_fail 2 "unknown status" -A acct invoice list --status late
expect_eq "$before" "$(snapshot acct)" "account unchanged"

test_case "custom number format"
expect_ok -A acct company set --number-format "F{YY}{NNN}"
expect_ok -A acct invoice new --to 1 --date 2026-04-01
cf=$out
expect_ok -A acct invoice add-line "$cf" --desc "X" --qty 1 --price 1 --vat 0
expect_ok -A acct invoice finalize "$cf"
expect_eq "F26001" "$out" "own format, own series"

test_case "rebuild gives the same view"
d1=$("$FACTA" -A acct debug digest)
expect_ok -A acct rebuild
expect_eq "$d1" "$("$FACTA" -A acct debug digest)" "digest after rebuild"
rm acct/.facta/view.db*
expect_eq "$d1" "$("$FACTA" -A acct debug digest)" "digest from a lost view"

finish
