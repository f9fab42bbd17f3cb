/*
 * Built-in service table.  Small and sorted by port, searched linearly only
 * when a flow is created or reported, never per packet.
 */
#include "config.h"

#include <stddef.h>

#include "services.h"

#define S_TCP	0x1
#define S_UDP	0x2

static const struct service {
	uint16_t	 port;
	uint8_t		 protos;
	const char	*name;
} services[] = {
	{ 20,	 S_TCP,		"ftp-data" },
	{ 21,	 S_TCP,		"ftp" },
	{ 22,	 S_TCP,		"ssh" },
	{ 23,	 S_TCP,		"telnet" },
	{ 25,	 S_TCP,		"smtp" },
	{ 53,	 S_TCP | S_UDP,	"dns" },
	{ 67,	 S_UDP,		"dhcp" },
	{ 68,	 S_UDP,		"dhcp" },
	{ 69,	 S_UDP,		"tftp" },
	{ 80,	 S_TCP,		"http" },
	{ 104,	 S_TCP,		"dicom" },
	{ 110,	 S_TCP,		"pop3" },
	{ 123,	 S_UDP,		"ntp" },
	{ 137,	 S_UDP,		"netbios-ns" },
	{ 139,	 S_TCP,		"netbios-ssn" },
	{ 143,	 S_TCP,		"imap" },
	{ 161,	 S_UDP,		"snmp" },
	{ 162,	 S_UDP,		"snmp-trap" },
	{ 179,	 S_TCP,		"bgp" },
	{ 389,	 S_TCP | S_UDP,	"ldap" },
	{ 443,	 S_TCP | S_UDP,	"https" },
	{ 445,	 S_TCP,		"smb" },
	{ 514,	 S_UDP,		"syslog" },
	{ 587,	 S_TCP,		"submission" },
	{ 636,	 S_TCP,		"ldaps" },
	{ 853,	 S_TCP,		"dns-over-tls" },
	{ 993,	 S_TCP,		"imaps" },
	{ 995,	 S_TCP,		"pop3s" },
	{ 1883,	 S_TCP,		"mqtt" },
	{ 3306,	 S_TCP,		"mysql" },
	{ 3389,	 S_TCP | S_UDP,	"rdp" },
	{ 5060,	 S_TCP | S_UDP,	"sip" },
	{ 5201,	 S_TCP | S_UDP,	"iperf3" },
	{ 5353,	 S_UDP,		"mdns" },
	{ 5432,	 S_TCP,		"postgresql" },
	{ 5900,	 S_TCP,		"vnc" },
	{ 6379,	 S_TCP,		"redis" },
	{ 8080,	 S_TCP,		"http-alt" },
	{ 11112, S_TCP,		"dicom" },
};

static const struct service *
service_find(uint8_t proto, uint16_t port)
{
	uint8_t want = proto == 6 ? S_TCP : proto == 17 ? S_UDP : 0;
	size_t i;

	for (i = 0; i < sizeof services / sizeof services[0]; i++) {
		if (services[i].port == port && (services[i].protos & want))
			return &services[i];
		if (services[i].port > port)
			break;
	}
	return NULL;
}

const char *
service_name(uint8_t proto, uint16_t port)
{
	const struct service *s = service_find(proto, port);

	return s != NULL ? s->name : NULL;
}

const char *
port_class(uint16_t port)
{
	if (port < 1024)
		return "well-known";
	if (port < 49152)
		return "registered";
	return "ephemeral";
}

bool
port_is_server_like(uint8_t proto, uint16_t port)
{
	return port < 1024 || service_find(proto, port) != NULL;
}
