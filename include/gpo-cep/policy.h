/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gpo-cep/policy.h - the certificate enrollment policy model and its JSON
 * form (policy file format version 1, doc/gpo-cep-policy.5).
 *
 * A policy names up to two scopes (computer, user).  Each scope may
 * configure "Certificate Services Client - Certificate Enrollment Policy"
 * (a list of policy servers) and "Certificate Services Client -
 * Auto-Enrollment".  Loading fills every default, so code after the loader
 * never has to know them.
 */
#ifndef GPO_CEP_POLICY_H
#define GPO_CEP_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include <gpo-cep/diag.h>
#include <gpo-cep/error.h>

/* X509EnrollmentAuthFlags: the registry AuthFlags value. */
enum gpo_cep_auth {
	GPO_CEP_AUTH_UNSET = 0,
	GPO_CEP_AUTH_ANONYMOUS = 1,
	GPO_CEP_AUTH_KERBEROS = 2,
	GPO_CEP_AUTH_USERNAME_PASSWORD = 4,
	GPO_CEP_AUTH_CERTIFICATE = 8,
};

/* PolicyServerUrlFlags bits of a server's Flags value. */
#define GPO_CEP_FLAG_CLIENT_ID 0x04u
#define GPO_CEP_FLAG_AUTOENROLL 0x10u
#define GPO_CEP_FLAG_ALLOW_UNTRUSTED_CA 0x20u

/* EnrollmentPolicyFlags bits of PolicyServers\Flags. */
#define GPO_CEP_ROOT_DISABLE_GP_LIST 0x2u
#define GPO_CEP_ROOT_DISABLE_USER_SERVERS 0x4u

/* AEPolicy bits. */
#define GPO_CEP_AE_UPDATE_TEMPLATES 0x1u
#define GPO_CEP_AE_RENEW_EXPIRED 0x6u
#define GPO_CEP_AE_DISABLED 0x8000u

/*
 * Costs.  The Windows editor writes 0x7FFFFFFD, whose bytes Ubuntu adsys
 * takes for part of the next record (doc/clients.md); a server without a
 * cost in the policy file gets a default that every client reads whole and
 * that keeps the LDAP: row after the https servers.
 */
#define GPO_CEP_COST_WINDOWS 0x7FFFFFFDu
#define GPO_CEP_COST_DEFAULT_HTTPS 0xFFFFu
#define GPO_CEP_COST_DEFAULT_LDAP 0x3BFFFFu

#define GPO_CEP_LDAP_URI "LDAP:"
#define GPO_CEP_LDAP_FRIENDLY_NAME "Active Directory Enrollment Policy"
/* The longest friendly name, in characters: from a policy file or a server alike. */
#define GPO_CEP_FRIENDLY_NAME_MAX 1024u
/* The longest GPO display name a policy file may give, in characters. */
#define GPO_CEP_NAME_MAX 256u

struct gpo_cep_server {
	char *uri;              /* "LDAP:" or an https:// URI */
	enum gpo_cep_auth auth; /* never UNSET after loading */
	char *policy_id;        /* NULL: to be filled from the domain or a probe */
	char *friendly_name;    /* never NULL after loading */
	bool friendly_name_default; /* not in the file: the URI's host or the LDAP name */
	bool is_default;        /* exactly one per list after loading */
	bool autoenroll;
	bool client_id;
	bool allow_untrusted_ca;
	uint32_t cost;
};

struct gpo_cep_enrollment {
	bool enabled;
	bool disable_user_servers;
	size_t n_servers;
	struct gpo_cep_server *servers;
};

struct gpo_cep_autoenroll {
	bool enabled;
	bool update_templates;
	bool renew_expired;
	uint32_t expiry_notice_percent;
	char *expiry_notice_stores;
};

struct gpo_cep_scope {
	struct gpo_cep_enrollment *enrollment;      /* NULL: not configured */
	struct gpo_cep_autoenroll *auto_enrollment; /* NULL: not configured */
	bool certificate_stores;
	/*
	 * The file said null for the setting: "not configured" when rendering,
	 * "remove it" when changing an existing GPO.
	 */
	bool remove_enrollment;
	bool remove_auto_enrollment;
};

enum gpo_cep_scope_kind {
	GPO_CEP_COMPUTER = 0,
	GPO_CEP_USER = 1,
};

/* The trustee lists of the policy's "permissions" (doc/domain.md, gpo-cep-policy(5)). */
enum gpo_cep_perm_list {
	GPO_CEP_PERM_APPLY_TO = 0,      /* security filtering: exactly these may apply it */
	GPO_CEP_PERM_DENY_APPLY,        /* exactly these are denied Apply Group Policy */
	GPO_CEP_PERM_READ,              /* each at least Read */
	GPO_CEP_PERM_EDIT,              /* each at least Edit settings */
	GPO_CEP_PERM_EDIT_SECURITY,     /* each Edit settings, delete, modify security */
	GPO_CEP_PERM_LISTS,
};

