/* Thread-local: libmicrohttpd runs a request's handler from start to end on
 * one thread of its pool, so the deadline needs no passing around. */
#include "core/budget.h"

#include "core/clock.h"

static _Thread_local int64_t deadline_us; /* 0: none */
static _Thread_local int budget;

void budget_start(int ms)
{
	budget = ms > 0 ? ms : 0;
	deadline_us = budget ? clock_mono_us() + (int64_t)budget * 1000 : 0;
}

void budget_stop(void)
{
	deadline_us = 0;
	budget = 0;
}

int budget_spent(void)
{
	return deadline_us && clock_mono_us() > deadline_us;
}

int budget_ms(void)
{
	return budget;
}
