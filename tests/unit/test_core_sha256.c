/*
 * test_core_sha256.c: core/sha256.c against the FIPS 180-4 example vectors,
 * padding boundaries and arbitrary splits of the input.
 */
#include "core/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "core/sha256.h"

static void hash_hex(char out[65], const void *data, size_t len)
{
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, data, len);
	sha256_final_hex(out, &s);
}

static void test_vectors(void **state)
{
	static const struct {
		const char *in, *hex;
	} cases[] = {
	    {"", "e3b0c44298fc1c149afbf4c8996fb924"
		 "27ae41e4649b934ca495991b7852b855"},
	    {"abc", "ba7816bf8f01cfea414140de5dae2223"
		    "b00361a396177a9cb410ff61f20015ad"},
	    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	     "248d6a61d20638b8e5c026930c3e6039"
	     "a33ce45964ff2167f6ecedd419db06c1"},
	    {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmn"
	     "oijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	     "cf5b16a778af8380036ce59e7b049237"
	     "0b249b11e8f07a51afac45037afee9d1"},
	};
	char hex[65];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		hash_hex(hex, cases[i].in, strlen(cases[i].in));
		assert_string_equal(hex, cases[i].hex);
	}
}

static void test_million_a(void **state)
{
	unsigned char chunk[1000];
	struct sha256 s;
	char hex[65];

	(void)state;
	memset(chunk, 'a', sizeof(chunk));
	sha256_init(&s);
	for (int i = 0; i < 1000; i++)
		sha256_update(&s, chunk, sizeof(chunk));
	sha256_final_hex(hex, &s);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
				 "f1809a48a497200e046d39ccc7112cd0");
}

/* Message lengths around the 55/56/64-byte padding edges. */
static void test_padding(void **state)
{
	static const struct {
		size_t n;
		const char *hex;
	} cases[] = {
	    {55, "9f4390f8d30c2dd92ec9f095b65e2b9a"
		 "e9b0a925a5258e241c9f1e910f734318"},
	    {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f"
		 "590ce20f1bde7090ef7970686ec6738a"},
	    {63, "7d3e74a05d7db15bce4ad9ec0658ea98"
		 "e3f06eeecf16b4c6fff2da457ddc2f34"},
	    {64, "ffe054fe7ae0cb6dc65c3af9b61d5209"
		 "f439851db43d0ba5997337df154668eb"},
	    {65, "635361c48bb9eab14198e76ea8ab7f1a"
		 "41685d6ad62aa9146d301d4f17eb0ae0"},
	    {119, "31eba51c313a5c08226adf18d4a359cf"
		  "dfd8d2e816b13f4af952f7ea6584dcfb"},
	    {120, "2f3d335432c70b580af0e8e1b3674a7c"
		  "020d683aa5f73aaaedfdc55af904c21c"},
	    {128, "6836cf13bac400e9105071cd6af47084"
		  "dfacad4e5e302c94bfed24e013afb73e"},
	};
	char a[128], hex[65];

	(void)state;
	memset(a, 'a', sizeof(a));
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		hash_hex(hex, a, cases[i].n);
		assert_string_equal(hex, cases[i].hex);
	}
}

/* Feeding the same bytes in any pieces gives the same digest. */
static void test_splits(void **state)
{
	unsigned char data[1024], one[32], two[32];
	struct sha256 s;
	char hex[65];

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)i;
	hash_hex(hex, data, sizeof(data));
	assert_string_equal(hex, "785b0751fc2c53dc14a4ce3d800e69ef"
				 "9ce1009eb327ccf458afe09c242c26c9");
	for (size_t len = 0; len <= 200; len += 7) {
		sha256_init(&s);
		sha256_update(&s, data, len);
		sha256_final(one, &s);
		for (size_t cut = 0; cut <= len; cut++) {
			sha256_init(&s);
			sha256_update(&s, data, cut);
			sha256_update(&s, NULL, 0);
			sha256_update(&s, data + cut, len - cut);
			sha256_final(two, &s);
			assert_memory_equal(one, two, sizeof(one));
		}
	}
	/* Byte by byte. */
	sha256_init(&s);
	for (size_t i = 0; i < sizeof(data); i++)
		sha256_update(&s, data + i, 1);
	sha256_final_hex(hex, &s);
	assert_string_equal(hex, "785b0751fc2c53dc14a4ce3d800e69ef"
				 "9ce1009eb327ccf458afe09c242c26c9");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vectors),
	    cmocka_unit_test(test_million_a),
	    cmocka_unit_test(test_padding),
	    cmocka_unit_test(test_splits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
