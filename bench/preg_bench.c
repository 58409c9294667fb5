/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Decode and encode one Registry.pol file repeatedly; print one JSON line:
 * {"impl", "records", "bytes", "iterations", "decode_s", "encode_s", "maxrss_kb"}.
 * Times are per iteration, from CLOCK_MONOTONIC.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	struct gpo_preg_file *f = NULL;
	struct gpo_error *err = NULL;
	struct rusage ru;
	uint8_t *data = NULL, *out = NULL;
	size_t len = 0, out_len = 0, records = 0;
	double t0, dec, enc;
	long i, iterations;

	if (argc != 3) {
		fprintf(stderr, "usage: preg_bench FILE ITERATIONS\n");
		return 2;
	}
	iterations = atol(argv[2]);
	if (gpo_read_file(mem, argv[1], 1u << 30, &data, &len, &err) != 0) {
		fprintf(stderr, "%s\n", err->message);
		return 1;
	}
	t0 = now();
	for (i = 0; i < iterations; i++) {
		TALLOC_CTX *it = talloc_new(mem);

		if (gpo_preg_decode(it, data, len, &f, &err) != 0) {
			fprintf(stderr, "%s\n", err->message);
			return 1;
		}
		records = f->count;
		talloc_free(it);
	}
	dec = (now() - t0) / (double)iterations;
	gpo_preg_decode(mem, data, len, &f, NULL);
	t0 = now();
	for (i = 0; i < iterations; i++) {
		TALLOC_CTX *it = talloc_new(mem);

		if (gpo_preg_encode(it, f, &out, &out_len, NULL) != 0 || out_len != len)
			return 1;
		talloc_free(it);
	}
	enc = (now() - t0) / (double)iterations;
	getrusage(RUSAGE_SELF, &ru);
	printf("{\"impl\": \"gpo-cep\", \"records\": %zu, \"bytes\": %zu, \"iterations\": %ld, "
	       "\"decode_s\": %.9f, \"encode_s\": %.9f, \"maxrss_kb\": %ld}\n",
	       records, len, iterations, dec, enc, ru.ru_maxrss);
	talloc_free(mem);
	return 0;
}
