/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * LDAP to Active Directory with OpenLDAP's libldap.  TLS is always verified
 * (the CA file or the system store); a password bind happens only over TLS;
 * Kerberos uses SASL GSSAPI with its own integrity and confidentiality.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <lber.h>
#include <ldap.h>
#include <sasl/sasl.h>

#include "ad_ldap.h"
#include "ad_reach.h"
#include "internal.h"

struct ad_ldap {
	LDAP *ld;
	char *uri;
	unsigned timeout;
	unsigned long writes; /* writes tried on this connection: what was read before may be stale */
	bool forsaken;        /* left to the parent process (ad_ldap_forsake) */
	bool unpaged_first;   /* ad_ldap_unpaged_first: no page limit expected */
};

void ad_ldap_unpaged_first(struct ad_ldap *l, bool yes)
{
	l->unpaged_first = yes;
}

unsigned long ad_ldap_writes(const struct ad_ldap *l)
{
	return l->writes;
}

static int close_ldap(struct ad_ldap *l)
{
	if (l->ld != NULL)
		ldap_unbind_ext_s(l->ld, NULL, NULL);
	l->ld = NULL;
	return 0;
}

bool ad_ldap_forsake(struct ad_ldap *l)
{
	int fd = -1, null_fd;
	bool ok;

	if (l->ld == NULL || ldap_get_option(l->ld, LDAP_OPT_DESC, &fd) != LDAP_OPT_SUCCESS ||
	    fd < 0)
		return true;
	l->forsaken = true;
	/* not close(): the number could go to a new socket, which LDAP would then write to */
	null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null_fd < 0)
		return false;
	ok = dup2(null_fd, fd) == fd;
	close(null_fd);
	return ok;
}

const char *ad_ldap_uri(const struct ad_ldap *l)
{
	return l->uri;
}

static const char *diagnostic(LDAP *ld)
{
	char *msg = NULL;

	if (ld != NULL && ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &msg) == 0 && msg &&
	    msg[0] != '\0') {
		static __thread char copy[512];

		snprintf(copy, sizeof(copy), "%s", msg);
		ldap_memfree(msg);
		return copy;
	}
	if (msg != NULL)
		ldap_memfree(msg);
	return NULL;
}

/* An error for LDAP result `rc` during `what`, with advice for the usual causes. */
static int ldap_fail(TALLOC_CTX *mem_ctx, struct gpo_error **reterr, struct ad_ldap *l, int rc,
		     const char *what, const char *dn)
{
	const char *diag = diagnostic(l ? l->ld : NULL);
	const char *advice = "";
	int code = GPO_ERROR;

	switch (rc) {
	case LDAP_SERVER_DOWN:
	case LDAP_TIMEOUT:
	case LDAP_CONNECT_ERROR:
		advice = ": cannot reach the DC (check --dc, the network and --ca-file: a TLS "
			 "certificate that does not verify looks the same)";
		code = GPO_ENET;
		break;
	case LDAP_INVALID_CREDENTIALS:
		advice = ": wrong user name or password";
		break;
	case LDAP_STRONG_AUTH_REQUIRED:
		advice = ": the DC wants TLS or Kerberos for this bind";
		break;
	case LDAP_INSUFFICIENT_ACCESS:
		advice = ": the account lacks the right for this";
		code = GPO_EACCES;
		break;
	case LDAP_UNWILLING_TO_PERFORM:
		advice = ": the DC refuses this (a critical system object?)";
		code = GPO_EACCES;
		break;
	case LDAP_NO_SUCH_OBJECT:
		advice = ": no such object";
		code = GPO_ENOTFOUND;
		break;
	case LDAP_ALREADY_EXISTS:
		code = GPO_EEXIST;
		break;
	case LDAP_LOCAL_ERROR:
		/* -1765328352 is KRB5KRB_AP_ERR_TKT_EXPIRED, which GSSAPI prints as a number */
		if (diag && (strstr(diag, "expired") || strstr(diag, "-1765328352")))
			advice = ": the Kerberos ticket has expired (kinit again)";
		else if (diag && (strstr(diag, "No Kerberos credentials") ||
				  strstr(diag, "No credentials cache")))
			advice = ": no Kerberos ticket (kinit first, or give -U and a password)";
		break;
	default:
		break;
	}
	return gpo_fail(mem_ctx, reterr, code, "LDAP %s%s%s%s on %s failed: %s%s%s%s", what,
			dn ? " of '" : "", dn ? dn : "", dn ? "'" : "", l ? l->uri : "the DC",
			ldap_err2string(rc), advice, diag ? ": " : "", diag ? diag : "");
}

