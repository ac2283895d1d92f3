/*
 * print.c: aligned table cells for list output, counting UTF-8 characters
 * rather than bytes so "Café" lines up with "Cafe".
 */
#include "core/compat.h"

#include "cli.h"

static size_t u8len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Byte length of the first `chars` characters of s. */
static size_t u8prefix(const char *s, size_t chars)
{
	size_t i = 0;

	while (s[i] && chars) {
		i++;
		while (((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		chars--;
	}
	return i;
}

void cli_cell(const char *s, size_t width)
{
	size_t n;

	if (!s)
		s = "-";
	n = u8len(s);
	if (n > width) {
		printf("%.*s… ", (int)u8prefix(s, width - 1), s);
		return;
	}
	fputs(s, stdout);
	for (; n < width + 1; n++)
		putchar(' ');
}

void cli_cell_right(const char *s, size_t width)
{
	size_t n = u8len(s ? s : "-");

	for (; n < width; n++)
		putchar(' ');
	printf("%s ", s ? s : "-");
}
