/* Thin wrappers over clock_gettime. */
#include "core/clock.h"

#include <stdio.h>
#include <time.h>

int64_t clock_now(void)
{
	return (int64_t)time(NULL);
}

int64_t clock_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t clock_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void clock_iso(int64_t t, char *out, int n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, (size_t)n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