static int sasl_interact(LDAP *ld, unsigned flags, void *defaults, void *in)
{
	sasl_interact_t *it = in;

	(void)ld;
	(void)flags;
	(void)defaults;
	for (; it->id != SASL_CB_LIST_END; it++) {
		it->result = it->defresult ? it->defresult : "";
		it->len = (unsigned)strlen(it->result);
	}
	return LDAP_SUCCESS;
}

/* Protocol, timeouts and TLS: verified, 1.2 at least; Kerberos asks for the name given. */
static void set_options(struct ad_ldap *l, const struct gpo_domain_options *o,
			const struct timeval *tv)
{
	int version = LDAP_VERSION3, demand = LDAP_OPT_X_TLS_DEMAND, zero = 0;
	int tls12 = LDAP_OPT_X_TLS_PROTOCOL_TLS1_2;

	ldap_set_option(l->ld, LDAP_OPT_PROTOCOL_VERSION, &version);
	ldap_set_option(l->ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
	ldap_set_option(l->ld, LDAP_OPT_NETWORK_TIMEOUT, tv);
	ldap_set_option(l->ld, LDAP_OPT_TIMEOUT, tv);
	/* verification is never optional; the CA file only chooses the trust anchors */
	ldap_set_option(l->ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand);
	/* no TLS 1.0 or 1.1: a simple bind sends the password inside */
	ldap_set_option(l->ld, LDAP_OPT_X_TLS_PROTOCOL_MIN, &tls12);
	if (o->ca_file != NULL)
		ldap_set_option(l->ld, LDAP_OPT_X_TLS_CACERTFILE, o->ca_file);
	ldap_set_option(l->ld, LDAP_OPT_X_TLS_NEWCTX, &zero);
	/* the name given is the name Kerberos asks for: no reverse lookup */
	ldap_set_option(l->ld, LDAP_OPT_X_SASL_NOCANON, LDAP_OPT_ON);
}

/*
 * The name a simple bind gives: as typed when it says its domain
 * (user@REALM, DOMAIN\user) or is a DN, else user@REALM, as samba-tool's
 * -U qualifies a bare name (AD refuses a bare name as a wrong password).
 */
static const char *bind_name(TALLOC_CTX *mem_ctx, const struct gpo_domain_options *o)
{
	const char *user = o->user ? o->user : "";

	if (user[0] == '\0' || o->realm == NULL || strpbrk(user, "@\\=") != NULL)
		return user;
	return talloc_asprintf(mem_ctx, "%s@%s", user, o->realm);
}

/* A Kerberos (GSSAPI) bind, or a simple bind with the password over TLS. */
static int bind_identity(TALLOC_CTX *mem_ctx, struct ad_ldap *l,
			 const struct gpo_domain_options *o, const char *password,
			 struct gpo_error **reterr)
{
	bool kerberos = o->auth == GPO_DOMAIN_AUTH_KERBEROS;
	const char *user = kerberos ? NULL : bind_name(l, o);
	int rc;

	if (kerberos) {
		rc = ldap_sasl_interactive_bind_s(l->ld, NULL, "GSSAPI", NULL, NULL, LDAP_SASL_QUIET,
						  sasl_interact, NULL);
	} else {
		struct berval cred;

		if (!o->ldaps) {
			rc = ldap_start_tls_s(l->ld, NULL, NULL);
			if (rc != LDAP_SUCCESS)
				return ldap_fail(mem_ctx, reterr, l, rc, "StartTLS", NULL);
		}
		cred.bv_val = discard_const(password ? password : "");
		cred.bv_len = password ? strlen(password) : 0;
		if (cred.bv_len == 0)
			return gpo_fail(mem_ctx, reterr, GPO_EINVAL,
					"no password for '%s' (and no Kerberos ticket)",
					o->user ? o->user : "");
		if (user == NULL)
			return gpo_oom(mem_ctx, reterr);
		rc = ldap_sasl_bind_s(l->ld, user, LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL);
	}
	if (rc != LDAP_SUCCESS)
		return ldap_fail(mem_ctx, reterr, l, rc,
				 kerberos ? "Kerberos (GSSAPI) bind" : "bind", user);
	return 0;
}

/* Before any connection: what the options ask for that cannot work. */
static int check_options(TALLOC_CTX *mem_ctx, const char *host,
			 const struct gpo_domain_options *o, struct gpo_error **reterr)
{
	/* an explicit CA file is used or refused, never left for LDAPTLS_CACERT's */
	if (o->ca_file != NULL) {
		int rc = ad_ca_file_check(mem_ctx, o->ca_file, reterr);

		if (rc != 0)
			return rc;
	}
	if (o->auth == GPO_DOMAIN_AUTH_KERBEROS && ad_host_is_address(host))
		return gpo_fail(mem_ctx, reterr, GPO_EINVAL, "Kerberos needs the DC's DNS name, "
				"not an address (%s): its tickets name the service ldap/NAME, and "
				"the KDC knows no such name for an address (\"Server not found in "
				"Kerberos database\"); give --dc the DC's name", host);
	return 0;
}

/* libldap says "Can't contact LDAP server" for every cause: find the real one. */
static int unreachable(TALLOC_CTX *mem_ctx, struct ad_ldap *l, const char *host,
		       const struct gpo_domain_options *o, struct gpo_error **reterr)
{
	enum ad_transport t = o->auth == GPO_DOMAIN_AUTH_KERBEROS ? AD_PLAIN
			      : o->ldaps			   ? AD_LDAPS
								   : AD_STARTTLS;
	char *why = ad_reach_diagnose(l, host, t, o->ca_file, l->timeout);

	if (why == NULL)
		return GPO_ENET; /* every step works now: libldap's words stand */
	if (reterr != NULL)
		TALLOC_FREE(*reterr);
	return gpo_fail(mem_ctx, reterr, GPO_ENET, "cannot reach the DC (%s): %s", l->uri, why);
}

int ad_ldap_connect(TALLOC_CTX *mem_ctx, const char *host, const struct gpo_domain_options *o,
		    const char *password, struct ad_ldap **ret, struct gpo_error **reterr)
{
	struct ad_ldap *l;
	bool kerberos = o->auth == GPO_DOMAIN_AUTH_KERBEROS;
	struct timeval tv = { .tv_sec = o->timeout ? o->timeout : 15 };
	int rc = check_options(mem_ctx, host, o, reterr);

	if (rc != 0)
		return rc;
	if ((l = talloc_zero(NULL, struct ad_ldap)) == NULL)
		return gpo_oom(mem_ctx, reterr);
	talloc_set_destructor(l, close_ldap);
	l->timeout = (unsigned)tv.tv_sec;
	/* a host with ':' is an IPv6 address */
	l->uri = talloc_asprintf(l, "%s://%s%s%s", o->ldaps && !kerberos ? "ldaps" : "ldap",
				 strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "");
	if (l->uri == NULL) {
		talloc_free(l);
		return gpo_oom(mem_ctx, reterr);
	}
	rc = ldap_initialize(&l->ld, l->uri);
	if (rc != LDAP_SUCCESS) {
		rc = ldap_fail(mem_ctx, reterr, l, rc, "initialisation", NULL);
		talloc_free(l);
		return rc;
	}
	set_options(l, o, &tv);
	rc = bind_identity(mem_ctx, l, o, password, reterr);
	if (rc == GPO_ENET)
		rc = unreachable(mem_ctx, l, host, o, reterr);
	if (rc != 0) {
		talloc_free(l);
		return rc;
	}
	*ret = talloc_steal(mem_ctx, l);
	return 0;
}

const struct ad_attr *ad_entry_attr(const struct ad_entry *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->n_attrs; i++)
		if (ascii_strcasecmp(e->attrs[i].name, name) == 0)
			return &e->attrs[i];
	return NULL;
}

