/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SHA-256 against the FIPS 180-4 / NIST example vectors, and incremental
 * hashing in odd pieces against one call. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sha256.h"

static void expect_digest(const char *text, const char *hex)
{
	char got[SHA256_HEX_SIZE];

	sha256_hex(text, strlen(text), got);
	assert_string_equal(got, hex);
}

static void standard_vectors(void **state)
{
	(void)state;
	expect_digest("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	expect_digest("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* 448 bits: the padding spills into a second block */
	expect_digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	expect_digest("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
		      "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void one_million_a(void **state)
{
	char *text = malloc(1000000);
	char got[SHA256_HEX_SIZE];

	(void)state;
	memset(text, 'a', 1000000);
	sha256_hex(text, 1000000, got);
	assert_string_equal(got, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(text);
}

/* Every length around the block boundaries, fed 1, 7 and 64 bytes at a time. */
static void pieces_equal_one_call(void **state)
{
	unsigned char data[200];

	(void)state;
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(i * 31 + 7);
	for (size_t len = 0; len <= sizeof data; len++) {
		static const size_t steps[] = { 1, 7, 64 };
		char whole[SHA256_HEX_SIZE];

		sha256_hex(data, len, whole);
		for (size_t s = 0; s < 3; s++) {
			unsigned char digest[SHA256_DIGEST_SIZE];
			char hex[SHA256_HEX_SIZE];
			struct sha256 ctx;

			sha256_init(&ctx);
			for (size_t at = 0; at < len; at += steps[s])
				sha256_update(&ctx, data + at,
					      len - at < steps[s] ? len - at : steps[s]);
			sha256_final(&ctx, digest);
			sha256_to_hex(digest, hex);
			assert_string_equal(hex, whole);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(standard_vectors),
		cmocka_unit_test(one_million_a),
		cmocka_unit_test(pieces_equal_one_call),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
