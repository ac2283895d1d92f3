#!/usr/bin/env bash
# t0047: house styles: the three built-in styles render invoices and quotes in
# nl, en and de (text checked with pdftotext, files with qpdf --check, one
# page at most 30 KB, byte-reproducible); the designer's workflow (style
# new/check/preview/add/remove); account styles sync; invoice pdf picks the
# style from --style, the relation, the account default; glyphs and paths.
. "$(dirname "$0")/lib.sh"
for tool in pdftotext qpdf pdftoppm; do
	command -v $tool >/dev/null || { echo "$tool missing"; echo "0 passed, 1 failed"; exit 1; }
done
text() { pdftotext -layout "$1" - 2>/dev/null; }
pages() { qpdf --show-npages "$1"; }
qcheck() { # FILE
	if qpdf --check "$1" >/dev/null 2>&1; then ok; else fail "qpdf --check $1: $(qpdf --check "$1" 2>&1 | tail -2)"; fi
}

test_case "style list"
expect_ok style list
for s in classic modern minimal; do expect_match "^$s +built-in" "$out" "lists $s"; done
expect_ok style list --json
expect_match '"name": "modern", "kind": "built-in"' "$out" "json list"

test_case "built-in styles, samples, languages"
for s in classic modern minimal; do
	expect_ok style check "$s"
	expect_match "ok \(16 sample" "$errout" "$s checked"
	for l in nl en de; do
		expect_ok style preview "$s" --lang $l --sample one -o "$s-$l-one.pdf"
		qcheck "$s-$l-one.pdf"
		size=$(stat -c %s "$s-$l-one.pdf")
		[ "$size" -le 30720 ] && ok || fail "$s $l one-page pdf is $size bytes (> 30 KB)"
		expect_eq 1 "$(pages "$s-$l-one.pdf")" "$s $l one page"
		expect_ok style preview "$s" --lang $l --sample quote -o "$s-$l-quote.pdf"
		qcheck "$s-$l-quote.pdf"
		expect_ok style preview "$s" --lang $l -o "$s-$l-pages.pdf"
		expect_eq 1 "$([ "$(pages "$s-$l-pages.pdf")" -ge 2 ] && echo 1)" "$s $l long sample spans pages"
	done
	txt=$(text "$s-nl-one.pdf")
	for want in "Factuur" "2026-0042" "Café 't Hoekje" "Jan Müller" "€ 1\.062,50" "€ 1\.285,63" \
		"15 maart 2026" "NL004495445B01" "Pagina 1 van 1|1 ?/ ?1"; do
		expect_match "$want" "$txt" "$s nl '$want'"
	done
	txt=$(text "$s-en-quote.pdf")
	for want in "Quote" "Quote for" "Valid until" "valid until 14 April 2026"; do
		expect_match "$want" "$txt" "$s en quote '$want'"
	done
	txt=$(text "$s-de-one.pdf")
	for want in "Rechnung" "Rechnungsnummer" "15\. März 2026" "€ 1\.285,63"; do
		expect_match "$want" "$txt" "$s de '$want'"
	done
	txt=$(text "$s-nl-pages.pdf")
	n=$(pages "$s-nl-pages.pdf")
	expect_match "Pagina $n van $n|$n ?/ ?$n" "$txt" "$s page x of y"
	expect_match "Doorberekende kosten, post 30" "$txt" "$s last line"
	expect_ok style preview "$s" --lang de --sample reverse -o "$s-rev.pdf"
	txt=$(text "$s-rev.pdf")
	expect_match "Steuerschuldnerschaft des Leistungsempfängers" "$txt" "$s reverse-charge wording"
	expect_match "Müller & Söhne Großhandel GmbH" "$txt" "$s German name"
	expect_match "Zoë Østergaard-Łukasik" "$txt" "$s Scandinavian/Polish name"
	expect_ok style preview "$s" --sample incl -o "$s-incl.pdf"
	expect_match "Totaal incl\. btw" "$(text "$s-incl.pdf")" "$s prices incl. VAT"
	expect_match "€ 102,85" "$(text "$s-incl.pdf")" "$s line price incl. VAT (85,00 + 21 %)"
	expect_ok style preview "$s" --sample kor -o "$s-kor.pdf"
	txt=$(text "$s-kor.pdf")
	expect_match "kleineondernemersregeling" "$txt" "$s KOR wording"
	if printf '%s' "$txt" | grep -q "Btw 21"; then fail "$s KOR shows VAT"; else ok; fi
	expect_ok style preview "$s" --sample draft -o "$s-draft.pdf"
	expect_match "CONCEPT" "$(text "$s-draft.pdf")" "$s draft mark"
