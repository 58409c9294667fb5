/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Parse one GetPoliciesResponse repeatedly; print one JSON line:
 * {"templates", "oids", "bytes", "iterations", "parse_s", "maxrss_kb"}.
 * Times are per iteration, from CLOCK_MONOTONIC.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include <gpo-cep.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_xcep_policies *p = NULL;
	struct gpo_error *err = NULL;
	struct rusage ru;
	uint8_t *data = NULL;
	size_t len = 0, templates = 0, named = 0;
	double t0, parse;
	long i, iterations;

	if (argc != 3) {
		fprintf(stderr, "usage: xcep_bench FILE ITERATIONS\n");
		return 2;
	}
	iterations = atol(argv[2]);
	if (iterations < 1 || gpo_read_file(mem, argv[1], 1u << 30, &data, &len, &err) != 0) {
		fprintf(stderr, "%s\n", err ? err->message : "ITERATIONS must be at least 1");
		return 1;
	}
	t0 = now();
	for (i = 0; i < iterations; i++) {
		TALLOC_CTX *it = talloc_new(mem);

		if (gpo_xcep_parse_response(it, data, len, &p, &err) != 0) {
			fprintf(stderr, "%s\n", err->message);
			return 1;
		}
		templates = p->n_templates;
		/* the work must have been done: every template named, its EKUs too */
		for (named = 0; named < p->n_templates && p->templates[named].display_name &&
				p->templates[named].n_ekus == 2 && p->templates[named].ekus[0].name;
		     named++)
			;
		talloc_free(it);
	}
	parse = (now() - t0) / (double)iterations;
	if (named != templates) {
		fprintf(stderr, "template %zu was not fully read\n", named);
		return 1;
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("{\"templates\": %zu, \"bytes\": %zu, \"iterations\": %ld, \"parse_s\": %.9f, "
	       "\"maxrss_kb\": %ld}\n", templates, len, iterations, parse, ru.ru_maxrss);
	talloc_free(mem);
	return 0;
}