const char *ad_entry_get(const struct ad_entry *e, const char *name)
{
	const struct ad_attr *a = ad_entry_attr(e, name);

	return a && a->n_values > 0 ? (const char *)a->values[0] : NULL;
}

/* Append the entries of one result message to `entries`. */
static int take_entries(TALLOC_CTX *mem_ctx, LDAP *ld, LDAPMessage *res, struct ad_entry **entries,
			size_t *n)
{
	LDAPMessage *m;
	size_t more = (size_t)ldap_count_entries(ld, res);
	struct ad_entry *grown = talloc_realloc(mem_ctx, *entries, struct ad_entry, *n + more + 1);

	if (grown == NULL)
		return GPO_ENOMEM;
	*entries = grown;
	memset(&grown[*n], 0, (more + 1) * sizeof(*grown));
	for (m = ldap_first_entry(ld, res); m != NULL; m = ldap_next_entry(ld, m)) {
		struct ad_entry *e = &grown[(*n)++];
		BerElement *ber = NULL;
		char *dn = ldap_get_dn(ld, m), *a;

		e->dn = talloc_strdup(grown, dn ? dn : "");
		ldap_memfree(dn);
		for (a = ldap_first_attribute(ld, m, &ber); a != NULL;
		     a = ldap_next_attribute(ld, m, ber)) {
			struct berval **vals = ldap_get_values_len(ld, m, a);
			struct ad_attr *at;
			size_t k, nv = vals ? (size_t)ldap_count_values_len(vals) : 0;

			e->attrs = talloc_realloc(grown, e->attrs, struct ad_attr, e->n_attrs + 1);
			if (e->attrs == NULL)
				return GPO_ENOMEM;
			at = &e->attrs[e->n_attrs++];
			at->name = talloc_strdup(grown, a);
			at->n_values = nv;
			at->values = talloc_zero_array(grown, uint8_t *, nv + 1);
			at->lengths = talloc_zero_array(grown, size_t, nv + 1);
			for (k = 0; at->values != NULL && at->lengths != NULL && k < nv; k++) {
				at->values[k] = talloc_size(grown, vals[k]->bv_len + 1);
				if (at->values[k] == NULL)
					break;
				memcpy(at->values[k], vals[k]->bv_val, vals[k]->bv_len);
				at->values[k][vals[k]->bv_len] = 0;
				at->lengths[k] = vals[k]->bv_len;
			}
			ldap_value_free_len(vals);
			ldap_memfree(a);
			if (at->values == NULL || at->lengths == NULL || k < nv)
				return GPO_ENOMEM;
		}
		if (ber != NULL)
			ber_free(ber, 0);
	}
	return 0;
}