done
expect_fail 2 "unknown sample 'nope'" style preview classic --sample nope -o x.pdf

test_case "styles look different"
a=$(md5sum < classic-nl-one.pdf); b=$(md5sum < modern-nl-one.pdf); c=$(md5sum < minimal-nl-one.pdf)
[ "$a" != "$b" ] && [ "$b" != "$c" ] && [ "$a" != "$c" ] && ok || fail "two built-in styles gave the same pdf"

test_case "reproducible"
expect_ok style preview modern -o again.pdf
cmp -s again.pdf modern-nl-pages.pdf && ok || fail "same style and sample gave different bytes"

test_case "designer workflow"
expect_ok style new studio --from modern
expect_eq studio.lua "$out" "new prints the file"
expect_match 'name = "studio"' "$(cat studio.lua)" "renamed"
expect_match "facta style preview studio.lua" "$(cat studio.lua)" "commented"
expect_fail 4 "already exists" style new studio
expect_ok style preview studio.lua --png
expect_match "studio-preview.pdf" "$out" "preview pdf"
expect_match "studio-preview-1.png" "$out" "preview png"
[ -s studio-preview-2.png ] && ok || fail "one png per page"
sed -i 's/page.table {/page.tabel {/' studio.lua
line=$(grep -n "page.tabel" studio.lua | cut -d: -f1)
expect_fail 1 "^facta: studio.lua:$line: attempt to call a nil value \(field 'tabel'\)$" style check studio.lua
sed -i 's/page.tabel {/page.table {/' studio.lua
expect_ok style check studio.lua

test_case "account styles"
make_account acct
expect_ok -A acct style add studio.lua
expect_eq studio "$out" "add prints the name"
expect_ok -A acct style list
expect_match "^studio +account" "$out" "account style listed"
printf 'return {}\n' > broken.lua
expect_fail 1 "broken.lua.*render" -A acct style add broken.lua
snap=$(snapshot acct)
expect_fail 2 "invalid style name" -A acct style add studio.lua --name "../x"
expect_fail 3 "no style 'nope'" -A acct style remove nope
expect_eq "$snap" "$(snapshot acct)" "failed commands changed nothing"

test_case "invoice pdf picks the style"
expect_ok -A acct invoice new --to 1 --date 2026-03-15
id=$out
expect_ok -A acct invoice add-line "$id" --desc "Ontwerp" --qty 1 --price 100 --vat 21
expect_ok -A acct invoice finalize "$id"
num=$out
expect_ok -A acct invoice pdf "$num" -o default.pdf
expect_ok style preview classic -o /dev/null
expect_match "Factuur aan" "$(text default.pdf)" "classic by default"
expect_ok -A acct company set --style studio --colour "#aa3355" --paper Letter
expect_ok -A acct invoice pdf "$num" -o account.pdf
expect_match "Factuurdatum" "$(text account.pdf)" "account default style"
expect_match "612 x 792" "$(pdfinfo account.pdf 2>/dev/null | grep 'Page size')" "paper Letter"
cmp -s default.pdf account.pdf && fail "account style not used" || ok
expect_ok -A acct relation edit 1 --style minimal
expect_ok -A acct invoice pdf "$num" -o relation.pdf
expect_match "FACTUUR +$num" "$(text relation.pdf)" "the relation's style (minimal)"
expect_ok -A acct invoice pdf "$num" --style classic -o forced.pdf
expect_match "Factuur aan" "$(text forced.pdf)" "--style wins"
# A reminder picks its style the same way (cli_render_doc).
expect_ok -A acct invoice remind "$num" -o remind.pdf
expect_match "HERINNERING +$num" "$(text remind.pdf)" "reminder in the relation's style (minimal)"
expect_ok -A acct invoice remind "$num" --style classic -o remind2.pdf
expect_match "Herinnering" "$(text remind2.pdf)" "reminder with --style"
# A style that fails records no reminder and writes no file.
snap=$(snapshot acct)
expect_fail 3 "cannot open style .*nope\.lua" -A acct invoice remind "$num" --style nope -o remind3.pdf
expect_eq "$snap" "$(snapshot acct)" "failed reminder recorded nothing"
[ -e remind3.pdf ] && fail "failed reminder wrote a file" || ok
expect_fail 1 "cannot write 'nodir/remind4.pdf'" -A acct invoice remind "$num" -o nodir/remind4.pdf
expect_eq "$snap" "$(snapshot acct)" "unwritable reminder recorded nothing"
# Quotes pick their style the same way.
expect_ok -A acct quote new --to 1 --date 2026-03-15
q=$out
expect_ok -A acct quote add-line "$q" --desc "Ontwerp" --qty 1 --price 100 --vat 21
expect_ok -A acct quote pdf "$q" -o quote-rel.pdf
expect_match "OFFERTE +$q" "$(text quote-rel.pdf)" "quote in the relation's style (minimal)"
expect_ok -A acct quote pdf "$q" --style classic -o quote-forced.pdf
expect_match "Offertenummer +$q" "$(text quote-forced.pdf)" "quote with --style (classic)"
expect_ok -A acct relation edit 1 --style ""
expect_ok -A acct quote pdf "$q" -o quote-acct.pdf
txt=$(text quote-acct.pdf)
expect_match "Offertedatum" "$txt" "quote in the account default (studio)"
if printf '%s' "$txt" | grep -q "Offertenummer\|OFFERTE"; then fail "quote not in the account default"; else ok; fi
expect_ok -A acct relation edit 1 --style minimal
expect_fail 2 "invalid colour" -A acct company set --colour red
expect_fail 2 "invalid prices" -A acct company set --prices some

