/* The version the library reports at run time agrees with its header. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "gro.h"

Test(version, number_matches_header)
{
	cr_assert_eq(gro_version(), GRO_VERSION, "gro_version() is the header's GRO_VERSION");
	cr_assert_eq(gro_version() >> 16, GRO_VERSION_MAJOR, "major in bits 16..");
	cr_assert_eq(gro_version() >> 8 & 0xff, GRO_VERSION_MINOR, "minor in bits 8..15");
	cr_assert_eq(gro_version() & 0xff, GRO_VERSION_PATCH, "patch in bits 0..7");
	cr_assert_eq(GRO_VERSION_NUM(1, 2, 3), 0x010203, "GRO_VERSION_NUM packs major.minor.patch");
}

Test(version, string_matches_number)
{
	const char *s = gro_version_string();
	char want[32];

	cr_assert_not_null(s, "gro_version_string() never returns NULL");
	snprintf(want, sizeof(want), "%u.%u.%u", gro_version() >> 16, gro_version() >> 8 & 0xff,
		 gro_version() & 0xff);
	cr_assert_str_eq(s, want, "gro_version_string() spells gro_version()");
}
