#!/usr/bin/env bash
# layering.sh: DESIGN.md's dependency rules, checked on the source tree.
# core/ includes nothing from sync/, plugins/, cli/ nor libgit2/Lua/libharu/curl;
# sync/ and plugins/ never include each other; no float/double in core/.
set -u
top=${1:-$(dirname "$0")/..}
cd "$top" || exit 1
fail=0
check() { # DESCRIPTION PATTERN DIR...
	local what=$1 pat=$2; shift 2
	local hits
	hits=$(grep -rEn "$pat" "$@" --include='*.c' --include='*.h' 2>/dev/null)
	if [ -n "$hits" ]; then
		echo "layering: $what:"; echo "$hits"; fail=1
	fi
}
check "core includes an outer layer" '#include *["<](\.\./)*(sync|plugins|cli)/' core
check "core includes libgit2/Lua/libharu/libcurl" '#include *<(git2|lua|lauxlib|lualib|hpdf|curl)' core
check "sync includes plugins" '#include *["<](\.\./)*plugins/' sync
check "plugins includes sync" '#include *["<](\.\./)*sync/' plugins
check "libgit2 or libcurl outside sync" '#include *<(git2|curl)' core plugins cli
check "Lua or libharu outside plugins" '#include *<(lua|lauxlib|lualib|hpdf)' core sync cli
check "SQLite outside core" '#include *<sqlite3' sync plugins cli
check "float or double in core (money is integer cents)" '\b(float|double)\b' core
if [ $fail -ne 0 ]; then echo "0 passed, 1 failed"; exit 1; fi
echo "1 passed, 0 failed"