#define PAGE_SIZE 1000

/* Where the next page of a paged search starts, from its result message (NULL: the end). */
static void next_page_cookie(LDAP *ld, LDAPMessage *res, struct berval *cookie)
{
	LDAPControl **returned = NULL;
	int err = 0;

	if (ldap_parse_result(ld, res, &err, NULL, NULL, NULL, &returned, 0) == LDAP_SUCCESS &&
	    returned != NULL) {
		LDAPControl *pr = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, returned, NULL);
		ber_int_t estimate = 0;

		if (pr != NULL)
			ldap_parse_pageresponse_control(ld, pr, &estimate, cookie);
	}
	ldap_controls_free(returned);
}

/*
 * One search request; when `paged`, one page of results from where
 * `cookie` says.  controls[k] is where the page control goes.
 */
static int search_once(struct ad_ldap *l, const char *base, int scope, const char *filter,
		       const char *const *attrs, LDAPControl **controls, int k, bool paged,
		       struct berval *cookie, LDAPMessage **res)
{
	static const int scopes[] = { LDAP_SCOPE_BASE, LDAP_SCOPE_ONELEVEL, LDAP_SCOPE_SUBTREE };
	struct timeval tv = { .tv_sec = l->timeout };
	LDAPControl *page = NULL;
	int rc;

