/* SPDX-License-Identifier: GPL-2.0-or-later */
/* digest_set.h: hex parsing (64 digits, either case, nothing more or less),
 * put and find (a digest never put is not found, an empty set finds
 * nothing), a second put changes the value and not the count, every digest
 * is found after the table grew many times, and digests sharing their
 * first 8 bytes (the slot key) stay distinct. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/util/digest_set.h"
#include "sha256.h"

#define MANY 5000

/* The sha256 of the decimal text of n. */
static void digest_of(unsigned n, unsigned char digest[SHA256_DIGEST_SIZE])
{
	char text[16];
	struct sha256 ctx;

	snprintf(text, sizeof text, "%u", n);
	sha256_init(&ctx);
	sha256_update(&ctx, text, strlen(text));
	sha256_final(&ctx, digest);
}

static void hex_of_either_case_parses(void **state)
{
	static const char lower[] =
		"00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210";
	static const char upper[] =
		"00112233445566778899AABBCCDDEEFF0123456789ABCDEFFEDCBA9876543210";
	unsigned char a[SHA256_DIGEST_SIZE], b[SHA256_DIGEST_SIZE];

	(void)state;
	assert_true(digest_from_hex(lower, a));
	assert_int_equal(a[0], 0x00);
	assert_int_equal(a[1], 0x11);
	assert_int_equal(a[10], 0xaa);
	assert_int_equal(a[15], 0xff);
	assert_int_equal(a[31], 0x10);
	assert_true(digest_from_hex(upper, b));
	assert_memory_equal(a, b, SHA256_DIGEST_SIZE);
}

static void hex_round_trips_through_sha256_to_hex(void **state)
{
	unsigned char digest[SHA256_DIGEST_SIZE], back[SHA256_DIGEST_SIZE];
	char hex[SHA256_HEX_SIZE];

	(void)state;
	for (unsigned n = 0; n < 50; n++) {
		digest_of(n, digest);
		sha256_to_hex(digest, hex);
		assert_true(digest_from_hex(hex, back));
		assert_memory_equal(digest, back, SHA256_DIGEST_SIZE);
	}
}

static void bad_hex_is_refused(void **state)
{
	static const char good[] =
		"00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210";
	unsigned char d[SHA256_DIGEST_SIZE];
	char text[80];

	(void)state;
	assert_false(digest_from_hex("", d));
	assert_false(digest_from_hex("0", d));
	/* 63 digits, 65 digits, a trailing space */
	snprintf(text, sizeof text, "%.63s", good);
	assert_false(digest_from_hex(text, d));
	snprintf(text, sizeof text, "%s0", good);
	assert_false(digest_from_hex(text, d));
	snprintf(text, sizeof text, "%s ", good);
	assert_false(digest_from_hex(text, d));
	/* a non-digit at the start, the middle, the very end */
	for (size_t at = 0; at < 64; at += 21) {
		memcpy(text, good, sizeof good);
		text[at] = at % 2 ? 'g' : 'x';
		assert_false(digest_from_hex(text, d));
	}
	memcpy(text, good, sizeof good);
	text[63] = 'G';
	assert_false(digest_from_hex(text, d));
	memcpy(text, good, sizeof good);
	text[20] = ' ';
	assert_false(digest_from_hex(text, d));
	assert_true(digest_from_hex(good, d));  /* the template itself is fine */
}

static void an_empty_set_finds_nothing(void **state)
{
	struct digest_set set = { 0 };
	unsigned char d[SHA256_DIGEST_SIZE];

	(void)state;
	digest_of(1, d);
	assert_null(digest_set_find(&set, d));
	digest_set_free(&set);
	assert_int_equal(set.count, 0);
}

static void put_sets_and_overwrites(void **state)
{
	struct digest_set set = { 0 };
	unsigned char a[SHA256_DIGEST_SIZE], b[SHA256_DIGEST_SIZE];
	const struct digest_entry *e;

	(void)state;
	digest_of(1, a);
	digest_of(2, b);
	assert_int_equal(digest_set_put(&set, a, 10), 0);
	assert_non_null(e = digest_set_find(&set, a));
	assert_int_equal(e->value, 10);
	assert_memory_equal(e->digest, a, SHA256_DIGEST_SIZE);
	assert_null(digest_set_find(&set, b));
	assert_int_equal(digest_set_put(&set, a, 0), 0);  /* value 0 is a value */
	assert_int_equal(set.count, 1);
	assert_non_null(e = digest_set_find(&set, a));
	assert_int_equal(e->value, 0);
	digest_set_free(&set);
	assert_null(set.slots);
	assert_int_equal(set.capacity, 0);
}

static void every_digest_is_found_after_growth(void **state)
{
	struct digest_set set = { 0 };
	unsigned char d[SHA256_DIGEST_SIZE];
	const struct digest_entry *e;

	(void)state;
	for (unsigned n = 0; n < MANY; n++) {
		digest_of(n, d);
		assert_int_equal(digest_set_put(&set, d, n * 7), 0);
		assert_true(set.count * 2 <= set.capacity);
	}
	assert_int_equal(set.count, MANY);
	for (unsigned n = 0; n < MANY; n += 2) {
		digest_of(n, d);
		assert_int_equal(digest_set_put(&set, d, n + 1), 0);
	}
	assert_int_equal(set.count, MANY);
	for (unsigned n = 0; n < MANY; n++) {
		digest_of(n, d);
		assert_non_null(e = digest_set_find(&set, d));
		assert_int_equal(e->value, n % 2 ? n * 7 : n + 1);
	}
	digest_of(MANY, d);
	assert_null(digest_set_find(&set, d));
	digest_set_free(&set);
}

/* Digests equal in their first 8 bytes land on one slot and probe on. */
static void digests_sharing_the_slot_key_stay_apart(void **state)
{
	struct digest_set set = { 0 };
	unsigned char d[SHA256_DIGEST_SIZE];
	const struct digest_entry *e;

	(void)state;
	memset(d, 0xab, sizeof d);
	for (unsigned n = 0; n < 3000; n++) {
		d[30] = (unsigned char)(n >> 8);
		d[31] = (unsigned char)n;
		assert_int_equal(digest_set_put(&set, d, n), 0);
	}
	assert_int_equal(set.count, 3000);
	for (unsigned n = 0; n < 3000; n++) {
		d[30] = (unsigned char)(n >> 8);
		d[31] = (unsigned char)n;
		assert_non_null(e = digest_set_find(&set, d));
		assert_int_equal(e->value, n);
	}
	d[30] = 0xff;  /* same slot key, never put */
	assert_null(digest_set_find(&set, d));
	digest_set_free(&set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hex_of_either_case_parses),
		cmocka_unit_test(hex_round_trips_through_sha256_to_hex),
		cmocka_unit_test(bad_hex_is_refused),
		cmocka_unit_test(an_empty_set_finds_nothing),
		cmocka_unit_test(put_sets_and_overwrites),
		cmocka_unit_test(every_digest_is_found_after_growth),
		cmocka_unit_test(digests_sharing_the_slot_key_stay_apart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
