#!/usr/bin/env bash
# t0085: the sales chain of issue 6 through the CLI: a quote with an
# optional line and a discount, accepted and invoiced (texts and reference
# carried over), partial payment, payment, a credit note that credits it in
# full, a reminder; VAT treatments and their legal checks, prices incl. VAT,
# the VAT return and revenue reports; PDFs checked by text extraction.
. "$(dirname "$0")/lib.sh"

command -v pdftotext >/dev/null || { echo "pdftotext missing"; exit 1; }
pdftext() { pdftotext -layout "$1" - 2>/dev/null; }

make_account acct
export FACTA_TODAY=2026-07-06

test_case "a quote with its own number, optional line and discount"
expect_ok -A acct quote new --to 1 --date 2026-07-01 --valid-until 2026-07-31
q=$out
expect_eq "OF2026-0001" "$q" "quote number"
expect_ok -A acct quote add-line "$q" --desc "Ontwerp menukaart" --qty 10 --price 85,00 --vat 21
expect_ok -A acct quote add-line "$q" --desc "Drukwerk" --qty 200 --price 0,45 --vat 9 --discount 10
expect_ok -A acct quote add-line "$q" --desc "Extra correctieronde" --qty 2 --price 85 --vat 21 --optional
expect_ok -A acct quote edit "$q" --discount 5 --intro "Zoals besproken." --closing "Tot ziens!" --reference "PO-77"
f -A acct quote show "$q" --json
# 21%: 850,00 - 5% 42,50 = 807,50 -> VAT 169,58 (169,575)
# 9%: 200 x 0,45 = 90,00 - 10% = 81,00; - 5% 4,05 = 76,95 -> VAT 6,93 (6,9255)
expect_match '"total_excl_cents": 88445' "$out" "quote excl"
expect_match '"total_vat_cents": 17651' "$out" "quote vat"
expect_match '"total_incl_cents": 106096' "$out" "quote incl"
expect_match '"discount_cents": 4655' "$out" "quote discount"
expect_match '"optional": true' "$out" "optional line"
expect_match '"status": "draft"' "$out" "draft"
expect_ok -A acct quote pdf "$q" -o quote.pdf
t=$(pdftext quote.pdf)
expect_match "Offerte" "$t" "quote pdf title"
expect_match "OF2026-0001" "$t" "quote pdf number"

test_case "accept and invoice: every line, text and reference carried over"
expect_fail 4 "only an accepted quote" -A acct quote invoice "$q"
expect_ok -A acct quote send "$q" --no-mail
expect_ok -A acct quote accept "$q" --invoice --date 2026-07-06
inv=$out
expect_match '^[0-9a-f]{32}$' "$inv" "draft id"
f -A acct quote show "$q" --json
expect_match '"status": "invoiced"' "$out" "quote shows it was invoiced"
expect_ok -A acct invoice finalize "$inv"
num=$out
expect_eq "2026-0001" "$num" "invoice number"
f -A acct invoice show "$num" --json
expect_match '"total_incl_cents": 106096' "$out" "same total as the quote"
expect_match '"related_number": "OF2026-0001"' "$out" "refers to the quote"
expect_match '"status": "open"' "$out" "open"
f -A acct invoice show "$num"
if printf '%s' "$out" | grep -q "Extra correctieronde"; then fail "optional line invoiced"; else ok; fi
expect_fail 4 "cannot be marked" -A acct quote reject "$q"

test_case "partial payment, then the rest"
expect_ok -A acct invoice pay "$num" --amount 500,00 --date 2026-07-10 --method bank --reference "NL12"
expect_match "partially_paid" "$errout" "partially paid"
f -A acct invoice list --status partially_paid --json
expect_match "\"number\": \"$num\"" "$out" "list partially paid"
expect_ok -A acct invoice remind "$num" -o reminder1.pdf
t=$(pdftext reminder1.pdf)
expect_match "Herinnering" "$t" "reminder title"
expect_match "$num" "$t" "reminder refers to the invoice"
expect_ok -A acct invoice pay "$num" --amount 560,96
f -A acct invoice show "$num" --json
expect_match '"status": "paid"' "$out" "paid"
expect_match '"open_cents": 0' "$out" "nothing open"
expect_fail 4 "is paid" -A acct invoice remind "$num"