	if (paged) {
		rc = ldap_create_page_control(l->ld, PAGE_SIZE, cookie->bv_val ? cookie : NULL, 0,
					      &page);
		if (rc != LDAP_SUCCESS)
			return rc;
		controls[k] = page;
	}
	rc = ldap_search_ext_s(l->ld, base, scopes[scope], filter, discard_const(attrs), 0,
			       controls[0] ? controls : NULL, NULL, &tv, 0, res);
	if (page != NULL) {
		ldap_control_free(page);
		controls[k] = NULL;
	}
	return rc;
}

/*
 * Every entry of one search into `entries` (grown, counted in `n`): an LDAP
 * result code (LDAP_NO_MEMORY also when ours ran out).
 *
 * Below the base: paged (RFC 2696), since a Windows DC answers with at most
 * MaxPageSize (1 000) entries otherwise; on a DC whose root DSE names Samba,
 * which has no such limit, unpaged, which Samba answers 4 times faster
 * (0.18 s against 0.80 s for 4 000 entries), unless the answer shows a limit.
 */
static int search_all(TALLOC_CTX *mem_ctx, struct ad_ldap *l, const char *base, int scope,
		      const char *filter, const char *const *attrs, LDAPControl **controls,
		      int k, struct ad_entry **entries, size_t *n)
{
	struct berval cookie = { 0, NULL };
	bool paged = scope != 0 && !l->unpaged_first;
	int rc;

	for (;;) {
		LDAPMessage *res = NULL;

		rc = search_once(l, base, scope, filter, attrs, controls, k, paged, &cookie, &res);
		if (!paged && scope != 0 &&
		    (rc == LDAP_SIZELIMIT_EXCEEDED || rc == LDAP_ADMINLIMIT_EXCEEDED)) {
			/* again in pages, and so on this connection */
			ldap_msgfree(res);
			l->unpaged_first = false;
			paged = true;
			continue;
		}
		if (rc == LDAP_SUCCESS && take_entries(mem_ctx, l->ld, res, entries, n) != 0)
			rc = LDAP_NO_MEMORY;
		ber_memfree(cookie.bv_val);
		cookie.bv_val = NULL;
		cookie.bv_len = 0;
		if (rc == LDAP_SUCCESS && paged)
			next_page_cookie(l->ld, res, &cookie);
		ldap_msgfree(res);
		if (rc != LDAP_SUCCESS || cookie.bv_val == NULL || cookie.bv_len == 0)
			break;
	}
	ber_memfree(cookie.bv_val);
	return rc;
}

int ad_ldap_search(TALLOC_CTX *mem_ctx, struct ad_ldap *l, const char *base, int scope,
		   const char *filter, const char *const *attrs, unsigned sd_flags,
		   struct ad_entry **ret_entries, size_t *ret_count, struct gpo_error **reterr)
{
	LDAPControl sd_control, *controls[3] = { NULL, NULL, NULL };
	/* BER SEQUENCE { INTEGER flags }: 1.2.840.113556.1.4.801 */
	char sd_value[5] = { 0x30, 0x03, 0x02, 0x01, (char)sd_flags };
	struct ad_entry *entries = talloc_zero_array(mem_ctx, struct ad_entry, 1);
	size_t n = 0;
	int rc, k = 0;

