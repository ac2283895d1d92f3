#!/usr/bin/env bash
# t0071: importing relations from the real-world exports in tests/data/contacts
# (e-Boekhouden cp1252 ';' CRLF-in-quotes, Invoice Ninja ',', Google Contacts
# BOM) with the values of expected.json; preview, warnings, all-or-nothing,
# --skip-invalid, duplicates, re-import, mappings, template.
. "$(dirname "$0")/lib.sh"
d="$FACTA_SOURCE_DIR/tests/data/contacts"
json() { "$FACTA" -A acct relation show "$1" --json; }

expect_ok init acct

test_case "preview detects encoding and delimiter, writes nothing"
before=$(snapshot acct)
expect_ok -A acct relation import "$d/e-boekhouden-relaties.csv" --preview
expect_match "windows-1252, delimiter ';', 7 rows, 26 columns" "$out" "e-boekhouden shape"
expect_match "KvkNummer +-> kvk" "$out" "kvk column mapped"
expect_match "would create 7" "$out" "7 rows"
expect_eq "$before" "$(snapshot acct)" "preview wrote nothing"
expect_ok -A acct relation import "$d/google-contacts.csv" --preview
expect_match "utf-8 with BOM, delimiter ',', 6 rows, 36 columns" "$out" "google shape"
expect_ok -A acct relation import "$d/invoiceninja-clients.csv" --preview
expect_match "utf-8, delimiter ',', 6 rows, 21 columns" "$out" "ninja shape"

test_case "e-Boekhouden: every value as expected.json says"
expect_ok -A acct relation import "$d/e-boekhouden-relaties.csv"
expect_eq "1 2 3 4 5 6 7" "$(echo $out)" "numbers printed"
j=$(json 2)
expect_match '"name": "Café '"'"'t Hoekje"' "$j" "é from cp1252"
expect_match '"postcode": "9712 KX"' "$j" "row2 postcode normalised"
expect_match '"kvk": "08123456"' "$j" "row2 kvk keeps zero"
expect_match '"name": "Joël Brouwer"' "$j" "contact with ë"
expect_match '"salutation": "Beste Joël,"' "$j" "aanhef"
j=$(json 3)
expect_match '"memo": "Factuur altijd per post\\r\\nt.a.v. penningmeester"' "$j" "CRLF inside quotes"
expect_match '"postal_address": "Postbus 1234"' "$j" "postal address"
expect_match '"postal_postcode": "3500 AA"' "$j" "postal postcode"
expect_match '"postal_city": "Utrecht"' "$j" "postal city"
j=$(json 4)
expect_match '"country": "BE"' "$j" "België -> BE"
expect_match '"postcode": "9000"' "$j" "foreign postcode as entered"
expect_match '"country": "DE"' "$(json 5)" "Duitsland -> DE"
j=$(json 6)
expect_match '"type": "person"' "$j" "BP=P is a person"
expect_match '"name": "Frans Jansen"' "$j" "Bedrijf holds the person's name"
expect_match '"postcode": "3062 AB"' "$j" "lowercase postcode"
j=$(json 7)
expect_match '"kvk": "04123987"' "$j" "row7 kvk"
expect_match '"memo": "Let op: \\"spoed\\" orders; altijd PO-nummer vermelden"' "$j" "doubled quotes"
expect_match '"country": "NL"' "$(json 1)" "Nederland -> NL"

test_case "re-import creates nothing; duplicates by kvk, btw-id, e-mail"
before=$(snapshot acct)
expect_ok -A acct relation import "$d/e-boekhouden-relaties.csv"
expect_eq "" "$out" "nothing created"
expect_match "7 duplicates" "$errout" "reported"
expect_eq "$before" "$(snapshot acct)" "account unchanged"
expect_ok -A acct relation import "$d/invoiceninja-clients.csv" --preview
expect_match "duplicate of relation 2 \(same kvk 08123456\)" "$out" "ninja duplicate by kvk"
expect_match "would create 1," "$out" "only Van Dijk is new"

test_case "Invoice Ninja"
expect_ok init ninja
expect_ok -A ninja relation import "$d/invoiceninja-clients.csv"
j=$("$FACTA" -A ninja relation show 1 --json)
expect_match '"code": "0001"' "$j" "number keeps zeros"
expect_match '"name": "Marieke van der Ploeg"' "$j" "contact person"
j=$("$FACTA" -A ninja relation show 2 --json)
expect_match '"memo": "Bedankt voor uw bestelling!\\nBetaling binnen 14 dagen."' "$j" "newline in quotes"
expect_match '"name": "Van Dijk, Accountants"' "$("$FACTA" -A ninja relation show 3 --json)" "comma in quotes"
expect_match '"country": "BE"' "$("$FACTA" -A ninja relation show 4 --json)" "Belgium -> BE"
j=$("$FACTA" -A ninja relation show 5 --json)
expect_match '"registration": "HRB 123456"' "$j" "German register number"
expect_match '"kvk": null' "$j" "not a kvk"
j=$("$FACTA" -A ninja relation show 6 --json)
expect_match '"name": "Frans Jansen"' "$j" "empty name -> contact"
expect_match '"type": "person"' "$j" "a person"
expect_match 'Betaalt als \\"F. Jansen\\"; zie bankafschrift' "$j" "private notes"

