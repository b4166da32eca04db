/*
 * redact.c - takes credentials out of URLs and of messages about them.
 * Works on whole strings with no allocation per character: URLs are found
 * by their "://", the userinfo and query split as libcurl splits them.
 */
#define _GNU_SOURCE /* memmem */
#include "redact.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common.h"

/* Query parameters whose value is a credential: substrings of the
 * lower-cased name. Blanking a harmless value costs nothing; showing a
 * token in a CI log is the leak this exists for. */
static int secret_param(const char *name, size_t n)
{
	static const char *const words[] = {
		"token", "pass", "secret", "key", "auth",
		"sig",   "session", "credential", "pwd", "jwt",
	};
	char low[64];
	size_t i;

	if (n >= sizeof low)
		n = sizeof low - 1;
	for (i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	low[n] = '\0';
	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strstr(low, words[i]))
			return 1;
	return 0;
}

/* Where a URL quoted in running text ends. */
static int url_stop(char c)
{
	return (unsigned char)c <= ' ' || c == '"' || c == '\'' || c == '<' ||
	       c == '>' || c == '`' || c == 0x7f;
}

static size_t put(char *out, size_t o, const char *s, size_t n)
{
	memcpy(out + o, s, n);
	return o + n;
}

/* Copies the URL s[a..end) (a is just past "://") redacted; returns o. */
static size_t put_url(char *out, size_t o, const char *s, size_t a,
		      size_t end)
{
	size_t host = a, auth_end = a, k, q, frag;

	while (auth_end < end && s[auth_end] != '/' && s[auth_end] != '?' &&
	       s[auth_end] != '#')
		auth_end++;
	/* the last '@' ends the userinfo, as libcurl parses it */
	for (k = a; k < auth_end; k++)
		if (s[k] == '@')
			host = k + 1;
	if (host > a) {
		const char *colon = memchr(s + a, ':', host - 1 - a);

		if (colon)
			o = put(out, o, s + a, (size_t)(colon + 1 - (s + a)));
		o = put(out, o, "***@", 4);
	}
	o = put(out, o, s + host, auth_end - host);
	for (q = auth_end; q < end && s[q] != '?' && s[q] != '#'; q++)
		;
	for (frag = q; frag < end && s[frag] != '#'; frag++)
		;
	o = put(out, o, s + auth_end, q - auth_end);
	if (q < frag) {
		/* "?a=1&token=x" */
		k = q + 1;
		o = put(out, o, "?", 1);
		while (k < frag) {
			size_t pe = k, eq;

			while (pe < frag && s[pe] != '&' && s[pe] != ';')
				pe++;
			for (eq = k; eq < pe && s[eq] != '='; eq++)
				;
			if (eq < pe && secret_param(s + k, eq - k)) {
				o = put(out, o, s + k, eq + 1 - k);
				o = put(out, o, "***", 3);
			} else if (eq < pe &&
				   memmem(s + eq, pe - eq, "://", 3)) {
				/* "?next=http://u:pw@host/": a URL in a value */
				char *v = gt_strndup(s + eq + 1, pe - eq - 1),
				     *d = redact_url(v);

				o = put(out, o, s + k, eq + 1 - k);
				o = put(out, o, d, strlen(d));
				free(d);
				free(v);
			} else {
				o = put(out, o, s + k, pe - k);
			}
			if (pe < frag)
				o = put(out, o, s + pe, 1);
			k = pe + 1;
		}
	}
	return put(out, o, s + frag, end - frag);
}

char *redact_url(const char *s)
{
	size_t n = strlen(s), i = 0, o = 0;
	/* each redaction adds at most 3 bytes and needs at least one '@',
	 * '=' or ':' of the input */
	char *out = gt_malloc(4 * n + 16);
	const char *sep;

	while (i < n && (sep = strstr(s + i, "://")) != NULL) {
		size_t a = (size_t)(sep - s) + 3, end = a;

		while (end < n && !url_stop(s[end]))
			end++;
		/* "URL: reason", "(URL)." in running text: the punctuation
		 * after a URL is not part of it */
		while (end > a && strchr(":,.;)!?", s[end - 1]))
			end--;
		o = put(out, o, s + i, a - i);
		o = put_url(out, o, s, a, end);
		i = end;
	}
	o = put(out, o, s + i, n - i);
	out[o] = '\0';
	return out;
}

