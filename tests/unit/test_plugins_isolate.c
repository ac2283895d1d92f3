/*
 * test_plugins_isolate.c: batches in one renderer child (isolate_batch,
 * render_batch): results in order from one process, each document under
 * its own limits (a crash or a timeout costs that document only, CPU and
 * address space limits are set afresh per document), asset requests per
 * document, and render_batch giving render_pdf's bytes.
 */
#include "core/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include "plugins/isolate_int.h"
#include "plugins_test_util.h"

#define NJOBS 5

/* What each job does in the child. */
enum act { ACT_OK, ACT_KILL, ACT_SLEEP, ACT_FAIL, ACT_LIMITS, ACT_ASSET };

struct fixture {
	enum act act[NJOBS];
	struct isolate_job jobs[NJOBS];
	char what[NJOBS][32];
	/* in the parent: what done saw */
	int rc[NJOBS];
	char out[NJOBS][600];
	size_t seen;
	int stop_at; /* done returns -5 for this job (-1: never) */
};

static int job_run(void *payload, size_t i, struct buf *out,
		   int (*asset)(void *asset_payload, const char *name,
				struct buf *out, struct facta_err *err),
		   void *asset_payload, struct facta_err *err)
{
	struct fixture *fx = payload;
	struct rlimit cpu, as;
	struct rusage ru;
	struct buf data = BUF_INIT;
	int ret = 0;

	switch (fx->act[i]) {
	case ACT_KILL:
		kill(getpid(), SIGKILL);
		break;
	case ACT_SLEEP:
		sleep(5);
		break;
	case ACT_FAIL:
		return err_set(err, FACTA_EPLUGIN, "job %zu failed", i);
	case ACT_LIMITS:
		/* The CPU seconds left for this document, and its AS cap. */
		getrusage(RUSAGE_SELF, &ru);
		getrlimit(RLIMIT_CPU, &cpu);
		getrlimit(RLIMIT_AS, &as);
		return buf_addf(out, "cpu %ld as %d",
				(long)cpu.rlim_cur - (long)ru.ru_utime.tv_sec -
				    (long)ru.ru_stime.tv_sec,
				as.rlim_cur != RLIM_INFINITY);
	case ACT_ASSET:
		ret = asset(asset_payload, "logo.png", &data, err);
		if (ret == 0)
			ret = buf_addf(out, "asset %s", data.ptr);
		buf_dispose(&data);
		return ret;
	case ACT_OK:
		break;
	}
	return buf_addf(out, "job %zu pid %ld", i, (long)getpid());
}

static int job_done(void *payload, size_t i, const struct buf *pdf, int rc,
		    const struct facta_err *err)
{
	struct fixture *fx = payload;

	assert_int_equal(i, fx->seen); /* in order, each once */
	fx->seen++;
	fx->rc[i] = rc;
	if (rc < 0) {
		assert_null(pdf);
		snprintf(fx->out[i], sizeof(fx->out[i]), "%s", err->msg);
	} else {
		assert_non_null(pdf);
		snprintf(fx->out[i], sizeof(fx->out[i]), "%s", pdf->ptr);
	}
	return (int)i == fx->stop_at ? -5 : 0;
}

/* The parent's asset callback of job i: answers with the job's name. */
static int job_asset(void *payload, const char *name, struct buf *out,
		     struct facta_err *err)
{
	(void)err;
	return buf_addf(out, "%s for %s", name, (const char *)payload);
}

static int batch(struct fixture *fx)
{
	struct isolate iso = { 0 };
	struct facta_err err = { 0 };

	for (size_t i = 0; i < NJOBS; i++) {
		snprintf(fx->what[i], sizeof(fx->what[i]), "job-%zu", i);
		fx->jobs[i].what = fx->what[i];
		fx->jobs[i].time_ms = fx->act[i] == ACT_SLEEP ? 300 : 10000;
		fx->jobs[i].mem_extra = (size_t)256 << 20;
		fx->jobs[i].asset = job_asset;
		fx->jobs[i].asset_payload = fx->what[i];
	}
	iso.jobs = fx->jobs;
	iso.njobs = NJOBS;
	iso.run = job_run;
	iso.payload = fx;
	iso.done = job_done;
	iso.done_payload = fx;
	return isolate_batch(&iso, &err);
}

