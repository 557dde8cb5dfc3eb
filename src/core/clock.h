/* Wall-clock and monotonic time as int64 (UTC seconds / microseconds). */
#ifndef CORE_CLOCK_H
#define CORE_CLOCK_H

#include <stdint.h>

int64_t clock_now(void);     /* UTC seconds */
int64_t clock_now_us(void);  /* UTC microseconds */
int64_t clock_mono_us(void); /* monotonic microseconds, for durations */
/* ISO 8601 UTC ("2026-11-22T18:30:00Z") into out (at least 21 bytes) */
void clock_iso(int64_t t, char *out, int n);

#endif
