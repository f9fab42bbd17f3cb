/*
 * Well-known port names and port classes, from a small built-in table (the
 * report must not depend on the host's /etc/services).
 */
#ifndef TRANSCOPE_SERVICES_H
#define TRANSCOPE_SERVICES_H

#include <stdbool.h>
#include <stdint.h>

/* Name of the service on port for protocol 6 or 17, or NULL. */
const char	*service_name(uint8_t proto, uint16_t port);

/* "well-known" (0-1023), "registered" (1024-49151) or "ephemeral". */
const char	*port_class(uint16_t port);

/* Whether port looks like a server's: well-known or in the table. */
bool		 port_is_server_like(uint8_t proto, uint16_t port);

#endif
