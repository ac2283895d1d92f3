/*
 * sha256.h: SHA-256 (FIPS 180-4) for content hashes of frozen documents and
 * the view digest. Core links no crypto library, so this is self-contained.
 */
#ifndef FACTA_SHA256_H
#define FACTA_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t total;
	unsigned char block[64];
	size_t used;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(unsigned char out[32], struct sha256 *s);
/* Final digest as 64 lowercase hex characters and a NUL. */
void sha256_final_hex(char out[65], struct sha256 *s);

#endif
