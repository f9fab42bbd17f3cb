/* Runs every Check suite; the exit status is the number of failures. */
#include <stdlib.h>

#include "suites.h"

int
main(void)
{
	SRunner *sr = srunner_create(decode_suite());
	int failed;

	srunner_add_suite(sr, flow_suite());
	srunner_add_suite(sr, tcp_suite());
	srunner_add_suite(sr, json_suite());
	srunner_add_suite(sr, truth_suite());
	srunner_add_suite(sr, findings_suite());
	srunner_add_suite(sr, metrics_suite());
	srunner_add_suite(sr, xmalloc_suite());
	srunner_add_suite(sr, udp_suite());
	srunner_add_suite(sr, tunnel_suite());
	srunner_add_suite(sr, linktypes_suite());
	srunner_add_suite(sr, tunnel_report_suite());
	srunner_add_suite(sr, source_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
