#!/usr/bin/env bash
# t0010: facta init and company settings, with validation of KvK, btw-id, IBAN.
. "$(dirname "$0")/lib.sh"

test_case "init creates an account"
expect_ok init acct
[ -d acct/.git ] && [ -f acct/.facta/replica ] && [ -f acct/.facta/view.db ] && ok || fail "layout"
expect_fail 4 "already" init acct

test_case "commands outside an account"
expect_fail 3 "not a facta account" -A nowhere relation list

test_case "company set normalises"
expect_ok -A acct company set --name "Studio Lindeboom" --kvk "0456 7821" \
	--vat "nl004495445b01" --iban "nl91 abna 0417 1643 00" --postcode 3526kl \
	--city Utrecht --address "Kanaalweg 14 B"
f -A acct company show --json
expect_match '"kvk": "04567821"' "$out" "kvk kept with zero"
expect_match '"vat_id": "NL004495445B01"' "$out" "vat normalised"
expect_match '"iban": "NL91ABNA0417164300"' "$out" "iban normalised"
expect_match '"postcode": "3526 KL"' "$out" "postcode normalised"
expect_match '"payment_term_days": 30' "$out" "default term"
expect_match '"number_format": "\{YYYY\}-\{NNNN\}"' "$out" "default format"

test_case "both btw-id rules"
expect_ok -A acct company set --vat NL002455799B11
expect_ok -A acct company set --vat NL004495445B01

test_case "validation errors leave the account unchanged"
before=$(snapshot acct)
expect_fail 2 "kvk" -A acct company set --kvk 4567821
expect_fail 2 "kvk" -A acct company set --kvk 123456789
expect_fail 2 "vat" -A acct company set --vat NL123456789B90
expect_fail 2 "iban" -A acct company set --iban NL91ABNA0417164301
expect_fail 2 "number format" -A acct company set --number-format "2026"
expect_fail 2 "days" -A acct company set --payment-term abc
expect_fail 2 "language" -A acct company set --lang fr
expect_fail 2 "unknown option" -A acct company set --frobnicate red
expect_fail 2 "at least one" -A acct company set
# One bad field among good ones: nothing is written.
expect_fail 2 "iban" -A acct company set --name "Other" --iban XX00
expect_eq "$before" "$(snapshot acct)" "account unchanged"
f -A acct company show
expect_match "Studio Lindeboom" "$out" "name kept"

test_case "help"
expect_ok company --help
expect_match "usage: facta company set" "$out" "help text"
expect_ok --help
expect_fail 2 "not a facta command" frobnicate

finish
