#!/usr/bin/env bash
# t0086: products (issue 6): add/edit/show/list/remove, links to relations,
# lines of invoices and quotes from a product that can still be edited,
# prices incl./excl. VAT converted at the product's rate, treatment checks,
# failed commands that change nothing, and product numbers that stay unique
# after two devices made the same number offline.
. "$(dirname "$0")/lib.sh"

make_account acct

test_case "add, show, list"
expect_ok -A acct product add --name "Consult" --desc "Advies per uur" --unit uur \
	--price 121,00 --prices incl --vat 21 --sku C-1 --relation 1
expect_eq "1" "$out" "first product number"
expect_ok -A acct product add --name "Drukwerk" --unit stuk --price 0,45 --vat 9
expect_eq "2" "$out" "second product number"
f -A acct product show 1
expect_eq "product 1
name         Consult
description  Advies per uur
price        €121.00 incl. 21% VAT per uur
sku          C-1
relation     1" "$out" "product show"
f -A acct product list
expect_match "^ +1 Consult +uur +€121.00 incl. 21% C-1" "$out" "list row 1"
expect_match "^ +2 Drukwerk +stuk +€0.45 excl. 9%" "$out" "list row 2"
f -A acct product list --json
expect_match '"price_cents": 12100' "$out" "json cents"
expect_match '"prices_incl": true' "$out" "json incl"
expect_match '"vat_rate": 9' "$out" "json rate"
f -A acct product list --relation 1
expect_match "Consult" "$out" "linked to relation 1"
if printf '%s' "$out" | grep -q Drukwerk; then fail "unlinked product listed"; else ok; fi
expect_ok -A acct product --help
expect_match "product add --name" "$out" "help"

test_case "bad input changes nothing"
before=$(snapshot acct)
expect_fail 2 "give --name, --price and --vat" -A acct product add --name X
expect_fail 2 "invalid VAT rate '7'" -A acct product add --name X --price 1 --vat 7
expect_fail 2 "unknown VAT treatment|treatment 'bogus'" -A acct product add --name X --price 1 --vat 21 --vat-treatment bogus
expect_fail 2 "cannot be negative" -A acct product add --name X --price -5 --vat 21
expect_fail 3 "no relation 9" -A acct product add --name X --price 1 --vat 21 --relation 9
expect_fail 3 "no product 7" -A acct product show 7
expect_fail 3 "no product 7" -A acct product edit 7 --price 1
expect_fail 2 "nothing to change on product 1" -A acct product edit 1
expect_fail 2 "name cannot be cleared" -A acct product edit 1 --name ""
expect_fail 2 "already linked" -A acct product link 1 --relation 1
expect_eq "$before" "$(snapshot acct)" "failed commands wrote nothing"

test_case "edit, link, unlink, remove"
expect_ok -A acct product edit 2 --price 0,50 --sku ""
f -A acct product show 2 --json
expect_match '"price_cents": 50' "$out" "edited price"
expect_match '"sku": null' "$out" "cleared sku"
expect_ok -A acct product link 2 --relation 1
f -A acct product list --relation 1 --json
expect_eq "2" "$(printf '%s' "$out" | grep -c '"number"')" "two linked"
expect_ok -A acct product unlink 2 --relation 1
expect_fail 2 "not linked" -A acct product unlink 2 --relation 1
expect_ok -A acct product add --name "Oud" --price 1 --vat 21
expect_eq "3" "$out" "third"
expect_ok -A acct product remove 3
expect_fail 3 "no product 3" -A acct product show 3
expect_ok -A acct product add --name "Nieuw" --price 2 --vat 0
expect_eq "4" "$out" "a removed product's number is not reused"

