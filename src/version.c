// SPDX-License-Identifier: MIT
/*
 * The library's own version, compiled in: a program can compare it with the
 * GRO_VERSION of the header it was built against.
 */
#include "gro.h"

#define STR_(x) #x
#define STR(x) STR_(x)

unsigned gro_version(void)
{
	return GRO_VERSION;
}

const char *gro_version_string(void)
{
	return STR(GRO_VERSION_MAJOR) "." STR(GRO_VERSION_MINOR) "." STR(GRO_VERSION_PATCH);
}
