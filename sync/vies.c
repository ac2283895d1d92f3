/*
 * vies.c: the EU VIES REST API (POST check-vat-number): request and the
 * parser of its answers (see lookup.h). "---" means absent; an unavailable
 * member state or service means "unknown, try again", never "invalid".
 */
#include "core/compat.h"

#include <jansson.h>

#include "core/error.h"
#include "lookup.h"
#include "lookup_int.h"

static char *present(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	if (!s || !*s || !strcmp(s, "---"))
		return NULL;
	return strdup(s);
}

/* The error code of an answer that says the check could not be done. */
static const char *unavailable(const json_t *root)
{
	static const char *const codes[] = {
		"MS_UNAVAILABLE",     "TIMEOUT",
		"SERVICE_UNAVAILABLE", "MS_MAX_CONCURRENT_REQ",
		"GLOBAL_MAX_CONCURRENT_REQ", "SERVER_BUSY",
		"IP_BLOCKED",	      "VAT_BLOCKED",
	};
	const json_t *wr = json_array_get(json_object_get(root, "errorWrappers"),
					  0);
	const char *e = json_string_value(json_object_get(wr, "error"));
	const char *u = json_string_value(json_object_get(root, "userError"));

	if (e)
		return e;
	for (size_t i = 0; u && i < ARRAY_SIZE(codes); i++)
		if (!strcmp(u, codes[i]))
			return u;
	if (json_is_false(json_object_get(root, "actionSucceed")))
		return "SERVICE_UNAVAILABLE";
	return NULL;
}

int vies_parse(struct vies_answer *out, const char *json, size_t len,
	       long status, struct facta_err *err)
{
	json_error_t je;
	json_t *root;
	const json_t *valid;
	const char *why;

	memset(out, 0, sizeof(*out));
	root = json_loadb(json, len, 0, &je);
	if (status >= 500 || status == 429 || status == 0) {
		out->result = VIES_UNKNOWN;
		why = root ? unavailable(root) : NULL;
		out->why = strdup(why ? why : "SERVICE_UNAVAILABLE");
		json_decref(root);
		return out->why ? 0 : err_nomem(err);
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return err_set(err, FACTA_EINVALID,
			       "vies sent an answer facta cannot read (http %ld)",
			       status);
	}
	if ((why = unavailable(root))) {
		const char *input = NULL;

		/* INVALID_INPUT is about the number, not the service. */
		if (!strcmp(why, "INVALID_INPUT"))
			input = why;
		if (input) {
			json_decref(root);
			return err_set(err, FACTA_EINVALID,
				       "vies refused the vat id as malformed");
		}
		out->result = VIES_UNKNOWN;
		out->why = strdup(why);
		json_decref(root);
		return out->why ? 0 : err_nomem(err);
	}
	valid = json_object_get(root, "valid");
	if (!json_is_boolean(valid) || status != 200) {
		json_decref(root);
		return err_set(err, FACTA_EINVALID,
			       "vies sent an answer without a result (http %ld)",
			       status);
	}
	out->result = json_is_true(valid) ? VIES_VALID : VIES_INVALID;
	out->country = present(root, "countryCode");
	out->number = present(root, "vatNumber");
	out->name = present(root, "name");
	out->address = present(root, "address");
	out->request_id = present(root, "requestIdentifier");
	out->request_date = present(root, "requestDate");
	json_decref(root);
	return 0;
}

void vies_answer_dispose(struct vies_answer *a)
{
	free(a->country);
	free(a->number);
	free(a->name);
	free(a->address);
	free(a->request_id);
	free(a->request_date);
	free(a->why);
	memset(a, 0, sizeof(*a));
}

int vies_check(struct vies_answer *out, const struct lookup_config *c,
	       const char *vat_id, struct facta_err *err)
{
	struct buf url = BUF_INIT, body = BUF_INIT;
	json_t *req;
	char *text = NULL, cc[3];
	long status;
	int rc;

	memset(out, 0, sizeof(*out));
	if (strlen(vat_id) < 4 || strlen(vat_id) > 16)
		return err_set(err, FACTA_EINVALID, "invalid vat id '%.20s'",
			       vat_id);
	/* VIES calls Greece EL. */
	snprintf(cc, sizeof(cc), "%.2s", vat_id);
	req = json_pack("{s:s, s:s}", "countryCode", cc, "vatNumber",
			vat_id + 2);
	if (!req || !(text = json_dumps(req, JSON_COMPACT))) {
		json_decref(req);
		return err_nomem(err);
	}
	json_decref(req);
	if (buf_addf(&url, "%s/check-vat-number",
		     c->vies_url ? c->vies_url : LOOKUP_VIES_URL) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	rc = http_request(&body, &status, url.ptr, text, NULL, c->timeout_ms,
			  "vies service", err);
	if (rc == 0)
		rc = vies_parse(out, body.ptr, body.len, status, err);
cleanup:
	free(text);
	buf_dispose(&url);
	buf_dispose(&body);
	return rc;
}