test_case "a full credit note credits the original"
before=$(snapshot acct)
expect_fail 2 "no line 9" -A acct invoice credit "$num" --lines 1,9
expect_fail 4 "more than is left" -A acct invoice credit "$num" --amount 2000,00 --vat 21
expect_eq "$before" "$(snapshot acct)" "failed credits change nothing"
expect_ok -A acct company set --credit-number-format "C{YYYY}-{NNN}"
expect_ok -A acct invoice credit "$num" --date 2026-07-20 --reason "Opdracht geannuleerd"
cn=$out
expect_eq "C2026-001" "$cn" "own credit series"
f -A acct invoice show "$cn" --json
expect_match '"total_incl_cents": -106096' "$out" "negative total"
expect_match '"total_vat_cents": -17651' "$out" "negative VAT"
expect_match '"kind": "credit_note"' "$out" "kind"
expect_match "\"related_number\": \"$num\"" "$out" "refers to the original"
f -A acct invoice show "$num" --json
expect_match '"status": "credited"' "$out" "original credited"
expect_match '"open_cents": -106096' "$out" "refund due"
expect_ok -A acct invoice pay "$num" --amount -1060,96 --method refund
f -A acct invoice show "$num" --json
expect_match '"open_cents": 0' "$out" "refunded"
expect_fail 4 "credit note" -A acct invoice pay "$cn" --amount 1
expect_fail 4 "more than is left" -A acct invoice credit "$num" --lines 1
expect_ok -A acct invoice pdf "$cn" -o credit.pdf
t=$(pdftext credit.pdf)
expect_match "Creditnota" "$t" "credit note title"
expect_match "C2026-001" "$t" "credit number"
expect_match "$num" "$t" "credit note names the invoice"
expect_match "-1\.060,96" "$t" "negative total printed"
expect_match "Creditnotanr\. +C2026-001" "$t" "credit note's own number label"
expect_match "Betreft factuur +$num" "$t" "the credited invoice in the fields"
if printf '%s' "$t" | grep -Eq "Factuurnummer|Vervaldatum"; then
	fail "credit note labelled as an invoice"
else ok; fi
for st in modern minimal; do
	for lang in en de; do
		expect_ok -A acct invoice pdf "$cn" --style "$st" --lang "$lang" -o "credit-$st-$lang.pdf"
		t=$(pdftext "credit-$st-$lang.pdf")
		expect_match "Credit note date|Gutschriftsdatum" "$t" "$st $lang credit note date"
		expect_match "(Credits invoice|Zu Rechnung) +$num" "$t" "$st $lang credited invoice"
		if printf '%s' "$t" | grep -Eq "Due date|Fällig"; then fail "$st $lang due date on a credit note"; else ok; fi
	done
done

test_case "partial credit by lines and by amount"
expect_ok -A acct invoice new --to 1 --date 2026-07-21
i2=$out
expect_ok -A acct invoice add-line "$i2" --desc "Advies" --qty 2 --price 100 --vat 21
expect_ok -A acct invoice add-line "$i2" --desc "Boek" --qty 1 --price 30 --vat 9
expect_ok -A acct invoice finalize "$i2"
n2=$out
expect_ok -A acct invoice credit "$n2" --lines 2 --date 2026-07-22
f -A acct invoice show "$out" --json
expect_match '"total_incl_cents": -3270' "$out" "credit of line 2"
expect_fail 2 "more than one VAT rate" -A acct invoice credit "$n2" --amount 10
expect_ok -A acct invoice credit "$n2" --amount 12,10 --vat 21 --date 2026-07-22
f -A acct invoice show "$out" --json
expect_match '"total_vat_cents": -210' "$out" "12,10 incl. is 10,00 + 2,10"
f -A acct invoice show "$n2" --json
expect_match '"status": "partially_paid"' "$out" "partly credited"
expect_match '"open_cents": 22990' "$out" "open after credits"

test_case "prices incl. VAT: 100,00 is 82,64 + 17,36"
expect_ok -A acct invoice new --to 1 --date 2026-07-23
i3=$out
expect_ok -A acct invoice set "$i3" --prices incl
expect_ok -A acct invoice add-line "$i3" --desc "Workshop" --qty 1 --price 100,00 --vat 21
f -A acct invoice show "$i3" --json
expect_match '"total_excl_cents": 8264' "$out" "excl"
expect_match '"total_vat_cents": 1736' "$out" "vat"
expect_match '"total_incl_cents": 10000' "$out" "incl"
expect_ok -A acct invoice finalize "$i3"