test_case "logo from the account, never a path"
cp "$FACTA_SOURCE_DIR/styles/assets/sample-logo.png" logo.png
expect_ok -A acct style add-asset logo.png
expect_ok -A acct company set --logo logo.png --style classic
expect_ok -A acct invoice pdf "$num" -o logo.pdf
pdfimages -list logo.pdf 2>/dev/null | grep -q "240 *64" && ok || fail "logo not in the pdf"
expect_fail 2 "invalid asset name" -A acct company set --logo ../../etc/passwd
printf 'local s = {}\nfunction s.render(doc, page)\npage.image("../../etc/passwd")\nend\nreturn s\n' > escape.lua
expect_fail 1 "escape.lua:3: invalid image name" style preview escape.lua -o x.pdf
printf 'local s = {}\nfunction s.render(doc, page)\npage.image("nothere.png")\nend\nreturn s\n' > missing.lua
expect_fail 1 "no image 'nothere.png'" style preview missing.lua -o x.pdf
expect_fail 2 "neither a PNG nor a JPEG" -A acct style add-asset studio.lua --name x.png

test_case "a missing glyph is reported, never dropped"
printf 'local s = {}\nfunction s.render(doc, page)\npage.text("snow \\u{2603}")\nend\nreturn s\n' > glyph.lua
expect_fail 1 "glyph.lua:3: character '☃' \(U\+2603\) is not in font 'Facta Sans'" style preview glyph.lua -o x.pdf
printf 'local s = {}\nfunction s.render(doc, page)\npage.text("ë ï é è ĳ ü ß ø å ł Œ ő ș — € “”")\nend\nreturn s\n' > latin.lua
expect_ok style preview latin.lua -o latin.pdf
expect_match "ë ï é è ĳ ü ß ø å ł Œ ő ș — € “”" "$(text latin.pdf)" "latin glyphs"

test_case "TrueType font from the account"
command -v pdffonts >/dev/null || fail "pdffonts missing"
cp /usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf MyFont.ttf
snap=$(snapshot acct)
expect_fail 2 "'x.ttf' is not a TrueType font" -A acct style add-asset studio.lua --name x.ttf
expect_fail 2 "invalid asset name" -A acct style add-asset MyFont.ttf --name ../MyFont.ttf
expect_eq "$snap" "$(snapshot acct)" "failed font adds changed nothing"
expect_ok -A acct style add-asset MyFont.ttf
expect_eq MyFont.ttf "$out" "add-asset prints the name"
expect_ok -A acct style list
expect_match "^MyFont.ttf +asset" "$out" "font listed"
cat > brand.lua <<'EOF2'
local s = {}
function s.render(doc, page)
	page.font{name = "brand", family = "MyFont", size = 16}
	page.text("Huisstijl Zoë Østergaard-Łukasik ĳ ß", {font = "brand"})
	page.text(t("invoice") .. " " .. (doc.number or ""))
