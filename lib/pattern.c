/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callgate/pattern.h"

static int bad(char *why, size_t size, const char *msg)
{
	if (why && size)
		snprintf(why, size, "%s", msg);
	return -EINVAL;
}

/* Check one component of a path pattern: [s, e). */
static int check_component(const char *s, const char *e, char *why, size_t size)
{
	size_t n = (size_t)(e - s);

	if (n == 0)
		return bad(why, size,
			   "empty path component ('//'): patterns match normalised paths");
	if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return bad(why, size, "'.' or '..' component: patterns match normalised paths");
	for (const char *c = s; c < e; c++) {
		if (c[0] == '*' && c + 1 < e && c[1] == '*' && n != 2)
			return bad(why, size, "'**' must be a whole path component");
		if (*c == '[') {
			const char *q = c + 1;

			if (q < e && (*q == '!' || *q == '^'))
				q++;
			if (q < e && *q == ']')
				q++; /* a leading ']' is literal */
			while (q < e && *q != ']')
				q++;
			if (q >= e)
				return bad(why, size, "unterminated '[' character class");
			c = q;
		}
	}
	return 0;
}

int path_pattern_check(const char *pat, char *why, size_t why_size)
{
	const char *s, *e;
	size_t len;

	if (*pat == '!')
		pat++;
	len = strlen(pat);
	if (len == 0 || pat[0] != '/')
		return bad(why, why_size, "path pattern must be absolute (start with '/')");
	if (len >= PATTERN_PATH_MAX)
		return bad(why, why_size, "path pattern is longer than PATH_MAX");
	if (len == 1)
		return 0;
	for (s = pat + 1;; s = e + 1) {
		int r;

		e = strchr(s, '/');
		if (!e)
			e = s + strlen(s);
		if (*e == '\0' && e == s)
			return bad(why, why_size, "trailing '/': patterns match normalised paths");
		r = check_component(s, e, why, why_size);
		if (r < 0)
			return r;
		if (*e == '\0')
			return 0;
	}
}

bool pattern_is_glob(char c)
{
	return c == '*' || c == '?' || c == '[';
}

size_t pattern_escape(const char *s, size_t len, char *buf, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += pattern_is_glob(s[i]) ? 3 : 1;
	if (n >= size)
		return n;
	for (size_t i = 0, k = 0; i < len; i++) {
		if (pattern_is_glob(s[i])) {
			buf[k++] = '[';
			buf[k++] = s[i];
			buf[k++] = ']';
		} else {
			buf[k++] = s[i];
		}
	}
	buf[n] = '\0';
	return n;
}