struct gpo_cep_permissions {
	/* trustees as written: a SID, DOMAIN\name, name@realm or a well-known name */
	char **trustees[GPO_CEP_PERM_LISTS];
	size_t n[GPO_CEP_PERM_LISTS];
	bool given[GPO_CEP_PERM_LISTS]; /* apply_to not given: Authenticated Users */
};

/* "apply_to", "deny_apply", "read", "edit", "edit_delete_modify_security" */
const char *gpo_cep_perm_list_name(enum gpo_cep_perm_list list);

struct gpo_cep_policy {
	char *name;                     /* NULL when the file has none */
	struct gpo_cep_scope *scopes[2]; /* by enum gpo_cep_scope_kind; NULL: absent */
	struct gpo_cep_permissions *permissions; /* NULL: not in the file, the GPO's stay */
};

/* "computer" or "user" */
const char *gpo_cep_scope_name(enum gpo_cep_scope_kind kind);

/* "kerberos", "username_password", ... ; NULL for UNSET */
const char *gpo_cep_auth_name(enum gpo_cep_auth auth);

/* The inverse: UNSET for a name that is none of them. */
enum gpo_cep_auth gpo_cep_auth_from_name(const char *name);

/*
 * Parse a policy file.  `source` names the input in findings (a path).
 * Every finding goes to `diags`; JSON syntax errors carry line and column,
 * all others a JSON pointer.  Returns 0 and the policy when there is no
 * error, GPO_EINVAL when `diags` holds at least one, GPO_ENOMEM.
 *
 * Loading fills defaults and infers `auth` from the URI; a server without
 * `policy_id` is accepted here and reported by gpo_cep_policy_check().
 */
int gpo_cep_policy_parse(TALLOC_CTX *mem_ctx, const char *text, size_t len,
			 struct gpo_cep_policy **ret_policy, struct gpo_diags *diags);

/* What a policy must have before it is encoded. */
enum gpo_cep_check_flags {
	/* every server has its policy_id (offline rendering) */
	GPO_CEP_CHECK_POLICY_IDS = 1 << 0,
	/* every server but LDAP: has its policy_id (publishing: the domain gives LDAP:'s) */
	GPO_CEP_CHECK_SERVER_IDS = 1 << 1,
};

/*
 * Report, as errors in `diags`, what would keep `policy` from being
 * encoded under `flags`.  Returns GPO_EINVAL when it added an error.
 */
int gpo_cep_policy_check(const struct gpo_cep_policy *policy, unsigned flags,
			 struct gpo_diags *diags);

/*
 * Give every LDAP: server that has no policy_id the forest root domain's
 * objectGUID, written "{XXXXXXXX-...}" in upper case.  `guid` may come in
 * any case, with or without braces.  GPO_EINVAL if it is not a GUID.
 */
int gpo_cep_policy_fill_ldap_id(struct gpo_cep_policy *policy, const char *guid,
				struct gpo_error **reterr);

/*
 * The policy as JSON text in the file format (every value explicit, two
 * spaces of indentation, a final newline), allocated on mem_ctx.
 */
int gpo_cep_policy_to_json(TALLOC_CTX *mem_ctx, const struct gpo_cep_policy *policy,
			   char **ret_text, struct gpo_error **reterr);

/*
 * Infer the authentication type from the IIS application name in a CEP
 * URI ("..._CEP_Kerberos/...", "KeyBasedRenewal_..._CEP_Certificate/...").
 * LDAP: is Kerberos.  GPO_CEP_AUTH_UNSET when the URI does not say.
 */
enum gpo_cep_auth gpo_cep_auth_from_uri(const char *uri);

/*
 * The registry subkey name of a server: lower-case hex SHA-1 of the
 * UTF-16LE bytes of the lower-cased URI.  `out` receives 40 characters and
 * a NUL.
 */
int gpo_cep_server_key(const char *uri, char out[41]);

/*
 * A friendly name as it may be stored, whether a policy file or a server
 * gave it: valid UTF-8, at most GPO_CEP_FRIENDLY_NAME_MAX characters, no
 * control character (C0, DEL, C1).  Empty is fine here.  GPO_EINVAL with
 * what is wrong ("contains a control character (\n at character 5)"),
 * worded to follow the name.
 */
int gpo_cep_check_friendly_name(TALLOC_CTX *mem_ctx, const char *name,
				struct gpo_error **reterr);

/* A GPO display name (a policy's "name", create --name): the same rules, not empty, at most GPO_CEP_NAME_MAX characters. */
int gpo_cep_check_gpo_name(TALLOC_CTX *mem_ctx, const char *name, struct gpo_error **reterr);

/*
 * JSON text with DEL and the C1 control characters (U+0080 to U+009F),
 * which JSON allows raw and some terminals obey, written as \u escapes;
 * json-c already escapes C0.  NULL when memory runs out.
 */
char *gpo_json_escape_controls(TALLOC_CTX *mem_ctx, const char *json);

#endif
