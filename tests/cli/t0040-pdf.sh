#!/usr/bin/env bash
# t0040: invoice PDFs in the classic style: every legally required item and
# the amounts are in the text (pdftotext), per language; same input, same bytes.
. "$(dirname "$0")/lib.sh"
command -v pdftotext >/dev/null || { echo "pdftotext missing (poppler-utils)"; echo "0 passed, 1 failed"; exit 1; }

make_account acct
expect_ok -A acct relation add --name "Müller Holzbau GmbH" --address "Hauptstraße 5" \
	--postcode 50667 --city Köln --country DE --vat DE123456789
expect_ok -A acct invoice new --to 1 --date 2026-03-15
id=$out
expect_ok -A acct invoice add-line "$id" --desc "Ontwerp menukaart voor Café 't Hoekje, twee correctierondes" --qty 12,5 --price 85 --vat 21
expect_ok -A acct invoice add-line "$id" --desc "Drukwerk (200 stuks)" --qty 1 --price 1.000,00 --vat 21
expect_ok -A acct invoice add-line "$id" --desc "Appeltaart met ĳs" --qty 2 --price 18,50 --vat 9
expect_ok -A acct invoice finalize "$id"
num=$out

test_case "draft pdf"
expect_ok -A acct invoice new --to 1
d=$out
expect_ok -A acct invoice add-line "$d" --desc "Concept regel" --qty 1 --price 10 --vat 21
expect_ok -A acct invoice pdf "$d" -o draft.pdf
pdftotext -layout draft.pdf draft.txt && ok || fail "pdftotext draft"
expect_match "CONCEPT" "$(cat draft.txt)" "draft marked"

test_case "dutch pdf has what the law requires"
expect_ok -A acct invoice pdf "$num" -o nl.pdf
expect_eq "nl.pdf" "$out" "prints the file"
pdftotext -layout nl.pdf nl.txt && ok || fail "pdftotext"
txt=$(cat nl.txt)
for want in "Factuur" "$num" "Studio Lindeboom" "Kanaalweg 14 B" "3526 KL" "Utrecht" \
	"04567821" "NL004495445B01" "NL91 ?ABNA ?0417 ?1643 ?00" "Café 't Hoekje" "Oudegracht 12" \
	"3511 AB" "15-03-2026|15 maart 2026" "29-03-2026|29 maart 2026" "Appeltaart met ĳs" \
	"€ 1\.062,50" "€ 2\.062,50" "€ 37,00" "21 ?%" "9 ?%" "€ 433,13" "€ 3,33" "€ 2\.535,96"; do
	expect_match "$want" "$txt" "nl text '$want'"
done

test_case "english pdf"
expect_ok -A acct invoice pdf "$num" -o en.pdf --lang en
pdftotext -layout en.pdf en.txt
txt=$(cat en.txt)
for want in "Invoice" "€1,062\.50" "€2,535\.96" "€433\.13" "Müller|Café"; do
	expect_match "$want" "$txt" "en text '$want'"
done

test_case "reproducible"
expect_ok -A acct invoice pdf "$num" -o again.pdf
cmp -s nl.pdf again.pdf && ok || fail "same input gave different bytes"

test_case "default file name and bad input"
expect_ok -A acct invoice pdf "$num"
[ -s "$num.pdf" ] && ok || fail "default name"
expect_fail 3 "style|not found|no such" -A acct invoice pdf "$num" --style nosuchstyle -o x.pdf
[ ! -e x.pdf ] && ok || fail "failed render left a file"
expect_fail 2 "language" -A acct invoice pdf "$num" --lang fr
expect_fail 1 "cannot write" -A acct invoice pdf "$num" -o /nonexistent/dir/x.pdf

finish