static void new_fixture(struct fixture *fx)
{
	memset(fx, 0, sizeof(*fx));
	fx->stop_at = -1;
}

/* The pid a job reported ("job I pid P"). */
static long pid_of(const char *s)
{
	const char *p = strstr(s, " pid ");

	return p ? strtol(p + 5, NULL, 10) : -1;
}

static void test_one_child(void **state)
{
	struct fixture fx;

	(void)state;
	new_fixture(&fx);
	assert_int_equal(batch(&fx), 0);
	assert_int_equal(fx.seen, NJOBS);
	for (size_t i = 0; i < NJOBS; i++) {
		char want[32];

		snprintf(want, sizeof(want), "job %zu pid ", i);
		assert_int_equal(fx.rc[i], 0);
		assert_memory_equal(fx.out[i], want, strlen(want));
		/* one renderer for the batch, not the caller */
		assert_int_equal(pid_of(fx.out[i]), pid_of(fx.out[0]));
	}
	assert_int_not_equal(pid_of(fx.out[0]), (long)getpid());
}

static void test_crash_costs_one(void **state)
{
	struct fixture fx;

	(void)state;
	new_fixture(&fx);
	fx.act[2] = ACT_KILL;
	fx.act[3] = ACT_FAIL;
	assert_int_equal(batch(&fx), 0);
	assert_int_equal(fx.seen, NJOBS);
	assert_int_equal(fx.rc[2], FACTA_EPLUGIN);
	assert_string_equal(fx.out[2], "job-2 stopped the renderer (signal 9: "
				       "out of memory or a crash)");
	/* a document's own error comes back as it is */
	assert_int_equal(fx.rc[3], FACTA_EPLUGIN);
	assert_string_equal(fx.out[3], "job 3 failed");
	assert_int_equal(fx.rc[4], 0);
	assert_int_equal(pid_of(fx.out[0]), pid_of(fx.out[1]));
	/* a new renderer went on after the crash */
	assert_true(pid_of(fx.out[4]) > 0);
	assert_int_not_equal(pid_of(fx.out[4]), pid_of(fx.out[1]));
}

static void test_timeout_costs_one(void **state)
{
	struct fixture fx;
	time_t t0 = time(NULL);

	(void)state;
	new_fixture(&fx);
	fx.act[1] = ACT_SLEEP;
	assert_int_equal(batch(&fx), 0);
	assert_int_equal(fx.rc[1], FACTA_EPLUGIN);
	assert_string_equal(fx.out[1], "job-1 ran too long (limit 300 ms)");
	for (size_t i = 2; i < NJOBS; i++)
		assert_int_equal(fx.rc[i], 0);
	assert_true(time(NULL) - t0 < 4); /* killed, not waited for */
}

static void test_limits_per_document(void **state)
{
	struct fixture fx;

	(void)state;
	new_fixture(&fx);
	for (size_t i = 0; i < NJOBS; i++)
		fx.act[i] = ACT_LIMITS;
	assert_int_equal(batch(&fx), 0);
	for (size_t i = 0; i < NJOBS; i++) {
		long left = strtol(fx.out[i] + 4, NULL, 10);

		/* 10 s of wall clock: 11 CPU seconds and more, every time */
		assert_int_equal(fx.rc[i], 0);
		assert_true(left >= 11);
#if !defined(__SANITIZE_ADDRESS__)
		assert_non_null(strstr(fx.out[i], " as 1"));
#endif
	}
}

static void test_assets_and_stop(void **state)
{
	struct fixture fx;

	(void)state;
	new_fixture(&fx);
	fx.act[0] = fx.act[1] = ACT_ASSET;
	fx.stop_at = 2;
	assert_int_equal(batch(&fx), -5);
	assert_int_equal(fx.seen, 3); /* nothing after the stop */
	assert_string_equal(fx.out[0], "asset logo.png for job-0");
	assert_string_equal(fx.out[1], "asset logo.png for job-1");
}

/* render_batch: render_pdf's bytes; a broken style costs its document. */
#define NDOCS 9

struct rendered {
	struct buf pdf[NDOCS];
	int rc[NDOCS];
	char msg[NDOCS][600];
};

static int render_done(void *payload, size_t i, const struct buf *pdf,
		       int rc, const struct facta_err *err)
{
	struct rendered *r = payload;

	r->rc[i] = rc;
	if (rc < 0)
		snprintf(r->msg[i], sizeof(r->msg[i]), "%s", err->msg);
	else
		assert_int_equal(buf_add(&r->pdf[i], pdf->ptr, pdf->len), 0);
	return 0;
}

