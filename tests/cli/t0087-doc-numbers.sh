#!/usr/bin/env bash
# t0087: quote and credit-note numbers through the numbering authority
# (issue 6): two devices that did not sync never make the same quote or
# credit-note number (claims on the numbering remote), offline they use the
# device's own series or refuse without changing anything, and doctor sees
# quote series complete and unique.
. "$(dirname "$0")/lib.sh"

make_account desk
git init -q --bare srv.git
expect_ok -A desk remote add origin "$T/srv.git"
expect_ok -A desk sync
expect_ok clone "$T/srv.git" laptop

test_case "quotes on two devices without syncing: distinct numbers"
expect_ok -A desk quote new --to 1 --date 2026-03-20
expect_eq "OF2026-0001" "$out" "desk's quote"
expect_ok -A laptop quote new --to 1 --date 2026-03-20
expect_eq "OF2026-0002" "$out" "laptop's quote, claimed after desk's"
expect_ok -A desk quote new --to 1 --date 2026-03-21
expect_eq "OF2026-0003" "$out" "desk goes on after laptop's"
for i in 1 2; do expect_ok -A desk sync; expect_ok -A laptop sync; done
expect_eq "$("$FACTA" -A desk quote list)" "$("$FACTA" -A laptop quote list)" "same quotes"
expect_eq "$("$FACTA" -A desk debug digest)" "$("$FACTA" -A laptop debug digest)" "same digest"
expect_ok -A desk doctor
expect_match "series OF2026-\{NNNN\}: 3 number" "$out" "doctor checks the quote series"

test_case "credit notes on two devices: claimed, never doubled"
expect_ok -A desk invoice new --to 1 --date 2026-03-20
id=$out
expect_ok -A desk invoice add-line "$id" --desc "Ontwerp" --qty 1 --price 100 --vat 21
expect_ok -A desk invoice finalize "$id"
expect_eq "2026-0001" "$out" "invoice"
expect_ok -A desk sync
expect_ok -A laptop sync
expect_ok -A laptop invoice credit 2026-0001 --amount 10
expect_eq "2026-0002" "$out" "laptop's credit note"
# desk has not seen it: a local series would give 2026-0002 again.
expect_ok -A desk invoice new --to 1 --date 2026-03-20
id2=$out
expect_ok -A desk invoice add-line "$id2" --desc "Ontwerp" --qty 1 --price 50 --vat 21
expect_ok -A desk invoice finalize "$id2"
expect_eq "2026-0003" "$out" "desk's next invoice after the credit note"
expect_ok -A desk invoice credit 2026-0003 --amount 5
expect_eq "2026-0004" "$out" "desk's credit note"
for i in 1 2; do expect_ok -A desk sync; expect_ok -A laptop sync; done
expect_ok -A laptop doctor
expect_match "series 2026-\{NNNN\}: 4 number" "$out" "one series, complete"
expect_eq "$("$FACTA" -A desk debug digest)" "$("$FACTA" -A laptop debug digest)" "same digest"

test_case "offline: refused without an offline series, nothing changed"
expect_ok -A desk device set --offline-series Q1
mv srv.git srv-away.git
before=$(snapshot laptop)
expect_fail 6 "cannot number a new quote: the numbering remote 'origin' cannot be reached" -A laptop quote new --to 1
expect_fail 6 "cannot number a credit note for invoice '2026-0001'" -A laptop invoice credit 2026-0001 --amount 1
expect_eq "$before" "$(snapshot laptop)" "refused commands wrote nothing"

test_case "offline: the device's own series"
expect_ok -A desk quote new --to 1 --date 2026-03-22
expect_eq "OF2026-Q1-0001" "$out" "offline quote number"
expect_match "offline series Q1" "$errout" "said so"
expect_ok -A desk invoice credit 2026-0001 --amount 1 --date 2026-03-22
expect_eq "2026-Q1-0001" "$out" "offline credit-note number"
mv srv-away.git srv.git
expect_ok -A desk quote new --to 1 --date 2026-03-22
expect_eq "OF2026-0004" "$out" "online again: the global series"
for i in 1 2; do expect_ok -A desk sync; expect_ok -A laptop sync; done
expect_ok -A laptop doctor
expect_match "series OF2026-Q1-\{NNNN\}: 1 number" "$out" "offline quote series in doctor"
expect_eq "$("$FACTA" -A desk debug digest)" "$("$FACTA" -A laptop debug digest)" "same digest"

test_case "one device without remotes numbers locally"
make_account solo
expect_ok -A solo quote new --to 1
expect_eq "OF2026-0001" "$out" "local"
expect_ok -A solo quote new --to 1
expect_eq "OF2026-0002" "$out" "local next"

finish
