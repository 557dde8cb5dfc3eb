/* Devices of companies: /api/v1/devices and /api/v1/companies/{id}/devices. */
#ifndef SUPPORT_DEVICES_H
#define SUPPORT_DEVICES_H

#include "http/router.h"

extern const struct route devices_routes[];

#endif