test_case "treatments: wording and the customer's btw-id"
expect_ok -A acct relation add --name "Bouwbedrijf Vos" --address "Dijk 1" --city Gouda
expect_ok -A acct invoice new --to 2 --date 2026-07-24
i4=$out
expect_ok -A acct invoice add-line "$i4" --desc "Sloopwerk" --qty 8 --price 50 --vat 21
expect_ok -A acct invoice set "$i4" --vat-treatment reverse_nl
expect_fail 2 "customer vat id" -A acct invoice finalize "$i4"
expect_ok -A acct relation edit 2 --vat NL004495445B01
expect_ok -A acct invoice finalize "$i4"
n4=$out
f -A acct invoice show "$n4" --json
expect_match '"total_vat_cents": 0' "$out" "no VAT when reverse-charged"
expect_match '"vat_wording": "vat_reverse_charge"' "$out" "wording key"
expect_ok -A acct relation add --name "Müller GmbH" --address "Hauptstraße 5" --city Berlin --country DE --vat DE136695976
expect_ok -A acct invoice new --to 3 --date 2026-07-24
i5=$out
expect_ok -A acct invoice add-line "$i5" --desc "Consultancy" --qty 4 --price 120 --vat 21
expect_ok -A acct invoice set "$i5" --vat-treatment export
expect_fail 2 "outside the EU" -A acct invoice finalize "$i5"
expect_ok -A acct invoice set "$i5" --vat-treatment eu_services
expect_ok -A acct invoice finalize "$i5"
expect_ok -A acct invoice new --to 1 --date 2018-12-15
old=$out
expect_fail 2 "does not apply on 2018-12-15" -A acct invoice add-line "$old" --desc X --qty 1 --price 10 --vat 9
expect_ok -A acct invoice add-line "$old" --desc "Boek (oud tarief)" --qty 1 --price 10 --vat 6
expect_fail 2 "unknown VAT treatment" -A acct invoice set "$old" --vat-treatment verlegd
expect_fail 2 "between 0 and 100" -A acct invoice set "$old" --discount 120

test_case "VAT return of the quarter reconciles with the documents"
f -A acct report vat --quarter 2026Q3 --json
# 1a: 807,50 - 807,50 (credit) + 200 - 10 + 82,64 = 272,64; VAT 42,00 - 2,10 + 17,36 = 57,26
expect_match '"reconciles": true' "$out" "reconciles"
printf '%s\n' "$out" > vat.json
expect_eq "27264 5726" "$(python3 -c 'import json;b=json.load(open("vat.json"))["boxes"]["1a"];print(b["base_cents"],b["vat_cents"])')" "box 1a"
expect_eq "40000" "$(python3 -c 'import json;print(json.load(open("vat.json"))["boxes"]["1e"]["base_cents"])')" "box 1e: btw verlegd"
expect_eq "48000" "$(python3 -c 'import json;print(json.load(open("vat.json"))["boxes"]["3b"]["base_cents"])')" "box 3b: EU services"
# 1b: 76,95 and 30,00 at 9 % are both credited in full
expect_eq "0 0" "$(python3 -c 'import json;b=json.load(open("vat.json"))["boxes"]["1b"];print(b["base_cents"],b["vat_cents"])')" "box 1b"
expect_eq "5726" "$(python3 -c 'import json;print(json.load(open("vat.json"))["boxes"]["5a"]["vat_cents"])')" "box 5a"
expect_eq "8" "$(python3 -c 'import json;print(len(json.load(open("vat.json"))["documents"]))')" "documents listed"
f -A acct report vat --quarter 2026Q3
expect_match "the boxes reconcile" "$out" "text report"
expect_fail 2 "invalid quarter" -A acct report vat --quarter 2026Q5
f -A acct report revenue --quarter 2026Q3 --json
expect_match '"relation": 3' "$out" "revenue per relation"

test_case "rebuild gives the same view"
d1=$("$FACTA" -A acct debug digest)
expect_ok -A acct rebuild
expect_eq "$d1" "$("$FACTA" -A acct debug digest)" "digest after rebuild"

finish
