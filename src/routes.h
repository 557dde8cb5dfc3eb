/* The wiring of the domains, in routes.c: their route tables (declared in
 * http/router.h, where the router reads them) and the hooks by which a
 * lower domain lets a higher one act (docs/architecture.md). */
#ifndef ROUTES_H
#define ROUTES_H

/* registers every domain's hooks; once, at start-up, before any thread */
void app_hooks_register(void);

#endif
