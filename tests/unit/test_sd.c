/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Security descriptors: a groupPolicyContainer descriptor captured from a
 * Samba 4.17 DC (samba-tool gpo create), and the SYSVOL ACL Samba's own
 * dsacl2fsacl derives from it (its SDDL aliases spelled out as SIDs).
 */
#include <gpo-cep.h>

#include "gpc_sd.h"
#include "harness.h"
#include "internal.h"
#include "sd_internal.h"

int main(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	uint8_t buf[512];
	size_t len = b64decode(gpc_sd_b64, buf), cut;
	struct gpo_sd *ds = NULL, *fs = NULL;
	char *sddl;

	ok(gpo_sd_parse(mem, buf, len, &ds, NULL) == 0, "parse a GPC descriptor from Samba");
	is_int(ds ? ds->n_aces : 0, 8, "eight DACL entries");
	is_str(ds ? gpo_sid_string(mem, ds->owner) : NULL, DOM "-512", "owner Domain Admins");
	ok(ds && (ds->control & GPO_SD_DACL_PROTECTED), "DACL protected");
	sddl = ds ? gpo_sd_sddl(mem, ds) : NULL;
	contains(sddl, "(OA;CI;0x00000100;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;S-1-5-11)",
		 "Apply Group Policy object ACE with its GUID");
	ok(ds && gpo_sd_ds_to_fs(mem, ds, &fs) == 0, "derive the SYSVOL ACL");
	is_str(fs ? gpo_sd_sddl(mem, fs) : NULL,
	       "O:" DOM "-512G:" DOM "-512D:P"
	       "(A;OICI;0x001f01ff;;;" DOM "-512)"
	       "(A;OICI;0x001f01ff;;;" DOM "-519)"
	       "(A;OICIIO;0x001f01ff;;;S-1-3-0)"
	       "(A;OICI;0x001f01ff;;;" DOM "-512)"
	       "(A;OICI;0x001f01ff;;;S-1-5-18)"
	       "(A;OICI;0x001200a9;;;S-1-5-11)"
	       "(OA;OICI;0x00000000;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;S-1-5-11)"
	       "(A;OICI;0x001200a9;;;S-1-5-9)",
	       "equals Samba's dsacl2fsacl for the same descriptor");
	{
		/* what Windows gives what is inside: every item set to this by acl --repair */
		struct gpo_sid ba = { .revision = 1, .n_sub = 2, .authority = 5, .sub = { 32, 544 } };
		struct gpo_sd *dir = NULL, *file = NULL, *odd = NULL, *kid = NULL;

		ok(fs && sd_inherit(mem, fs, &ba, true, &dir) == 0, "what a folder inside inherits");
		is_str(dir ? gpo_sd_sddl(mem, dir) : NULL,
		       "D:AI"
		       "(A;OICIID;0x001f01ff;;;" DOM "-512)"
		       "(A;OICIID;0x001f01ff;;;" DOM "-519)"
		       "(A;ID;0x001f01ff;;;S-1-5-32-544)"
		       "(A;OICIIOID;0x001f01ff;;;S-1-3-0)"
		       "(A;OICIID;0x001f01ff;;;" DOM "-512)"
		       "(A;OICIID;0x001f01ff;;;S-1-5-18)"
		       "(A;OICIID;0x001200a9;;;S-1-5-11)"
		       "(OA;OICIID;0x00000000;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;S-1-5-11)"
		       "(A;OICIID;0x001200a9;;;S-1-5-9)",
		       "  marked inherited, passed on, CREATOR OWNER as the owner and kept inherit-only");
		ok(dir && sd_inherit(mem, dir, &ba, false, &file) == 0, "what a file in it inherits");
		is_str(file ? gpo_sd_sddl(mem, file) : NULL,
		       "D:AI"
		       "(A;ID;0x001f01ff;;;" DOM "-512)"
		       "(A;ID;0x001f01ff;;;" DOM "-519)"
		       "(A;ID;0x001f01ff;;;S-1-5-32-544)"
		       "(A;ID;0x001f01ff;;;" DOM "-512)"
		       "(A;ID;0x001f01ff;;;S-1-5-18)"
		       "(A;ID;0x001200a9;;;S-1-5-11)"
		       "(OA;ID;0x00000000;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;S-1-5-11)"
		       "(A;ID;0x001200a9;;;S-1-5-9)",
		       "  effective only; the folder's own entry for its owner is not handed down");
		/* object inherit only, container inherit only, no-propagate, a deny */
		ok(gpo_sd_parse_smb_text(mem, "ACL:S-1-1-0:0/1/0x1,ACL:S-1-5-11:0/2/0x2,"
					 "ACL:S-1-5-18:0/7/0x4,ACL:S-1-5-9:1/3/0x8,"
					 "ACL:S-1-5-32-545:0/0/0x10", &odd, NULL) == 0,
		   "a folder with each kind of entry");
		ok(odd && sd_inherit(mem, odd, &ba, true, &kid) == 0, "what a folder in it inherits");
		is_str(kid ? gpo_sd_sddl(mem, kid) : NULL,
		       "D:AI(A;OIIOID;0x00000001;;;S-1-1-0)(A;CIID;0x00000002;;;S-1-5-11)"
		       "(A;ID;0x00000004;;;S-1-5-18)(D;OICIID;0x00000008;;;S-1-5-9)",
		       "  OI: inherit-only, for its files; CI: effective and passed on; NP: "
		       "effective, not passed on; deny kept; no inheritance: nothing");
		ok(odd && sd_inherit(mem, odd, &ba, false, &kid) == 0, "what a file in it inherits");
		is_str(kid ? gpo_sd_sddl(mem, kid) : NULL,
		       "D:AI(A;ID;0x00000001;;;S-1-1-0)(A;ID;0x00000004;;;S-1-5-18)"
		       "(D;ID;0x00000008;;;S-1-5-9)",
		       "  OI entries only (NP too)");
	}
	is_int(gpo_sd_ds_mask_to_file(0x20094), 0x1200a9, "RP|LC|LO|RC -> read/execute");
	is_int(gpo_sd_ds_mask_to_file(0x20), 0x100116, "WP -> write");
	is_int(gpo_sd_ds_mask_to_file(0xF01FF), 0x1F01FF, "full control -> full control");
	is_int(gpo_sd_ds_mask_to_file(0x3), 0x46, "create child, delete child");
	is_int(gpo_sd_ds_mask_to_file(0x100), 0, "control access alone -> nothing");
	{
		struct gpo_sd *canon = NULL, *back = NULL, *fs2 = NULL;
		uint8_t *enc = NULL;
		size_t enc_len = 0;
		bool changed = false;

		ok(gpo_sd_encode(mem, ds, &enc, &enc_len) == 0 && enc_len == len &&
			   memcmp(enc, buf, len) == 0, "encode gives Samba's bytes back");
		ok(gpo_sd_canonical_for_sysvol(mem, ds, &canon, &changed) == 0 && changed,
		   "the GPC descriptor is not yet in SYSVOL order");
		is_int(canon ? canon->n_aces : 0, 7, "the redundant non-inheritable DA entry goes");
		is_str(canon ? gpo_sd_sddl(mem, canon) : NULL,
		       "O:" DOM "-512G:" DOM "-512D:P"
		       "(OA;CI;0x00000100;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;S-1-5-11)"
		       "(A;CIIO;0x000f00ff;;;S-1-3-0)"
		       "(A;CI;0x00020094;;;S-1-5-9)"
		       "(A;CI;0x00020094;;;S-1-5-11)"
		       "(A;CI;0x000f00ff;;;S-1-5-18)"
		       "(A;CI;0x000f00ff;;;" DOM "-512)"
		       "(A;CI;0x000f00ff;;;" DOM "-519)",
		       "the order smbcacls gives the file ACL (as seen on the lab DC)");
		ok(canon && gpo_sd_encode(mem, canon, &enc, &enc_len) == 0 &&
			   gpo_sd_parse(mem, enc, enc_len, &back, NULL) == 0 &&
			   strcmp(gpo_sd_sddl(mem, back), gpo_sd_sddl(mem, canon)) == 0,
		   "encode and parse agree");
		ok(back && gpo_sd_canonical_for_sysvol(mem, back, &canon, &changed) == 0 && !changed,
		   "a canonical descriptor stays as it is");
		ok(back && gpo_sd_ds_to_fs(mem, back, &fs2) == 0 &&
			   strcmp(gpo_sd_sddl(mem, fs2),
				  "O:" DOM "-512G:" DOM "-512D:P"
				  "(OA;OICI;0x00000000;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;S-1-5-11)"
				  "(A;OICIIO;0x001f01ff;;;S-1-3-0)(A;OICI;0x001200a9;;;S-1-5-9)"
				  "(A;OICI;0x001200a9;;;S-1-5-11)(A;OICI;0x001f01ff;;;S-1-5-18)"
				  "(A;OICI;0x001f01ff;;;" DOM "-512)(A;OICI;0x001f01ff;;;" DOM "-519)") == 0,
		   "its file form is what samba-tool gpo aclcheck found on the SYSVOL folder");
		{
			/* a deny of Apply Group Policy first, as Windows orders it */
			struct gpo_sd *denied = talloc_memdup(mem, ds, sizeof(*ds));

			denied->aces = talloc_array(denied, struct gpo_ace, ds->n_aces + 1);
			memcpy(denied->aces + 1, ds->aces, ds->n_aces * sizeof(*ds->aces));
			denied->aces[0] = ds->aces[6];
			denied->aces[0].type = GPO_ACE_DENIED_OBJECT;
			denied->n_aces = ds->n_aces + 1;
			ok(gpo_sd_canonical_for_sysvol(mem, denied, &canon, &changed) == 0 &&
				   canon->n_aces == 8 && canon->aces[0].type == GPO_ACE_DENIED_OBJECT,
			   "a deny before every allow stays first, the allows are sorted");
			denied->aces[0] = denied->aces[1];
			denied->aces[1] = ds->aces[6];
			denied->aces[1].type = GPO_ACE_DENIED_OBJECT;
			ok(gpo_sd_canonical_for_sysvol(mem, denied, &canon, &changed) == GPO_EINVAL,
			   "a deny after an allow: left as it is");
		}
		ds->aces[3].mask = 0x20094; /* the duplicate now grants less: not redundant */
		ok(gpo_sd_canonical_for_sysvol(mem, ds, &canon, &changed) == 0,
		   "different rights are no duplicates");
	}
	for (cut = 0; cut < len; cut += 7) {
		struct gpo_sd *t = NULL;
		uint8_t *copy = talloc_memdup(mem, buf, cut ? cut : 1);

		if (gpo_sd_parse(mem, copy, cut, &t, NULL) == 0 && cut < 0x4c + 8)
			break;
	}
	ok(cut >= len, "every truncation before the DACL's end is refused");
	/* the folder's ACL as libsmbclient shows it, against what the container calls for */
	{
		struct gpo_sd *smb = NULL, *want = fs;
		struct gpo_sd_diff *d = NULL;
		struct gpo_error *err = NULL;
		const char *text =
			"REVISION:1,OWNER:" DOM "-512,GROUP:" DOM "-512,"
			"ACL:" DOM "-512:0/3/0x001f01ff,ACL:" DOM "-519:0/3/0x001f01ff,"
			"ACL:S-1-3-0:0/11/0x001f01ff,ACL:" DOM "-512:0/3/0x001f01ff,"
			"ACL:S-1-5-18:0/3/0x001f01ff,ACL:S-1-5-11:0/3/0x001200a9,"
			"ACL:S-1-5-11:5/3/0x00000000,ACL:S-1-5-9:0/3/0x001200a9";

		ok(gpo_sd_parse_smb_text(mem, text, &smb, &err) == 0 && smb->n_aces == 8,
		   "parse libsmbclient's nt_sec_desc text");
		is_str(smb && smb->n_aces ? gpo_ace_sddl(mem, &smb->aces[2]) : NULL,
		       "(A;OICIIO;0x001f01ff;;;S-1-3-0)", "an entry as SDDL");
		ok(smb && smb->owner && strcmp(gpo_sid_string(mem, smb->owner), DOM "-512") == 0,
		   "owner");
		ok(want && smb && gpo_sd_compare_access(mem, want, smb, &d) == 0,
		   "compare with the derived ACL");
		if (d && want) {
			size_t k;

			for (k = 0; k < d->n_missing; k++)
				printf("# missing %s\n", gpo_ace_sddl(mem, &d->missing[k]));
			for (k = 0; k < d->n_extra; k++)
				printf("# extra %s\n", gpo_ace_sddl(mem, &d->extra[k]));
		}
		ok(d && d->same, "the same access: order, the repeat and object GUIDs aside");
		ok(gpo_sd_parse_smb_text(mem, "REVISION:1,OWNER:S-1-5-32-544,GROUP:" DOM "-512,"
					 "ACL:S-1-1-0:1/3/0x001f01ff,ACL:S-1-5-11:0/3/0x001200a9",
					 &smb, NULL) == 0 &&
			   gpo_sd_compare_access(mem, want, smb, &d) == 0,
		   "a drifted ACL");
		ok(d && !d->same && d->owner_differs && !d->group_differs, "  the owner differs");
		ok(d && d->n_extra == 1 && d->extra[0].type == GPO_ACE_DENIED,
		   "  a deny entry is always a difference");
		ok(d && d->n_missing == 6, "  six entries are missing");
		ok(gpo_sd_parse_smb_text(mem, "REVISION:1,OWNER:LAB\\Domain Admins", &smb, &err) ==
			   GPO_EINVAL && err && strstr(err->message, "near 'OWNER:LAB"),
		   "names instead of SIDs are refused, saying where");
		ok(gpo_sd_parse_smb_text(mem, "ACL:S-1-1-0:0/3/0x1,junk", &smb, NULL) == GPO_EINVAL,
		   "trailing junk is refused");
		ok(gpo_sd_parse_smb_text(mem, "", &smb, NULL) == 0 && smb->n_aces == 0 &&
			   smb->owner == NULL, "an empty text is an empty descriptor");
	}
	talloc_free(mem);
	return tap_done();
}
