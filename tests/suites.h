/* The Check suites of the unit tests; check_main.c runs them all. */
#ifndef TRANSCOPE_TEST_SUITES_H
#define TRANSCOPE_TEST_SUITES_H

#include <check.h>

Suite	*decode_suite(void);
Suite	*flow_suite(void);
Suite	*tcp_suite(void);
Suite	*json_suite(void);
Suite	*truth_suite(void);
Suite	*findings_suite(void);
Suite	*metrics_suite(void);
Suite	*xmalloc_suite(void);
Suite	*udp_suite(void);
Suite	*tunnel_suite(void);
Suite	*linktypes_suite(void);
Suite	*tunnel_report_suite(void);
Suite	*source_suite(void);

#endif
