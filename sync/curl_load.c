/*
 * curl_load.c: libcurl through dlopen (see curl_load.h). The soname is the
 * one the headers were built for (libcurl 7 and 8 are both ".so.4").
 */
#include "core/compat.h"

#include <dlfcn.h>

#include "core/error.h"
#include "sync/curl_load.h"

#define CURL_SONAME "libcurl.so.4"

static const struct {
	const char *name;
	size_t off;
} symbols[] = {
#define SYM(f) { "curl_" #f, offsetof(struct curl_api, f) }
	SYM(easy_init),	   SYM(easy_setopt),   SYM(easy_perform),
	SYM(easy_getinfo), SYM(easy_cleanup),  SYM(easy_strerror),
	SYM(slist_append), SYM(slist_free_all),
#undef SYM
};

int curl_api(const struct curl_api **out, struct facta_err *err)
{
	static struct curl_api api;
	static bool ready;
	CURLcode (*global_init)(long flags);
	void *lib;

	*out = &api;
	if (ready)
		return 0;
	if (!(lib = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL)))
		return err_set(err, FACTA_ENET, "cannot load %s: %s",
			       CURL_SONAME, dlerror());
	for (size_t i = 0; i < ARRAY_SIZE(symbols); i++) {
		void *f = dlsym(lib, symbols[i].name);

		if (!f)
			return err_set(err, FACTA_ENET, "%s has no %s",
				       CURL_SONAME, symbols[i].name);
		memcpy((char *)&api + symbols[i].off, &f, sizeof(f));
	}
	*(void **)&global_init = dlsym(lib, "curl_global_init");
	if (!global_init || global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return err_set(err, FACTA_ENET, "cannot start libcurl");
	ready = true;
	return 0;
}
