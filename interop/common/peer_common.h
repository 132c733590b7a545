/* peer_common.h: the command line and the output lines shared by usctp's two C test peers,
 * interop/usrsctp/peer/usrsctp_peer.c (usrsctp) and interop/kernel/peer/kernel_peer.c (Linux
 * kernel SCTP). Include it after the stack's own header (usrsctp.h or netinet/sctp.h): both
 * name the RFC 6458 structures alike, so the notification printer here serves both.
 *
 * Output (stdout, one line each, fields key=value):
 *   up role=R in=N out=N pr=N reconf=N auth=N asconf=N
 *                                            the association is established (the
 *                                            extensions: 1 when in force)
 *   msg sid=S ssn=N ppid=P len=L idx=I pieces=K eor
 *                                            one complete message (idx: the sender's message
 *                                            number, in the first 4 bytes; pieces: the reads it
 *                                            took, >1 when delivered in parts); "partial"
 *                                            instead of "eor" when it ended unfinished
 *   event assoc_change state=S in=N out=N    and the events below, one line each
 *   event shutdown
 *   event send_failed flags=sent|unsent error=E sid=S len=L idx=I abandoned
 *   event stream_reset flags=incoming,outgoing,denied,failed streams=1,2|all
 *   event stream_change flags=F in=N out=N
 *   event assoc_reset flags=F local_tsn=T remote_tsn=T
 *   event partial_delivery indication=aborted|N sid=S seq=N
 *   event paddr_change state=added|removed|made_prim|confirmed|... addr=A error=E
 *   event auth indication=new_key|no_auth|free_key|N key=K
 *                                            (with --auth-chunks, --hmac or --asconf)
 *   action NAME ok|error=MSG                 the result of a --reset-streams/--add-streams/...
 *   summary role=R sent=N received=N bytes=B abandoned=N events=N [stack-specific fields]
 *                                            abandoned: SCTP_SEND_FAILED_EVENTs (usrsctp sends
 *                                            several for a large message, one per run of
 *                                            fragments; Linux not for every abandoned one)
 * Diagnostics go to stderr. Exit status: 0 ok, 1 an error (no association, a send or an action
 * failed), 2 usage.
 */
#ifndef PEER_COMMON_H
#define PEER_COMMON_H

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_RESET 64
#define MAX_AUTH_CHUNKS 16

struct opts {
	int server;
	const char *laddr, *raddr;
	unsigned lport, rport;
	unsigned udp, rudp; /* UDP encapsulation ports; rudp 0 = raw IP */
	unsigned streams;   /* outgoing streams asked for in INIT */
	unsigned long count;
	size_t size;
	unsigned sid, ppid, interval_ms;
	int pr_policy; /* 0 none, 1 ttl, 2 rtx */
	unsigned pr_value;
	int reset_dir; /* bit 1 outgoing, bit 2 incoming; 0: no reset */
	unsigned nreset;
	uint16_t reset_list[MAX_RESET];
	int reset_assoc;
	int add_out, add_in; /* -1: no --add-streams */
	int echo;
	size_t rcvbuf, sndbuf;
	long hold_ms; /* -1: default */
	unsigned timeout_s;
	unsigned rto_init, rto_min, rto_max; /* 0: stack default */
	int verbose;
	unsigned n_auth; /* chunk types the peer must authenticate (SCTP_AUTH_CHUNK) */
	uint8_t auth_chunks[MAX_AUTH_CHUNKS];
	unsigned hmac;                               /* HMAC id offered first; 0: default */
	int asconf;                                  /* offer ASCONF (RFC 5061) and AUTH */
	const char *bindx_add, *peer_primary, *bindx_rem; /* the address steps */
	unsigned long send_after;                    /* messages sent after the steps */
	unsigned step_ms;                            /* receiving after each step */
	unsigned long ping_ms;                       /* client: ping-pong for this long */
	int idata;                                   /* offer I-DATA (RFC 8260) */
	size_t also_size;                            /* --also: one more message ... */
	unsigned also_sid;                           /* ... on this stream */
	int sched_rr;                                /* --sched: -1 stack default, 0 fcfs, 1 rr */
};