	if (entries == NULL)
		return gpo_oom(mem_ctx, reterr);
	if (l->forsaken) {
		talloc_free(entries);
		return gpo_fail(mem_ctx, reterr, GPO_ERROR, "internal error: an LDAP search of '%s' "
				"in a --jobs process, which has no LDAP connection (try --jobs 1)",
				base);
	}
	if (sd_flags != 0) {
		sd_control.ldctl_oid = discard_const("1.2.840.113556.1.4.801");
		sd_control.ldctl_value.bv_val = sd_value;
		sd_control.ldctl_value.bv_len = sizeof(sd_value);
		sd_control.ldctl_iscritical = 1;
		controls[k++] = &sd_control;
	}
	rc = search_all(mem_ctx, l, base, scope, filter, attrs, controls, k, &entries, &n);
	if (rc == LDAP_NO_SUCH_OBJECT) {
		talloc_free(entries);
		*ret_entries = NULL;
		*ret_count = 0;
		return 0;
	}
	if (rc != LDAP_SUCCESS) {
		talloc_free(entries);
		return rc == LDAP_NO_MEMORY ? gpo_oom(mem_ctx, reterr)
					    : ldap_fail(mem_ctx, reterr, l, rc, "search", base);
	}
	*ret_entries = entries;
	*ret_count = n;
	return 0;
}

/* LDAPMod array from name/value pairs; values of one name are grouped. */
static LDAPMod **make_mods(TALLOC_CTX *mem_ctx, const char *const *pairs, int op)
{
	LDAPMod **mods = talloc_zero_array(mem_ctx, LDAPMod *, 1);
	size_t n = 0, i, k;

	for (i = 0; mods != NULL && pairs[i] != NULL; i += 2) {
		LDAPMod *m = NULL;
		size_t nv;

		for (k = 0; k < n; k++)
			if (strcmp(mods[k]->mod_type, pairs[i]) == 0)
				m = mods[k];
		if (m == NULL) {
			mods = talloc_realloc(mem_ctx, mods, LDAPMod *, n + 2);
			m = talloc_zero(mods, LDAPMod);
			m->mod_op = op;
			m->mod_type = discard_const(pairs[i]);
			m->mod_values = talloc_zero_array(m, char *, 1);
			mods[n++] = m;
			mods[n] = NULL;
		}
		if (pairs[i + 1] == NULL || (op == LDAP_MOD_REPLACE && pairs[i + 1][0] == '\0'))
			continue; /* replace with no value = delete the attribute */
		for (nv = 0; m->mod_values[nv] != NULL; nv++)
			;
		m->mod_values = talloc_realloc(m, m->mod_values, char *, nv + 2);
		m->mod_values[nv] = discard_const(pairs[i + 1]);
		m->mod_values[nv + 1] = NULL;
	}
	return mods;
}

static int apply_mods(TALLOC_CTX *mem_ctx, struct ad_ldap *l, const char *dn,
		      const char *const *pairs, bool add, struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	LDAPMod **mods = make_mods(tmp, pairs, add ? LDAP_MOD_ADD : LDAP_MOD_REPLACE);
	int rc = mods == NULL ? LDAP_NO_MEMORY
		 : add	      ? ldap_add_ext_s(l->ld, dn, mods, NULL, NULL)
			      : ldap_modify_ext_s(l->ld, dn, mods, NULL, NULL);

	l->writes++;
	talloc_free(tmp);
	if (rc != LDAP_SUCCESS)
		return ldap_fail(mem_ctx, reterr, l, rc, add ? "add" : "change", dn);
	return 0;
}

int ad_ldap_add(TALLOC_CTX *mem_ctx, struct ad_ldap *l, const char *dn, const char *const *pairs,
		struct gpo_error **reterr)
{
	return apply_mods(mem_ctx, l, dn, pairs, true, reterr);
}

int ad_ldap_replace(TALLOC_CTX *mem_ctx, struct ad_ldap *l, const char *dn,
		    const char *const *pairs, struct gpo_error **reterr)
{
	return apply_mods(mem_ctx, l, dn, pairs, false, reterr);
}

int ad_ldap_delete(TALLOC_CTX *mem_ctx, struct ad_ldap *l, const char *dn, bool tree,
		   struct gpo_error **reterr)
{
	/* LDAP_SERVER_TREE_DELETE_OID, no value */
	LDAPControl tree_control = { .ldctl_oid = discard_const("1.2.840.113556.1.4.805"),
				     .ldctl_iscritical = 1 };
	LDAPControl *controls[] = { &tree_control, NULL };
	int rc = ldap_delete_ext_s(l->ld, dn, tree ? controls : NULL, NULL);

