/*
 * redact.h - what may be shown of a URL and of a message about one:
 * credentials never reach a report, a message or a file name. The one
 * place they are taken out; fetch.c applies it to every fetch error, the
 * tools to every input name they show.
 */
#ifndef GT_REDACT_H
#define GT_REDACT_H

#include <stddef.h>

/* A copy of s safe to print: in every URL inside s (any scheme://, so a
 * URL quoted by libcurl or a redirect counts too) the userinfo's password
 * becomes "***" ("user:***@"; a userinfo without ':' may be a token:
 * "***@"), and so does the value of every query parameter whose name says
 * it is a secret (contains token, pass, secret, key, auth, sig, session,
 * credential, pwd or jwt), in a URL nested in a parameter's value too.
 * Everything else is kept; punctuation after a URL in running text ("URL:
 * reason") is not part of it. Caller frees. */
char *redact_url(const char *s);

/* Redacts msg (a NUL-terminated string in a buffer of cap bytes) in place
 * for a transfer of url: every URL in it as redact_url() does, then every
 * occurrence of a credential given for the transfer blanked to "***": the
 * password of url's userinfo and its secret query values (also
 * percent-decoded), the password of userpwd ("user:pass", may be NULL),
 * and the value of each Authorization, Proxy-Authorization or Cookie
 * header of headers ("Name: value") with its parts (the token after the
 * scheme, each cookie's value). Secrets under 4 bytes are left: they
 * would blank half of any message, and no code formats a secret into
 * one; this catches text from libcurl and servers. */
void redact_message(char *msg, size_t cap, const char *url,
		    const char *userpwd, const char *const *headers,
		    size_t nheaders);

#endif