static const char peer_usage[] =
	"usage: %s --role client|server [options]\n"
	"  --local ADDR        local address to bind (default: any)\n"
	"  --lport PORT        local SCTP port (server default 5001, client ephemeral)\n"
	"  --remote ADDR       the server's address (client)\n"
	"  --port PORT         the server's SCTP port (default 5001)\n"
	"  --udp PORT          local UDP encapsulation port, RFC 6951 (default %u; 0: raw IP)\n"
	"  --rudp PORT         the peer's UDP encapsulation port (default: --udp; 0: raw IP)\n"
	"  --streams N         outgoing streams to ask for (default 10)\n"
	"  --rto INIT,MIN,MAX  RTO parameters in ms (SCTP_RTOINFO)\n"
	"  --send N            send N messages once up (default 0)\n"
	"  --size BYTES        message size, k/m suffixes (KiB/MiB; default 1000)\n"
	"  --stream SID        stream to send on (default 0)\n"
	"  --ppid N            payload protocol identifier (default 0)\n"
	"  --interval MS       pause between two messages (default 0)\n"
	"  --pr ttl:MS|rtx:N   PR-SCTP policy of the messages (SCTP_PR_SCTP_TTL / _RTX)\n"
	"  --reset-streams [in:|out:|both:]LIST\n"
	"                      after sending: reset these streams (LIST: 1,2,... or all;\n"
	"                      default direction out) (SCTP_RESET_STREAMS)\n"
	"  --reset-assoc       then reset the association's TSNs (SCTP_RESET_ASSOC)\n"
	"  --add-streams OUT,IN then add streams (SCTP_ADD_STREAMS)\n"
	"  --echo              send every received message back (same stream and ppid)\n"
	"  --rcvbuf BYTES      receive buffer (SO_RCVBUF); a message larger than it arrives in parts\n"
	"  --sndbuf BYTES      send buffer (SO_SNDBUF; default: large enough for --size)\n"
	"  --hold MS           after the actions, go on receiving for MS, then close (client\n"
	"                      default 1000; server default: until the peer ends the association)\n"
	"  --timeout S         give up after S seconds in all (default 60)\n"
	"  -v, --verbose       one line per read too (\"piece sid=.. len=..\")\n"
	"  --auth-chunks LIST  AUTH (RFC 4895): require these chunk types authenticated by the\n"
	"                      other end (SCTP_AUTH_CHUNK; e.g. 0 for DATA)\n"
	"  --hmac sha1|sha256  AUTH: offer only SHA-1, or SHA-256 first and then SHA-1\n"
	"                      (SCTP_HMAC_IDENT; usrsctp has SHA-1 only)\n"
	"  --asconf            offer ASCONF (RFC 5061) with AUTH\n"
	"  --bindx-add ADDR    after the other actions: add ADDR to the association (sctp_bindx\n"
	"                      SCTP_BINDX_ADD_ADDR: ASCONF ADD-IP); bind --local first\n"
	"  --peer-primary ADDR then ask the peer to make our ADDR its primary\n"
	"                      (SCTP_SET_PEER_PRIMARY_ADDR: ASCONF SET-PRIMARY)\n"
	"  --bindx-rem ADDR    then remove ADDR (SCTP_BINDX_REM_ADDR: ASCONF DELETE-IP)\n"
	"  --step MS           receive for MS after each of those steps (default 1000)\n"
	"  --send-after N      then send N more messages (their idx follow --send's)\n"
	"  --ping MS           client, instead of the actions: send a --size message, wait for\n"
	"                      its echo, again for MS; print round-trip percentiles (usrsctp\n"
	"                      peer only)\n"
	"  --also SIZE,SID     right after --send's messages, one more of SIZE bytes on stream\n"
	"                      SID (its idx follows theirs)\n"
	"  --idata             offer I-DATA, RFC 8260 (SCTP_FRAGMENT_INTERLEAVE 2, then\n"
	"                      SCTP_INTERLEAVING_SUPPORTED); messages are read per stream\n"
	"  --sched fcfs|rr     stream scheduler (SCTP_STREAM_SCHEDULER; Linux only: its\n"
	"                      default, fcfs, sends a message's fragments before the next's)\n"
	"  -h, --help\n"
	"PR-SCTP and stream reconfiguration (all of SCTP_ENABLE_RESET_STREAM_REQ, _RESET_ASSOC_REQ,\n"
	"_CHANGE_ASSOC_REQ) are always enabled; every notification is subscribed to and printed.\n";

