/* core/worker.c: a pass runs after first_ms, then after the period it
 * answers; a kick cuts a wait short (and is not lost when it comes during a
 * pass); a stop ends the longest wait at once and joins the thread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/worker.h"

static int passes, ended;
static long answer; /* what the next pass answers */

static long count(struct worker *w)
{
	(void)w;
	__atomic_add_fetch(&passes, 1, __ATOMIC_SEQ_CST);
	return __atomic_load_n(&answer, __ATOMIC_SEQ_CST);
}

static void end(struct worker *w)
{
	(void)w;
	ended = 1;
}

static int passes_now(void)
{
	return __atomic_load_n(&passes, __ATOMIC_SEQ_CST);
}

/* waits up to ms for at least n passes */
static int wait_passes(int n, long ms)
{
	for (long i = 0; i < ms / 5 && passes_now() < n; i++)
		usleep(5000);
	return passes_now();
}

static void period_kick_and_stop(void **state)
{
	(void)state;
	static struct worker w = WORKER_INIT("unit", count, end);
	passes = ended = 0;
	answer = 60000; /* a minute: only a kick or the stop may end a wait */
	w.first_ms = 0;
	assert_int_equal(worker_start(&w), 0);
	assert_int_equal(wait_passes(1, 2000), 1); /* at once */
	usleep(100000);
	assert_int_equal(passes_now(), 1); /* then it waits */
	worker_kick(&w);
	assert_int_equal(wait_passes(2, 2000), 2); /* a kick ends the wait */
	int64_t t = clock_mono_us();
	worker_stop(&w);
	assert_true(clock_mono_us() - t < 1000000); /* the stop ends the minute's wait */
	assert_int_equal(ended, 1);
	assert_int_equal(passes_now(), 2);
	worker_stop(&w); /* twice is harmless */
}

static void a_short_period_runs_again_by_itself(void **state)
{
	(void)state;
	static struct worker w = WORKER_INIT("unit", count, NULL);
	passes = 0;
	answer = 20;
	w.first_ms = 300;
	assert_int_equal(worker_start(&w), 0);
	assert_int_equal(passes_now(), 0); /* first_ms before the first pass */
	assert_true(wait_passes(5, 3000) >= 5);
	worker_stop(&w);
}

static void forever_waits_for_a_kick_and_a_kick_before_start_is_kept(void **state)
{
	(void)state;
	static struct worker w = WORKER_INIT("unit", count, NULL);
	passes = 0;
	answer = WORKER_FOREVER;
	w.first_ms = WORKER_FOREVER;
	worker_kick(&w); /* before the start: the first wait ends at once */
	assert_int_equal(worker_start(&w), 0);
	assert_int_equal(wait_passes(1, 2000), 1);
	usleep(200000);
	assert_int_equal(passes_now(), 1);
	worker_kick(&w);
	assert_int_equal(wait_passes(2, 2000), 2);
	worker_stop(&w);
	assert_int_equal(passes_now(), 2);
}

static void a_worker_never_started_stops_at_once(void **state)
{
	(void)state;
	static struct worker w = WORKER_INIT("unit", count, NULL);
	worker_kick(&w);
	worker_stop(&w);
	assert_int_equal(w.running, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(period_kick_and_stop),
		cmocka_unit_test(a_short_period_runs_again_by_itself),
		cmocka_unit_test(forever_waits_for_a_kick_and_a_kick_before_start_is_kept),
		cmocka_unit_test(a_worker_never_started_stops_at_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
