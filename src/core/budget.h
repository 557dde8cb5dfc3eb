/* A request's time budget: the server starts it when a request is
 * dispatched, on the thread that runs the handler; long loops (recurrence
 * expansion, report building, imports) ask budget_spent() and stop with
 * E_TIMEOUT. Threads that never started one (workers, tools) are unlimited. */
#ifndef CORE_BUDGET_H
#define CORE_BUDGET_H

#include <stdint.h>

/* ms of work from now on this thread; 0 = no limit */
void budget_start(int ms);
void budget_stop(void);
/* 1 once the deadline has passed */
int budget_spent(void);
int budget_ms(void); /* the budget started, for messages (0: none) */

#endif