static void usage_exit(const char *prog, unsigned udp_default, int code)
{
	fprintf(code ? stderr : stdout, peer_usage, prog, udp_default);
	exit(code);
}

static unsigned long parse_num(const char *s, const char *what)
{
	char *end;
	unsigned long v;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s)
		goto bad;
	if (*end == 'k' || *end == 'K')
		v <<= 10, end++;
	else if (*end == 'm' || *end == 'M')
		v <<= 20, end++;
	if (*end == '\0')
		return v;
bad:
	fprintf(stderr, "bad %s: %s\n", what, s);
	exit(2);
}

static void parse_list(struct opts *o, const char *s)
{
	if (strncmp(s, "in:", 3) == 0)
		o->reset_dir = 2, s += 3;
	else if (strncmp(s, "out:", 4) == 0)
		o->reset_dir = 1, s += 4;
	else if (strncmp(s, "both:", 5) == 0)
		o->reset_dir = 3, s += 5;
	else
		o->reset_dir = 1;
	if (strcmp(s, "all") == 0)
		return;
	char buf[256], *tok, *save;
	snprintf(buf, sizeof buf, "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (o->nreset == MAX_RESET) {
			fprintf(stderr, "at most %d streams to reset\n", MAX_RESET);
			exit(2);
		}
		o->reset_list[o->nreset++] = (uint16_t)parse_num(tok, "stream");
	}
}

static void parse_auth_chunks(struct opts *o, const char *s)
{
	char buf[256], *tok, *save;
	snprintf(buf, sizeof buf, "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned long t = parse_num(tok, "chunk type");
		if (o->n_auth == MAX_AUTH_CHUNKS || t > 255) {
			fprintf(stderr, "--auth-chunks: at most %d types of 0..255\n", MAX_AUTH_CHUNKS);
			exit(2);
		}
		o->auth_chunks[o->n_auth++] = (uint8_t)t;
	}
}

