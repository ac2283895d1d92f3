#!/usr/bin/env bash
# relations.sh: import 10,000 relations from a CSV file and export them again
# (CSV and XLSX); prints wall time and peak memory of each step.
# Usage: bench/relations.sh path/to/facta [N]
set -eu
facta=${1:?usage: relations.sh FACTA [N]}
n=${2:-10000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
/usr/bin/python3 - "$n" > "$dir/in.csv" <<'PY'
import sys
n = int(sys.argv[1])
def kvk(i): return "%08d" % (10000000 + i)
print("Naam;Adres;Postcode;Plaats;Land;KvK-nummer;E-mail;Telefoon;Categorie;Contactpersoon")
for i in range(n):
    print("Bedrijf %d B.V.;Straat %d;%04d AB;Utrecht;Nederland;%s;info%d@bedrijf.example;030-%07d;Klanten;Jan %d"
          % (i, i, 1000 + i % 9000, kvk(i), i, i, i))
PY
"$facta" init "$dir/acct" >/dev/null 2>&1
run() { # WHAT CMD...
	local what=$1; shift
	/usr/bin/time -f "$what: %e s wall, %U s user, %S s sys, %M KB peak" "$@" >/dev/null
}
run "import $n" "$facta" -A "$dir/acct" relation import "$dir/in.csv"
run "re-import $n (all duplicates)" "$facta" -A "$dir/acct" relation import "$dir/in.csv"
run "export csv $n" "$facta" -A "$dir/acct" relation export -o "$dir/out.csv"
run "export xlsx $n" "$facta" -A "$dir/acct" relation export -o "$dir/out.xlsx"
run "preview $n" "$facta" -A "$dir/acct" relation import "$dir/out.csv" --preview
ls -l "$dir/in.csv" "$dir/out.csv" "$dir/out.xlsx" | awk '{print $5, $9}'