static void rendered_free(struct rendered *r)
{
	for (int i = 0; i < NDOCS; i++)
		buf_dispose(&r->pdf[i]);
	memset(r, 0, sizeof(*r));
}

static void test_render_batch(void **state)
{
	/*
	 * Fonts in changing order (minimal is serif), the UTF-8 fallback
	 * font (ĳ) before and after documents without it, a draft mark.
	 */
	static const char *const styles[NDOCS] = {
	    "minimal", "classic", "modern", "minimal", "classic", "modern",
	    "classic", NULL, NULL };
	static const int ij[NDOCS] = { 1, 0, 0, 0, 1, 0, 0, 0, 0 };
	/* a font parsed for an earlier document, then one new in this one */
	static const char *const sources[NDOCS] = {
	    [7] = "return { render = function(doc, page)\n"
		  "page.font { name = 'm', family = 'mono' }\n"
		  "page.text('mono only', { font = 'm' }) end }\n",
	    [8] = "return { render = function(doc, page)\n"
		  "page.font { name = 'm', family = 'mono' }\n"
		  "page.font { name = 's', family = 'serif',\n"
		  "  weight = 'bold' }\n"
		  "page.text('mono', { font = 'm' })\n"
		  "page.text('serif bold', { font = 's' }) end }\n" };
	static const char broken[] = "local s = {\nreturn s\n";
	struct render_opts o[NDOCS];
	struct render_job jobs[NDOCS];
	struct doc *docs[NDOCS];
	struct rendered r;
	struct facta_err err;

	(void)state;
	memset(&r, 0, sizeof(r));
	memset(o, 0, sizeof(o));
	for (int i = 0; i < NDOCS; i++) {
		assert_int_equal(
		    doc_sample(&docs[i], (size_t)(3 + 4 * i), "nl"), 0);
		if (ij[i]) {
			free(docs[i]->customer.name);
			docs[i]->customer.name = strdup("Ĳsbrand van Dĳk");
		}
		docs[i]->draft = i == 5;
		o[i].style = styles[i];
		if (sources[i]) {
			o[i].style_source = sources[i];
			o[i].style_source_len = strlen(sources[i]);
			o[i].style_chunk = "fonts.lua";
		}
		jobs[i] = (struct render_job){ docs[i], &o[i] };
	}
	/* in one child, and (the reused pdf object) in this process */
	for (int in_process = 0; in_process < 2; in_process++) {
		o[0].in_process = in_process;
		assert_int_equal(render_batch(jobs, NDOCS, render_done, &r,
					      &err),
				 0);
		for (int i = 0; i < NDOCS; i++) {
			struct render_opts alone = o[i];
			struct buf one = BUF_INIT;

			/* a fresh renderer child for this document alone */
			alone.in_process = 0;
			assert_int_equal(r.rc[i], 0);
			assert_int_equal(
			    render_pdf(&one, docs[i], &alone, &err), 0);
			assert_int_equal(one.len, r.pdf[i].len);
			assert_memory_equal(one.ptr, r.pdf[i].ptr, one.len);
			buf_dispose(&one);
		}
		rendered_free(&r);
	}
	o[0].in_process = 0;
	o[1].style_source = broken;
	o[1].style_source_len = strlen(broken);
	o[1].style_chunk = "broken.lua";
	assert_int_equal(render_batch(jobs, NDOCS, render_done, &r, &err), 0);
	assert_int_equal(r.rc[0], 0);
	assert_int_equal(r.rc[1], FACTA_EPLUGIN);
	assert_non_null(strstr(r.msg[1], "broken.lua:"));
	for (int i = 2; i < NDOCS; i++) {
		assert_int_equal(r.rc[i], 0);
		assert_true(r.pdf[i].len > 1000);
	}
	rendered_free(&r);
	for (int i = 0; i < NDOCS; i++)
		doc_free(docs[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_one_child),
	    cmocka_unit_test(test_crash_costs_one),
	    cmocka_unit_test(test_timeout_costs_one),
	    cmocka_unit_test(test_limits_per_document),
	    cmocka_unit_test(test_assets_and_stop),
	    cmocka_unit_test(test_render_batch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