/* Blanks every occurrence of one secret in msg. Shorter ones are left:
 * two characters would blank half of any message, and the code never
 * formats a secret into one; this is for text from libcurl and servers. */
static void scrub(char *msg, const char *sec, size_t len)
{
	char *p = msg;
	size_t n;

	if (len < 4)
		return;
	n = strlen(msg);
	while ((p = memmem(p, n - (size_t)(p - msg), sec, len)) != NULL) {
		memcpy(p, "***", 3);
		memmove(p + 3, p + len, n - (size_t)(p + len - msg) + 1);
		n -= len - 3;
		p += 3;
	}
}

static int hexval(char c)
{
	if (isdigit((unsigned char)c))
		return c - '0';
	if (isxdigit((unsigned char)c))
		return tolower((unsigned char)c) - 'a' + 10;
	return -1;
}

/* A secret as given and, percent-decoded, as libcurl may quote it. */
static void scrub_both(char *msg, const char *sec, size_t len)
{
	char dec[512];
	size_t i, n = 0;

	scrub(msg, sec, len);
	if (memchr(sec, '%', len) == NULL || len >= sizeof dec)
		return;
	for (i = 0; i < len; i++) {
		if (sec[i] == '%' && i + 2 < len && hexval(sec[i + 1]) >= 0 &&
		    hexval(sec[i + 2]) >= 0) {
			dec[n++] = (char)(hexval(sec[i + 1]) * 16 +
					  hexval(sec[i + 2]));
			i += 2;
		} else {
			dec[n++] = sec[i];
		}
	}
	scrub(msg, dec, n);
}

/* The credentials of one URL: its userinfo password and secret query
 * values. */
static void scrub_url(char *msg, const char *url)
{
	const char *a = strstr(url, "://"), *end, *at = NULL, *k, *colon;

	if (a == NULL)
		return;
	a += 3;
	end = a + strcspn(a, "/?#");
	for (k = a; k < end; k++)
		if (*k == '@')
			at = k;
	if (at) {
		colon = memchr(a, ':', (size_t)(at - a));
		if (colon)
			scrub_both(msg, colon + 1, (size_t)(at - colon - 1));
		else
			scrub_both(msg, a, (size_t)(at - a));
	}
	end += strcspn(end, "?#");
	if (*end != '?')
		return;
	for (k = end + 1; *k && *k != '#';) {
		size_t pl = strcspn(k, "&;#"), nl = strcspn(k, "=&;#");

		if (nl < pl && secret_param(k, nl))
			scrub_both(msg, k + nl + 1, pl - nl - 1);
		k += pl;
		if (*k == '&' || *k == ';')
			k++;
	}
}

/* The value of a credential header ("Authorization: Bearer x"): all of it
 * and its parts (the token after the scheme, each cookie's value). */
static void scrub_header(char *msg, const char *h)
{
	static const char *const names[] = {"authorization",
					    "proxy-authorization", "cookie"};
	size_t nl = strcspn(h, ":"), i, vl;
	const char *v;
	int hit = 0;

	while (nl > 0 && h[nl - 1] == ' ')
		nl--;
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i]) == nl && strncasecmp(h, names[i], nl) == 0)
			hit = 1;
	if (!hit || h[strcspn(h, ":")] != ':')
		return;
	v = h + strcspn(h, ":") + 1;
	v += strspn(v, " \t");
	vl = strlen(v);
	while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
		vl--;
	scrub(msg, v, vl);
	while (vl > 0) {
		/* "Bearer x", "a=1; b=2": each value after a space or '=' */
		size_t part = strcspn(v, " ;,=");

		if (part >= vl)
			break;
		v += part + 1;
		vl -= part + 1;
		part = strcspn(v, " ;,");
		scrub(msg, v, part < vl ? part : vl);
	}
}

void redact_message(char *msg, size_t cap, const char *url,
		    const char *userpwd, const char *const *headers,
		    size_t nheaders)
{
	char *d = redact_url(msg);
	size_t i;

	snprintf(msg, cap, "%s", d);
	free(d);
	if (url)
		scrub_url(msg, url);
	if (userpwd) {
		const char *c = strchr(userpwd, ':');

		if (c)
			scrub(msg, c + 1, strlen(c + 1));
		else
			scrub(msg, userpwd, strlen(userpwd));
	}
	for (i = 0; i < nheaders; i++)
		scrub_header(msg, headers[i]);
}