static void parse_args(struct opts *o, int argc, char **argv, unsigned udp_default)
{
	static const struct option lo[] = {
		{"role", 1, 0, 'r'}, {"local", 1, 0, 'l'}, {"lport", 1, 0, 'L'},
		{"remote", 1, 0, 'a'}, {"port", 1, 0, 'p'}, {"udp", 1, 0, 'u'},
		{"rudp", 1, 0, 'U'}, {"streams", 1, 0, 'S'}, {"rto", 1, 0, 'T'},
		{"send", 1, 0, 'n'}, {"size", 1, 0, 's'}, {"stream", 1, 0, 'i'},
		{"ppid", 1, 0, 'P'}, {"interval", 1, 0, 'I'}, {"pr", 1, 0, 'R'},
		{"reset-streams", 1, 0, 'x'}, {"reset-assoc", 0, 0, 'X'},
		{"add-streams", 1, 0, 'A'}, {"echo", 0, 0, 'e'}, {"rcvbuf", 1, 0, 'b'},
		{"sndbuf", 1, 0, 'B'}, {"hold", 1, 0, 'H'}, {"timeout", 1, 0, 't'},
		{"verbose", 0, 0, 'v'}, {"help", 0, 0, 'h'}, {"auth-chunks", 1, 0, 'c'},
		{"hmac", 1, 0, 'M'}, {"asconf", 0, 0, 'C'}, {"bindx-add", 1, 0, 'D'},
		{"peer-primary", 1, 0, 'Y'}, {"bindx-rem", 1, 0, 'E'}, {"step", 1, 0, 'Z'},
		{"send-after", 1, 0, 'N'}, {"ping", 1, 0, 'G'}, {"also", 1, 0, 'O'},
		{"idata", 0, 0, 'J'}, {"sched", 1, 0, 'K'}, {0, 0, 0, 0}};
	int c, role = 0, rudp_set = 0;
	memset(o, 0, sizeof *o);
	o->rport = 5001;
	o->udp = udp_default;
	o->streams = 10;
	o->size = 1000;
	o->add_out = o->add_in = -1;
	o->hold_ms = -1;
	o->timeout_s = 60;
	o->step_ms = 1000;
	o->sched_rr = -1;
	while ((c = getopt_long(argc, argv, "vh", lo, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (strcmp(optarg, "client") && strcmp(optarg, "server"))
				usage_exit(argv[0], udp_default, 2);
			o->server = optarg[0] == 's';
			role = 1;
			break;
		case 'l': o->laddr = optarg; break;
		case 'L': o->lport = (unsigned)parse_num(optarg, "port"); break;
		case 'a': o->raddr = optarg; break;
		case 'p': o->rport = (unsigned)parse_num(optarg, "port"); break;
		case 'u': o->udp = (unsigned)parse_num(optarg, "udp port"); break;
		case 'U': o->rudp = (unsigned)parse_num(optarg, "udp port"); rudp_set = 1; break;
		case 'S': o->streams = (unsigned)parse_num(optarg, "streams"); break;
		case 'T':
			if (sscanf(optarg, "%u,%u,%u", &o->rto_init, &o->rto_min, &o->rto_max) != 3) {
				fprintf(stderr, "bad --rto: %s\n", optarg);
				exit(2);
			}
			break;
		case 'n': o->count = parse_num(optarg, "count"); break;
		case 's': o->size = parse_num(optarg, "size"); break;
		case 'i': o->sid = (unsigned)parse_num(optarg, "stream"); break;
		case 'P': o->ppid = (unsigned)parse_num(optarg, "ppid"); break;
		case 'I': o->interval_ms = (unsigned)parse_num(optarg, "interval"); break;
		case 'R':
			if (strncmp(optarg, "ttl:", 4) == 0)
				o->pr_policy = 1;
			else if (strncmp(optarg, "rtx:", 4) == 0)
				o->pr_policy = 2;
			else {
				fprintf(stderr, "bad --pr: %s (ttl:MS or rtx:N)\n", optarg);
				exit(2);
			}
			o->pr_value = (unsigned)parse_num(optarg + 4, "pr value");
			break;
		case 'x': parse_list(o, optarg); break;
		case 'X': o->reset_assoc = 1; break;
		case 'A':
			if (sscanf(optarg, "%d,%d", &o->add_out, &o->add_in) != 2 || o->add_out < 0 ||
			    o->add_in < 0) {
				fprintf(stderr, "bad --add-streams: %s (OUT,IN)\n", optarg);
				exit(2);
			}
			break;
		case 'e': o->echo = 1; break;
		case 'b': o->rcvbuf = parse_num(optarg, "rcvbuf"); break;
		case 'B': o->sndbuf = parse_num(optarg, "sndbuf"); break;
		case 'H': o->hold_ms = (long)parse_num(optarg, "hold"); break;
		case 't': o->timeout_s = (unsigned)parse_num(optarg, "timeout"); break;
		case 'v': o->verbose = 1; break;
		case 'c': parse_auth_chunks(o, optarg); break;
		case 'M':
			if (strcmp(optarg, "sha1") && strcmp(optarg, "sha256")) {
				fprintf(stderr, "bad --hmac: %s (sha1 or sha256)\n", optarg);
				exit(2);
			}
			o->hmac = strcmp(optarg, "sha1") ? 3 : 1;
			break;
		case 'C': o->asconf = 1; break;
		case 'D': o->bindx_add = optarg; break;
		case 'Y': o->peer_primary = optarg; break;
		case 'E': o->bindx_rem = optarg; break;
		case 'Z': o->step_ms = (unsigned)parse_num(optarg, "step"); break;
		case 'N': o->send_after = parse_num(optarg, "count"); break;
		case 'G': o->ping_ms = parse_num(optarg, "ping"); break;
		case 'O': {
			char sz[32];
			if (sscanf(optarg, "%31[^,],%u", sz, &o->also_sid) != 2) {
				fprintf(stderr, "bad --also: %s (SIZE,SID)\n", optarg);
				exit(2);
			}
			o->also_size = parse_num(sz, "size");
			break;
		}
		case 'J': o->idata = 1; break;
		case 'K':
			if (strcmp(optarg, "fcfs") && strcmp(optarg, "rr")) {
				fprintf(stderr, "bad --sched: %s (fcfs or rr)\n", optarg);
				exit(2);
			}
			o->sched_rr = strcmp(optarg, "rr") == 0;
			break;
		case 'h': usage_exit(argv[0], udp_default, 0); break;
		default: usage_exit(argv[0], udp_default, 2);
		}
	}
	if (!role || optind != argc || (!o->server && !o->raddr) || o->size < 4)
		usage_exit(argv[0], udp_default, 2);
	if (!rudp_set)
		o->rudp = o->udp;
	if (o->server && !o->lport)
		o->lport = 5001;
	if (o->hold_ms < 0 && !o->server)
		o->hold_ms = 1000;
	if (!o->sndbuf)
		o->sndbuf = (o->size + o->also_size) * 2 + (1 << 20);
	if (o->also_size && o->also_size < 4)
		usage_exit(argv[0], udp_default, 2);
}

/* Counters for the summary line. */
static unsigned long n_sent, n_recv, n_abandoned, n_events;
static unsigned long long n_bytes;
static int peer_closed; /* SHUTDOWN/COMM_LOST/SHUTDOWN_COMP seen, or EOF */

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* The message with number idx: idx in the first 4 bytes, then a pattern. */
static void fill_msg(unsigned char *buf, size_t len, uint32_t idx)
{
	uint32_t be = htonl(idx);
	memcpy(buf, &be, 4);
	for (size_t i = 4; i < len; i++)
		buf[i] = (unsigned char)('a' + (idx + i) % 26);
}

static long msg_idx(const unsigned char *buf, size_t len)
{
	uint32_t be;
	if (len < 4)
		return -1;
	memcpy(&be, buf, 4);
	return (long)ntohl(be);
}

static void print_msg(unsigned sid, unsigned ssn, uint32_t ppid_net, const unsigned char *buf,
		      size_t len, unsigned pieces, int eor)
{
	printf("msg sid=%u ssn=%u ppid=%u len=%zu idx=%ld pieces=%u %s\n", sid, ssn,
	       ntohl(ppid_net), len, msg_idx(buf, len), pieces, eor ? "eor" : "partial");
	n_recv++;
	n_bytes += len;
}

static const char *state_name(unsigned s)
{
	switch (s) {
	case SCTP_COMM_UP: return "comm_up";
	case SCTP_COMM_LOST: return "comm_lost";
	case SCTP_RESTART: return "restart";
	case SCTP_SHUTDOWN_COMP: return "shutdown_comp";
	case SCTP_CANT_STR_ASSOC: return "cant_start";
	default: return "?";
	}
}

static const char *paddr_state(unsigned s)
{
	switch (s) {
	case SCTP_ADDR_AVAILABLE: return "available";
	case SCTP_ADDR_UNREACHABLE: return "unreachable";
	case SCTP_ADDR_REMOVED: return "removed";
	case SCTP_ADDR_ADDED: return "added";
	case SCTP_ADDR_MADE_PRIM: return "made_prim";
	case SCTP_ADDR_CONFIRMED: return "confirmed";
	default: return "?";
	}
}

/* The address of a sockaddr_storage as text ("?" for another family). */
static const char *addr_text(const struct sockaddr_storage *ss, char *buf, socklen_t len)
{
	const void *a = ss->ss_family == AF_INET6 ?
				(const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr :
				(const void *)&((const struct sockaddr_in *)ss)->sin_addr;
	if (!inet_ntop(ss->ss_family, a, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

/* print_notification: one "event ..." line; returns the sn_type. */
static unsigned print_notification(const void *buf, size_t len)
{
	const union sctp_notification *n = buf;
	unsigned i, cnt;
	n_events++;
	if (len < sizeof n->sn_header) {
		printf("event short len=%zu\n", len);
		return 0;
	}
	switch (n->sn_header.sn_type) {
	case SCTP_ASSOC_CHANGE:
		printf("event assoc_change state=%s in=%u out=%u\n",
		       state_name(n->sn_assoc_change.sac_state),
		       n->sn_assoc_change.sac_inbound_streams,
		       n->sn_assoc_change.sac_outbound_streams);
		if (n->sn_assoc_change.sac_state != SCTP_COMM_UP &&
		    n->sn_assoc_change.sac_state != SCTP_RESTART)
			peer_closed = 1;
		break;
	case SCTP_SHUTDOWN_EVENT:
		printf("event shutdown\n");
		peer_closed = 1;
		break;
	case SCTP_SEND_FAILED_EVENT: {
		const struct sctp_send_failed_event *f = &n->sn_send_failed_event;
		size_t dlen = f->ssfe_length > sizeof *f ? f->ssfe_length - sizeof *f : 0;
		if (dlen > len - sizeof *f)
			dlen = len > sizeof *f ? len - sizeof *f : 0;
		printf("event send_failed flags=%s error=%u sid=%u len=%zu idx=%ld abandoned\n",
		       f->ssfe_flags & SCTP_DATA_SENT ? "sent" : "unsent", f->ssfe_error,
		       f->ssfe_info.snd_sid, dlen, msg_idx(f->ssfe_data, dlen));
		n_abandoned++;
		break;
	}
	case SCTP_STREAM_RESET_EVENT: {
		const struct sctp_stream_reset_event *r = &n->sn_strreset_event;
		unsigned fl = r->strreset_flags;
		char f[64];
		snprintf(f, sizeof f, "%s%s%s%s", fl & SCTP_STREAM_RESET_INCOMING_SSN ? ",incoming" : "",
			 fl & SCTP_STREAM_RESET_OUTGOING_SSN ? ",outgoing" : "",
			 fl & SCTP_STREAM_RESET_DENIED ? ",denied" : "",
			 fl & SCTP_STREAM_RESET_FAILED ? ",failed" : "");
		printf("event stream_reset flags=%s streams=", f[0] ? f + 1 : "none");
		cnt = r->strreset_length > sizeof *r ?
			      (unsigned)((r->strreset_length - sizeof *r) / sizeof(uint16_t)) : 0;
		if (cnt == 0)
			printf("all");
		for (i = 0; i < cnt; i++)
			printf("%s%u", i ? "," : "", r->strreset_stream_list[i]);
		printf("\n");
		break;
	}
	case SCTP_STREAM_CHANGE_EVENT:
		printf("event stream_change flags=%s in=%u out=%u\n",
		       n->sn_strchange_event.strchange_flags & SCTP_STREAM_CHANGE_DENIED ? "denied" :
		       n->sn_strchange_event.strchange_flags & SCTP_STREAM_CHANGE_FAILED ? "failed" :
											    "ok",
		       n->sn_strchange_event.strchange_instrms,
		       n->sn_strchange_event.strchange_outstrms);
		break;
	case SCTP_ASSOC_RESET_EVENT:
		printf("event assoc_reset flags=%s local_tsn=%u remote_tsn=%u\n",
		       n->sn_assocreset_event.assocreset_flags & SCTP_ASSOC_RESET_DENIED ? "denied" :
		       n->sn_assocreset_event.assocreset_flags & SCTP_ASSOC_RESET_FAILED ? "failed" :
											    "ok",
		       n->sn_assocreset_event.assocreset_local_tsn,
		       n->sn_assocreset_event.assocreset_remote_tsn);
		break;
	case SCTP_PARTIAL_DELIVERY_EVENT:
		if (n->sn_pdapi_event.pdapi_indication == SCTP_PARTIAL_DELIVERY_ABORTED)
			printf("event partial_delivery indication=aborted");
		else
			printf("event partial_delivery indication=%u",
			       n->sn_pdapi_event.pdapi_indication);
		printf(" sid=%u seq=%u\n", n->sn_pdapi_event.pdapi_stream,
		       n->sn_pdapi_event.pdapi_seq);
		break;
	case SCTP_PEER_ADDR_CHANGE: {
		char a[INET6_ADDRSTRLEN];
		struct sockaddr_storage ss; /* a copy: Linux packs the structure */
		memcpy(&ss, (const char *)buf + offsetof(struct sctp_paddr_change, spc_aaddr),
		       sizeof ss);
		printf("event paddr_change state=%s addr=%s error=%u\n",
		       paddr_state(n->sn_paddr_change.spc_state), addr_text(&ss, a, sizeof a),
		       n->sn_paddr_change.spc_error);
		break;
	}
	case SCTP_AUTHENTICATION_EVENT: {
		unsigned ind = n->sn_authkey_event.auth_indication;
		printf("event auth indication=");
		if (ind == SCTP_AUTH_NEW_KEY)
			printf("new_key");
		else if (ind == SCTP_AUTH_NO_AUTH)
			printf("no_auth");
		else if (ind == SCTP_AUTH_FREE_KEY)
			printf("free_key");
		else
			printf("%u", ind);
		printf(" key=%u\n", n->sn_authkey_event.auth_keynumber);
		break;
	}
	default:
		printf("event type=%u flags=%u\n", n->sn_header.sn_type, n->sn_header.sn_flags);
	}
	return n->sn_header.sn_type;
}

/* The events every peer subscribes to. */
static const uint16_t peer_events[] = {
	SCTP_ASSOC_CHANGE, SCTP_SHUTDOWN_EVENT, SCTP_SEND_FAILED_EVENT, SCTP_PARTIAL_DELIVERY_EVENT,
	SCTP_STREAM_RESET_EVENT, SCTP_STREAM_CHANGE_EVENT, SCTP_ASSOC_RESET_EVENT};

/* And with --auth-chunks, --hmac or --asconf. */
static const uint16_t peer_ext_events[] = {SCTP_PEER_ADDR_CHANGE, SCTP_AUTHENTICATION_EVENT};

static int ext_on(const struct opts *o)
{
	return o->n_auth || o->hmac || o->asconf;
}

static void action_result(const char *name, int err)
{
	if (err)
		printf("action %s error=%s\n", name, strerror(err));
	else
		printf("action %s ok\n", name);
}

/* Reassembly of one message read in pieces (partial delivery or a small buffer). */
struct rx {
	unsigned char *buf;
	size_t len, cap;
	unsigned pieces;
};

/* One reassembly per stream (mod RX_STREAMS): with I-DATA (RFC 8260) the pieces of
 * messages on different streams arrive interleaved. */
#define RX_STREAMS 16

static void rx_add(struct rx *r, const void *data, size_t n)
{
	if (r->len + n > r->cap) {
		r->cap = (r->len + n) * 2;
		r->buf = realloc(r->buf, r->cap);
		if (!r->buf) {
			perror("realloc");
			exit(1);
		}
	}
	memcpy(r->buf + r->len, data, n);
	r->len += n;
	r->pieces++;
}

#endif
