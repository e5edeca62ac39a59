/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SHA-256 (FIPS 180-4), for the run's manifest lock and content keys. Our
 * dependencies (jansson, libcurl, libyaml) expose no hash, and pulling in a
 * crypto library for one digest is not worth it. */
#ifndef SCALABLE_SHA256_H
#define SCALABLE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32
#define SHA256_HEX_SIZE 65   /* 64 hex digits and a NUL */

struct sha256 {
	uint32_t state[8];
	uint64_t length;           /* bytes hashed so far */
	unsigned char block[64];
	size_t used;               /* bytes waiting in block */
};

void sha256_init(struct sha256 *ctx);
void sha256_update(struct sha256 *ctx, const void *data, size_t len);
/* Finishes the digest; ctx must be initialised again before reuse. */
void sha256_final(struct sha256 *ctx, unsigned char digest[SHA256_DIGEST_SIZE]);

/* Lower-case hex of a digest. */
void sha256_to_hex(const unsigned char digest[SHA256_DIGEST_SIZE], char hex[SHA256_HEX_SIZE]);
/* One call: the hex digest of data[0..len). */
void sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_SIZE]);

#endif