test_case "Google Contacts"
expect_ok init google
expect_ok -A google relation import "$d/google-contacts.csv"
expect_match "5:0: warning: no name" "$errout" "e-mail-only row reported"
j=$("$FACTA" -A google relation show 1 --json)
expect_match '"name": "Marieke van der Ploeg"' "$j" "tussenvoegsel"
expect_match '"categories": \[ *"Klanten" *\]|"Klanten"' "$j" "labels"
expect_match '"mobile": "\+31 6 12345678"' "$j" "Mobile label"
expect_match '"address": "Dorpsstraat 3"' "$j" "street"
expect_match '"email": "marieke.ploeg@mail.example"' "$j" "second e-mail to contact"
expect_match '"name": "Stichting Groen Dak"' "$("$FACTA" -A google relation show 3 --json)" "organisation only"
expect_match '"name": "crediteuren@onbekend-bedrijf.example"' "$("$FACTA" -A google relation show 4 --json)" "e-mail only"
j=$("$FACTA" -A google relation show 6 --json)
expect_match '"phone": "\+49 221 1234567"' "$j" "first of two phones"
expect_match '"mobile": "\+49 170 1234567"' "$j" "second of two phones"
expect_match '"country": "DE"' "$j" "Deutschland"

test_case "scenario 6: Excel cp1252 with three warnings"
expect_ok init excel
expect_ok -A excel relation import "$d/excel-cp1252-problems.csv" --preview
expect_match ":2:5: warning: Telefoon: .*E-notation" "$out" "mangled phone"
expect_match ":2:6: warning: KvK-nummer: .*7 digits: read as 04123987" "$out" "lost zero"
expect_match ":2:7: warning: IBAN: invalid iban" "$out" "invalid iban"
expect_match "0 invalid rows, 3 warnings" "$out" "three warnings"
expect_ok -A excel relation import "$d/excel-cp1252-problems.csv"
j=$("$FACTA" -A excel relation show 1 --json)
expect_match '"name": "Café De Zoën"' "$j" "é and ë intact"
expect_match '"kvk": "04123987"' "$j" "kvk repaired"
expect_match '"name": "Bakker € Zn"' "$("$FACTA" -A excel relation show 2 --json)" "0x80 is the euro sign"
expect_ok -A excel relation import "$d/excel-cp1252-problems.csv"
expect_eq "" "$out" "again: nothing"

test_case "all or nothing; --skip-invalid with a report"
expect_ok init strict
before=$(snapshot strict)
f -A strict relation import "$d/invalid-rows.csv"
expect_eq "2" "$status" "refused"
expect_match "invalid-rows.csv:3:2: error: E-mail: invalid e-mail" "$errout" "row and column"
expect_match "invalid-rows.csv:4:3: error: BTW-nummer: invalid vat id" "$errout" "btw-id"
expect_match "2 of 3 rows have errors; nothing was imported" "$errout" "summary"
expect_eq "$before" "$(snapshot strict)" "nothing written"
expect_ok -A strict relation import "$d/invalid-rows.csv" --skip-invalid --report rep.txt
expect_eq "1" "$out" "the good row"
expect_match "invalid-rows.csv:3: invalid" "$(cat rep.txt)" "report lists row 3"

test_case "mapping on the command line is saved for next time"
printf 'Klant;Mail\nMapped BV;m@bv.example\n' > odd.csv
expect_ok init mapped
expect_ok -A mapped relation import odd.csv --preview
expect_match "Klant +-> \(not mapped\)" "$out" "unmapped shown"
expect_fail 2 "unknown field 'naam'" -A mapped relation import odd.csv --map "Klant=naam"
expect_ok -A mapped relation import odd.csv --map "Klant=name,Mail=email"
expect_eq "1" "$out" "imported with mapping"
printf 'Klant;Mail\nTweede BV;t@bv.example\n' > odd2.csv
expect_ok -A mapped relation import odd2.csv
expect_match "using the mapping saved" "$errout" "saved mapping used"
expect_eq "2" "$out" "second file mapped the same way"
printf 'Klant = name\nMail = email\n' > map.txt
expect_ok init mapped2
expect_ok -A mapped2 relation import odd.csv --mapping map.txt
expect_eq "1" "$out" "mapping file"

test_case "template"
expect_ok -A acct relation import --template -o tpl.csv
expect_ok init tpl
expect_ok -A tpl relation import tpl.csv --preview
expect_match "would create 2, skip 0 duplicates; 0 invalid rows, 0 warnings" "$out" "template imports cleanly"
if printf '%s' "$out" | grep -q "not mapped"; then fail "template column not mapped"; else ok; fi

test_case "bad files"
printf 'a;b\n"open;x\n' > broken.csv
expect_fail 2 "broken.csv: row 2" -A acct relation import broken.csv
expect_fail 3 "cannot open" -A acct relation import missing.csv
finish
