#!/usr/bin/env bash
# t0045: a house style runs in a sandbox: a style that tries to run a
# command, loops forever or eats memory fails with a clear one-line error,
# does not crash facta, touches nothing, and leaves no PDF behind.
. "$(dirname "$0")/lib.sh"

make_account acct
expect_ok -A acct invoice new --to 1 --date 2026-03-15
id=$out
expect_ok -A acct invoice add-line "$id" --desc "Werk" --qty 1 --price 100 --vat 21
expect_ok -A acct invoice finalize "$id"
num=$out

mkdir styles
cp -r "$FACTA_SOURCE_DIR/styles/." styles/
export FACTA_STYLES_DIR=$T/styles
style() { # NAME BODY: a style whose render() runs BODY
	printf 'local style = { name = "%s" }\nfunction style.render(doc, page)\n%s\nend\nreturn style\n' "$1" "$2" > "styles/$1.lua"
}
style evil_exec 'os.execute("touch '"$T"'/pwned")'
style evil_io 'io.open("'"$T"'/pwned", "w")'
style evil_require 'require("os")'
style evil_loop 'while true do end'
style evil_pcall_loop 'while true do pcall(function() while true do end end) end'
style evil_memory 'local t = {} while true do t[#t + 1] = string.rep("x", 1000000) .. #t end'
style evil_rep 'local s = string.rep("x", 10000000000)'
style evil_bytecode 'load("\27Lua\84\0")()'
style typo 'page.tabel {}'

test_case "sandbox refusals"
expect_fail 1 "evil_exec.lua:3: .*os" -A acct invoice pdf "$num" --style evil_exec -o out.pdf
expect_fail 1 "evil_io.lua:3: .*io" -A acct invoice pdf "$num" --style evil_io -o out.pdf
expect_fail 1 "evil_require.lua:3: .*require" -A acct invoice pdf "$num" --style evil_require -o out.pdf
expect_fail 1 "instruction budget" -A acct invoice pdf "$num" --style evil_loop -o out.pdf
expect_fail 1 "instruction budget" -A acct invoice pdf "$num" --style evil_pcall_loop -o out.pdf
expect_fail 1 "memory" -A acct invoice pdf "$num" --style evil_memory -o out.pdf
expect_fail 1 "memory|too large" -A acct invoice pdf "$num" --style evil_rep -o out.pdf
expect_fail 1 "evil_bytecode.lua:3: " -A acct invoice pdf "$num" --style evil_bytecode -o out.pdf
expect_fail 1 "typo.lua:3: attempt to call a nil value \(field 'tabel'\)" -A acct invoice pdf "$num" --style typo -o out.pdf
[ ! -e pwned ] && ok || fail "a style touched the file system"
[ ! -e out.pdf ] && ok || fail "a failed render left a PDF"

test_case "the real style still works"
expect_ok -A acct invoice pdf "$num" -o out.pdf
[ -s out.pdf ] && ok || fail "no pdf"

finish