end
return s
EOF2
mkdir -p tmp
TMPDIR=$T/tmp expect_ok -A acct style preview brand.lua -o brand.pdf
expect_eq "" "$(ls tmp)" "the temporary font file is gone"
qcheck brand.pdf
fonts=$(pdffonts brand.pdf 2>/dev/null)
expect_match "DejaVuSerif-Bold.* yes +yes +yes" "$fonts" "account font embedded (subset)"
expect_match "FactaSans .* yes +yes +yes" "$fonts" "built-in font stays the default"
expect_match "Huisstijl Zoë Østergaard-Łukasik ĳ ß" "$(text brand.pdf)" "text in the account font"
plain=$(stat -c %s latin.pdf); size=$(stat -c %s brand.pdf)
echo "  (account font DejaVuSerif-Bold.ttf: pdf $size bytes, built-in only $plain)" >&2
expect_ok -A acct style preview brand.lua -o brand2.pdf
cmp -s brand.pdf brand2.pdf && ok || fail "account font pdf not reproducible"
expect_ok -A acct style add brand.lua
expect_ok -A acct invoice pdf "$num" --style brand -o brand-inv.pdf
expect_match "DejaVuSerif-Bold.* yes" "$(pdffonts brand-inv.pdf 2>/dev/null)" "invoice pdf with the account font"
expect_match "Factuur $num" "$(text brand-inv.pdf)" "invoice text"
for fam in ../../etc/passwd a/b ..x .hidden; do
	printf 'local s = {}\nfunction s.render(doc, page)\npage.font{name="b", family="%s"}\nend\nreturn s\n' "$fam" > fesc.lua
	expect_fail 1 "fesc.lua:3: invalid family '$fam'" -A acct style preview fesc.lua -o x.pdf
done
printf 'local s = {}\nfunction s.render(doc, page)\npage.font{name="b", family="Nope"}\nend\nreturn s\n' > fmiss.lua
expect_fail 1 "fmiss.lua:3: no font 'Nope.ttf' in the account or built in" -A acct style preview fmiss.lua -o x.pdf
expect_fail 1 "no font 'MyFont.ttf'" style preview brand.lua -o x.pdf
printf 'local s = {}\nfunction s.render(doc, page)\npage.font{name="b", family="MyFont"}\npage.text("ok 中", {font="b"})\nend\nreturn s\n' > fglyph.lua
expect_fail 1 "fglyph.lua:4: character '中' \(U\+4E2D\) is not in font 'MyFont'" -A acct style preview fglyph.lua -o x.pdf
printf '\0\1\0\0not really a font at all' > Broken.ttf
expect_ok -A acct style add-asset Broken.ttf
printf 'local s = {}\nfunction s.render(doc, page)\npage.font{name="b", family="Broken"}\nend\nreturn s\n' > fbad.lua
expect_fail 1 "fbad.lua:3: cannot load font 'Broken.ttf'" -A acct style preview fbad.lua -o x.pdf
expect_ok -A acct style remove-asset Broken.ttf

test_case "account styles sync to another device"
git init -q --bare remote.git
expect_ok -A acct remote add origin "$T/remote.git"
expect_ok -A acct sync
expect_ok clone "$T/remote.git" laptop
expect_ok -A laptop style list
expect_match "^studio +account" "$out" "style synced"
expect_match "^logo.png +asset" "$out" "asset synced"
expect_eq "$("$FACTA" -A acct debug digest)" "$("$FACTA" -A laptop debug digest)" "same digest"
expect_ok -A laptop invoice pdf "$num" -o laptop.pdf
cmp -s laptop.pdf logo.pdf && ok || fail "the other device renders different bytes"
expect_ok -A laptop invoice pdf "$num" --style brand -o laptop-brand.pdf
cmp -s laptop-brand.pdf brand-inv.pdf && ok || fail "the account font renders differently on the other device"
expect_ok -A laptop style remove studio
expect_ok -A laptop sync
expect_ok -A acct sync
expect_ok -A acct style list
if printf '%s\n' "$out" | grep -q "^studio "; then fail "removal did not sync"; else ok; fi

finish
