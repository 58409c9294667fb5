/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Prints the version of the shared library it is linked with. */
#include <stdio.h>

#include <gpo-cep.h>

int main(void)
{
	return puts(gpo_cep_version()) < 0;
}
