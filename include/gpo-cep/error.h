/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gpo-cep/error.h - error codes and the error object every library call
 * hands back.
 *
 * Conventions (see README.md, "Library conventions"):
 *  - a library function returns 0 or one negative enum gpo_err value;
 *  - its last parameter is `struct gpo_error **reterr`, which may be NULL;
 *    on failure, when not NULL, it receives an error allocated on the
 *    caller's talloc context; on success it is left untouched;
 *  - the library never prints: only the command's main reports errors.
 */
#ifndef GPO_CEP_ERROR_H
#define GPO_CEP_ERROR_H

#include <stdint.h>
#include <talloc.h>

enum gpo_err {
	GPO_OK = 0,
	GPO_ERROR = -1,     /* generic failure; the message says what */
	GPO_ENOMEM = -2,    /* out of memory */
	GPO_EINVAL = -3,    /* invalid input: a file or value that breaks its format */
	GPO_ENOTFOUND = -4, /* a named object does not exist */
	GPO_EEXIST = -5,    /* refused to replace something that exists */
	GPO_EIO = -6,       /* a system call failed; the message names the path */
	GPO_ECONFLICT = -7, /* the object changed between reading and writing it */
	GPO_ENET = -8,      /* a server could not be reached or its TLS identity verified */
	GPO_EAUTH = -9,     /* a server refused our credentials, or we had none to offer */
	GPO_EPROTO = -10,   /* a server answered, but not with what the protocol promises */
	GPO_EACCES = -11,   /* the account lacks a right; nothing was changed */
	GPO_EPARTIAL = -12, /* a change stopped part-way; the message says what was done */
};

/*
 * One error.  `message` follows the git grammar: lower case, no final full
 * stop, what failed first ("cannot open 'x': No such file or directory").
 * `offset` is a byte offset into the input where that is meaningful, or -1.
 */
struct gpo_error {
	int code;
	char *message;
	int64_t offset;
};

/* A short static description of a code ("invalid input"). */
const char *gpo_strerror(int code);

#endif
