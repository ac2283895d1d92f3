#!/usr/bin/env bash
# t0072: export to CSV (UTF-8 BOM, ';', CRLF) and XLSX, per category and kind;
# an export imports again with every column mapped and nothing changed.
. "$(dirname "$0")/lib.sh"
d="$FACTA_SOURCE_DIR/tests/data/contacts"

expect_ok init acct
expect_ok -A acct relation import "$d/e-boekhouden-relaties.csv"
expect_ok -A acct relation edit 2 --categories "Horeca,Klanten" --kind both
expect_ok -A acct relation contact add 2 --name "Joël Brouwer" --email joel@cafe-hoekje.example --for-invoices
expect_ok -A acct relation add --name "Bonnetjes" --kind supplier --collection yes
# Five contact persons (two of the same name) and dated notes (two on one
# day, one with a line break and a ';'): more than the template shows.
expect_ok -A acct relation add --name "Vijf Personen B.V." --email info@vijf.example
five=$out
for who in "Anna de Vries" "Bram Bos" "Chris Smit" "Chris Smit" "Eva Mulder"; do
	expect_ok -A acct relation contact add "$five" --name "$who" --role "rol van $who" --email "${who%% *}@vijf.example" --phone 0301234567
done
expect_ok -A acct relation contact add "$five" --name "Finn Dekker" --role boekhouding --for-invoices
expect_ok -A acct relation contact remove "$five" "Finn Dekker"
expect_ok -A acct relation contact add "$five" --name "Bram Bos" --email bram2@vijf.example --for-invoices
expect_ok -A acct relation note add "$five" "Eerste gesprek; offerte volgt" --date 2025-11-03
expect_ok -A acct relation note add "$five" "Belt terug" --date 2026-01-20
expect_ok -A acct relation note add "$five" "Zelfde dag, tweede"$'\n'"met regel" --date 2025-11-03

test_case "csv shape"
expect_ok -A acct relation export -o all.csv
expect_eq "efbbbf" "$(head -c 3 all.csv | od -An -tx1 | tr -d ' \n')" "utf-8 bom"
expect_match "^.relation_number;name;type;kind;" "$(head -1 all.csv)" "';' header"
expect_match $'\r$' "$(head -1 all.csv)" "crlf"
expect_match '"Factuur altijd per post' "$(cat all.csv)" "line break quoted"

test_case "round trip changes nothing"
expect_ok init copy
expect_ok -A copy relation import all.csv --preview
if printf '%s' "$out" | grep -q "not mapped"; then fail "a column is not mapped"; else ok; fi
expect_ok -A copy relation import all.csv
expect_eq "9" "$(echo "$out" | wc -l)" "nine relations"
expect_match ";contact6_invoices;note1_date;note1_text;note2_date;" "$(head -1 all.csv)" "six contact and three note groups"
expect_ok -A copy relation export -o again.csv
cmp -s all.csv again.csv && ok || fail "export differs after round trip"
expect_ok -A acct relation show "$five" --json
want=$(printf '%s' "$out" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(json.dumps([sorted((c["name"], c.get("role") or "", c.get("email") or "", c.get("phone") or "", c["for_invoices"]) for c in r["contacts"]), [(n["date"], n["text"]) for n in r["notes"]]]))')
expect_ok -A copy relation show "$five" --json
got=$(printf '%s' "$out" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(json.dumps([sorted((c["name"], c.get("role") or "", c.get("email") or "", c.get("phone") or "", c["for_invoices"]) for c in r["contacts"]), [(n["date"], n["text"]) for n in r["notes"]]]))')
expect_eq "$want" "$got" "contacts and notes survive"
expect_match '"2025-11-03", "Zelfde dag, tweede\\nmet regel"' "$got" "same-day note order and line break kept"
expect_eq "6" "$(printf '%s' "$got" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)[0]))')" "six contacts"
f -A copy relation show 2 --json
expect_match '"for_invoices": true' "$out" "invoice contact survives"
expect_ok -A copy relation import all.csv
expect_eq "" "$out" "re-import creates nothing"

test_case "per category and kind"
expect_ok -A acct relation export --category horeca -o horeca.csv
expect_eq "2" "$(wc -l < horeca.csv)" "header and one relation"
expect_ok -A acct relation export --kind supplier
expect_match "Bonnetjes" "$out" "supplier to stdout"
expect_match "Café" "$out" "both is a supplier"
if printf '%s' "$out" | grep -q "Bakkerij"; then fail "customer exported as supplier"; else ok; fi

test_case "xlsx"
expect_ok -A acct relation export -o all.xlsx
expect_match "xl/worksheets/sheet1.xml" "$(unzip -l all.xlsx)" "a real workbook"
sheet=$(unzip -p all.xlsx xl/worksheets/sheet1.xml; unzip -p all.xlsx xl/sharedStrings.xml 2>/dev/null)
expect_match "08123456" "$sheet" "kvk as text with its zero"
expect_match "Café" "$sheet" "utf-8 in xlsx"
expect_fail 2 "needs -o" -A acct relation export --format xlsx
finish