	l->writes++;
	if (rc == LDAP_NO_SUCH_OBJECT)
		return gpo_fail(mem_ctx, reterr, GPO_ENOTFOUND, "'%s' does not exist", dn);
	if (rc != LDAP_SUCCESS)
		return ldap_fail(mem_ctx, reterr, l, rc, tree ? "delete (with its children)"
							      : "delete", dn);
	return 0;
}

int ad_ldap_swap(TALLOC_CTX *mem_ctx, struct ad_ldap *l, const char *dn, const char *attr,
		 const char *old, const char *new_value, const char *const *pairs,
		 struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	const char *const none[] = { NULL };
	LDAPMod **repl = make_mods(tmp, pairs ? pairs : none, LDAP_MOD_REPLACE), **mods;
	LDAPMod del = { .mod_op = LDAP_MOD_DELETE, .mod_type = discard_const(attr) };
	LDAPMod add = { .mod_op = LDAP_MOD_ADD, .mod_type = discard_const(attr) };
	char *del_vals[] = { discard_const(old), NULL }, *add_vals[] = { discard_const(new_value), NULL };
	size_t n = 0, i, k = 0;
	int rc;

	del.mod_values = del_vals;
	add.mod_values = add_vals;
	for (n = 0; repl != NULL && repl[n] != NULL; n++)
		;
	mods = talloc_zero_array(tmp, LDAPMod *, n + 3);
	if (repl == NULL || mods == NULL) {
		talloc_free(tmp);
		return gpo_oom(mem_ctx, reterr);
	}
	/* the old value must be there to be deleted, and the new one cannot be added to a
	 * single-valued attribute that still has one: either way a race is refused */
	if (old != NULL)
		mods[k++] = &del;
	if (new_value != NULL)
		mods[k++] = &add;
	for (i = 0; i < n; i++)
		mods[k++] = repl[i];
	rc = ldap_modify_ext_s(l->ld, dn, mods, NULL, NULL);
	l->writes++;
	talloc_free(tmp);
	if (rc == LDAP_NO_SUCH_ATTRIBUTE || rc == LDAP_TYPE_OR_VALUE_EXISTS ||
	    rc == LDAP_CONSTRAINT_VIOLATION)
		return gpo_fail(mem_ctx, reterr, GPO_ECONFLICT, "%s of '%s' is no longer %s%s%s: "
				"someone changed it meanwhile", attr, dn, old ? "'" : "",
				old ? old : "absent", old ? "'" : "");
	if (rc != LDAP_SUCCESS)
		return ldap_fail(mem_ctx, reterr, l, rc, "change", dn);
	return 0;
}

int ad_ldap_set_dacl(TALLOC_CTX *mem_ctx, struct ad_ldap *l, const char *dn, const uint8_t *sd,
		     size_t len, struct gpo_error **reterr)
{
	/* BER SEQUENCE { INTEGER 4 }: DACL_SECURITY_INFORMATION only */
	char flags[5] = { 0x30, 0x03, 0x02, 0x01, 0x04 };
	LDAPControl control = { .ldctl_oid = discard_const("1.2.840.113556.1.4.801"),
				.ldctl_value = { .bv_len = sizeof(flags), .bv_val = flags },
				.ldctl_iscritical = 1 };
	LDAPControl *controls[] = { &control, NULL };
	struct berval value = { .bv_len = len, .bv_val = discard_const(sd) };
	struct berval *values[] = { &value, NULL };
	LDAPMod mod = { .mod_op = LDAP_MOD_REPLACE | LDAP_MOD_BVALUES,
			.mod_type = discard_const("nTSecurityDescriptor"),
			.mod_vals.modv_bvals = values };
	LDAPMod *mods[] = { &mod, NULL };
	int rc = ldap_modify_ext_s(l->ld, dn, mods, controls, NULL);

	l->writes++;

	if (rc != LDAP_SUCCESS)
		return ldap_fail(mem_ctx, reterr, l, rc, "change of the security descriptor", dn);
	return 0;
}
