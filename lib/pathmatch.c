/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>

#include "callgate/pathmatch.h"

int path_normalize(const char *base, const char *path, char *out, size_t size)
{
	size_t len = 0;

	if (size < 2)
		return -ENAMETOOLONG;
	if (path[0] != '/' && base[0] != '/')
		return -EINVAL;
	out[0] = '\0';
	for (int pass = path[0] == '/' ? 1 : 0; pass < 2; pass++) {
		const char *p = pass == 0 ? base : path;

		while (*p) {
			const char *end;
			size_t n;

			while (*p == '/')
				p++;
			if (!*p)
				break;
			end = strchrnul(p, '/');
			n = (size_t)(end - p);
			if (n == 1 && p[0] == '.') {
				/* nothing */
			} else if (n == 2 && p[0] == '.' && p[1] == '.') {
				while (len > 0 && out[len - 1] != '/')
					len--;
				if (len > 0)
					len--; /* the '/' before it */
			} else {
				if (len + 1 + n + 1 > size)
					return -ENAMETOOLONG;
				out[len++] = '/';
				memcpy(out + len, p, n);
				len += n;
			}
			p = end;
		}
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	return (int)len;
}

/* One character against a "[...]" class starting at @p (after '[');
 * @ret_end gets the position after ']'. */
static bool class_match(const char *p, const char *pend, char c, const char **ret_end)
{
	bool negate = false, found = false;
	const char *q = p;

	if (q < pend && (*q == '!' || *q == '^')) {
		negate = true;
		q++;
	}
	for (bool first = true; q < pend && (*q != ']' || first); first = false) {
		char lo = *q, hi = *q;

		if (q + 2 < pend && q[1] == '-' && q[2] != ']') {
			hi = q[2];
			q += 3;
		} else {
			q++;
		}
		if (c >= lo && c <= hi)
			found = true;
	}
	*ret_end = q < pend ? q + 1 : q;
	return found != negate;
}

/* Length of the pattern element at @p (one char, or a whole class). */
static const char *element_end(const char *p, const char *pend)
{
	if (*p == '[') {
		const char *q = p + 1;

		if (q < pend && (*q == '!' || *q == '^'))
			q++;
		if (q < pend && *q == ']')
			q++;
		while (q < pend && *q != ']')
			q++;
		if (q < pend)
			return q + 1;
		return p + 1; /* unterminated: a literal '[' */
	}
	return p + 1;
}

static bool element_match(const char *p, const char *pend, char c)
{
	const char *end;

	if (*p == '?')
		return true;
	if (*p == '[' && element_end(p, pend) != p + 1)
		return class_match(p + 1, pend, c, &end);
	return *p == c;
}

bool path_component_match(const char *p, const char *pend, const char *s, const char *send)
{
	const char *star = NULL, *star_s = NULL;

	while (s < send) {
		if (p < pend && *p == '*') {
			star = ++p;
			star_s = s;
		} else if (p < pend && element_match(p, pend, *s)) {
			p = element_end(p, pend);
			s++;
		} else if (star) {
			p = star;
			s = ++star_s;
		} else {
			return false;
		}
	}
	while (p < pend && *p == '*')
		p++;
	return p == pend;
}

static const char *next_component(const char *p, const char **ret_end)
{
	while (*p == '/')
		p++;
	*ret_end = strchrnul(p, '/');
	return p;
}

bool path_glob_match(const char *pattern, const char *path)
{
	const char *p, *pend, *s, *send;
	const char *star_p = NULL, *star_s = NULL;

	if (pattern[0] != '/' || path[0] != '/')
		return false;
	p = next_component(pattern, &pend);
	s = next_component(path, &send);
	for (;;) {
		bool p_done = *p == '\0', s_done = *s == '\0';

		if (s_done) {
			/* what is left of the pattern must be "**" only */
			while (!p_done && pend - p == 2 && p[0] == '*' && p[1] == '*') {
				p = next_component(pend, &pend);
				p_done = *p == '\0';
			}
			return p_done;
		}
		if (!p_done && pend - p == 2 && p[0] == '*' && p[1] == '*') {
			star_p = p = next_component(pend, &pend);
			star_s = s;
			continue;
		}
		if (!p_done && path_component_match(p, pend, s, send)) {
			p = next_component(pend, &pend);
			s = next_component(send, &send);
			continue;
		}
		if (!star_p)
			return false;
		/* let the last "**" take one more component */
		star_s = next_component(strchrnul(star_s, '/'), &send);
		s = star_s; /* at the end: only a trailing "**" can match now */
		send = strchrnul(s, '/');
		p = star_p;
		pend = strchrnul(p, '/');
	}
}

bool path_patterns_match(char *const *patterns, size_t n, const char *path)
{
	bool positive = false;

	for (size_t i = 0; i < n; i++) {
		if (patterns[i][0] == '!') {
			if (path_glob_match(patterns[i] + 1, path))
				return false;
		} else if (!positive && path_glob_match(patterns[i], path)) {
			positive = true;
		}
	}
	return positive;
}
