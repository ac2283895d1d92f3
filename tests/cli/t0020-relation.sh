#!/usr/bin/env bash
# t0020: relations: add, list, show, edit, JSON, validation.
. "$(dirname "$0")/lib.sh"

make_account acct
test_case "add prints the number"
expect_eq "1" "$out" "first relation number"
expect_ok -A acct relation add --name "Müller Holzbau GmbH" --address "Hauptstraße 5" \
	--postcode "50667" --city Köln --country de --vat DE123456789 --lang de
expect_eq "2" "$out" "second relation number"

test_case "list and show"
f -A acct relation list
expect_match "Café 't Hoekje" "$out" "list shows accents"
expect_match "Müller Holzbau GmbH" "$out" "list shows second"
f -A acct relation show 2 --json
expect_match '"postcode": "50667"' "$out" "foreign postcode as entered"
expect_match '"country": "DE"' "$out" "country uppercased"
f -A acct relation list --json
expect_eq "2" "$(printf '%s' "$out" | grep -c '"number"')" "two in json"
f -A acct relation show 1 --json
expect_match '"kvk": "08123456"' "$out" "kvk with zero"
expect_match '"postcode": "3511 AB"' "$out" "postcode"

test_case "edit"
expect_ok -A acct relation edit 1 --city Amsterdam --postcode 1012ab
f -A acct relation show 1 --json
expect_match '"city": "Amsterdam"' "$out" "edited city"
expect_match '"postcode": "1012 AB"' "$out" "edited postcode"

test_case "bad input"
before=$(snapshot acct)
expect_fail 2 "name" -A acct relation add --city Utrecht
expect_fail 2 "postcode" -A acct relation add --name X --postcode 12345
expect_fail 2 "kvk" -A acct relation add --name X --kvk 1234
expect_fail 2 "e-?mail" -A acct relation add --name X --email nobody
expect_fail 3 "no relation 9" -A acct relation edit 9 --city X
expect_fail 2 "invalid relation" -A acct relation show abc
expect_fail 2 "name cannot be empty" -A acct relation edit 1 --name ""
expect_eq "$before" "$(snapshot acct)" "account unchanged"

finish