test_case "invoice lines from products, still editable"
expect_ok -A acct invoice new --to 1 --date 2026-03-20
inv=$out
# Consult is 121,00 incl. 21 % -> 100,00 excl. on this excl. invoice.
expect_ok -A acct invoice add-line "$inv" --product 1 --qty 2
expect_ok -A acct invoice add-line "$inv" --product 1 --desc "Spoedtarief" --price 150 --qty 1,5
expect_ok -A acct invoice add-line "$inv" --product 2 --qty 200 --discount 10
f -A acct invoice show "$inv" --json
expect_match '"description": "Advies per uur"' "$out" "description from the product"
expect_match '"unit_price_cents": 10000' "$out" "incl. price converted to excl."
expect_match '"description": "Spoedtarief"' "$out" "description overridden"
expect_match '"unit_price_cents": 15000' "$out" "price overridden"
expect_match '"unit": "uur"' "$out" "unit from the product"
expect_match '"unit": "stuk"' "$out" "unit of product 2"
# 200,00 + 225,00 at 21 % = 425,00 -> 89,25; 200 x 0,50 - 10 % = 90,00 at 9 % -> 8,10
expect_match '"total_excl_cents": 51500' "$out" "excl"
expect_match '"total_vat_cents": 9735' "$out" "vat"
expect_fail 3 "no product 9" -A acct invoice add-line "$inv" --product 9
expect_fail 2 "invalid VAT rate" -A acct invoice add-line "$inv" --product 1 --vat 8

test_case "prices incl. VAT: an excl. product is converted up"
expect_ok -A acct invoice new --to 1
inv2=$out
expect_ok -A acct invoice set "$inv2" --prices incl
expect_ok -A acct invoice add-line "$inv2" --product 2 --qty 1
f -A acct invoice show "$inv2" --json
expect_match '"unit_price_cents": 55' "$out" "0,50 excl. 9 % is 0,55 incl. (0,545 rounded away)"

test_case "a product with a treatment only on documents taxed that way"
expect_ok -A acct product add --name "Cursus" --price 300 --vat 0 --vat-treatment exempt
cur=$out
before=$(snapshot acct)
expect_fail 2 "product $cur is sold exempt and invoice '.*' is standard" -A acct invoice add-line "$inv" --product "$cur"
expect_eq "$before" "$(snapshot acct)" "refused line wrote nothing"
expect_ok -A acct invoice set "$inv2" --vat-treatment exempt
expect_ok -A acct invoice add-line "$inv2" --product "$cur"

test_case "quote lines from products"
expect_ok -A acct quote new --to 1 --date 2026-03-20
q=$out
expect_ok -A acct quote add-line "$q" --product 1 --qty 3
expect_ok -A acct quote add-line "$q" --product 2 --qty 100 --optional
f -A acct quote show "$q" --json
expect_match '"unit_price_cents": 10000' "$out" "quote line price from product"
expect_match '"optional": true' "$out" "optional product line"
expect_match '"total_excl_cents": 30000' "$out" "optional line not in total"

test_case "two devices make product 6 offline: unique after sync"
git init -q --bare remote.git
expect_ok -A acct remote add origin "$T/remote.git"
expect_ok -A acct sync
expect_ok clone "$T/remote.git" laptop
expect_ok -A acct product add --name "Desk-product" --price 10 --vat 21
expect_eq "6" "$out" "desk makes 6"
expect_ok -A laptop product add --name "Laptop-product" --price 20 --vat 21
expect_eq "6" "$out" "laptop makes 6 too"
expect_ok -A laptop sync
expect_ok -A acct sync
expect_ok -A laptop sync
a=$("$FACTA" -A acct product list --json | grep -c '"number"')
expect_eq "6" "$a" "six live products (3 was removed)"
expect_eq "$("$FACTA" -A acct product list)" "$("$FACTA" -A laptop product list)" "same list on both"
expect_eq "$("$FACTA" -A acct debug digest)" "$("$FACTA" -A laptop debug digest)" "same digest"
nums=$("$FACTA" -A acct product list --json | grep '"number"' | sort | uniq -d)
expect_eq "" "$nums" "no number twice"
f -A acct product list
expect_match " 7 (Desk|Laptop)-product" "$out" "the later one moved to 7"
expect_ok -A acct rebuild
expect_eq "$("$FACTA" -A laptop debug digest)" "$("$FACTA" -A acct debug digest)" "rebuild gives the same"

finish
