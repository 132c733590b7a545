/* usrsctp_peer: a small usrsctp (libusrsctp-dev) test peer for usctp's interop tests of the
 * SCTP extensions: PR-SCTP (RFC 3758, RFC 7496 policies), stream reconfiguration (RFC 6525)
 * and large messages delivered in parts.
 *
 *   usrsctp_peer --role client|server [options]     (-h lists them; see peer_common.h)
 *
 * With --auth-chunks / --hmac / --asconf it also sets up AUTH (RFC 4895) and ASCONF (RFC 5061);
 * --bindx-add / --peer-primary / --bindx-rem change the association's addresses once it is
 * up (the address must be on an interface when usrsctp_init runs: usrsctp reads the
 * interfaces once).
 *
 * SCTP runs over UDP encapsulation (RFC 6951) on --udp (default 9899) towards the peer's
 * --rudp; with --udp 0 --rudp 0 usrsctp uses raw IP sockets (root, and no SCTP in the host
 * kernel to answer the same packets). One one-to-one association: the client connects, the
 * server accepts one. Once it is up, either side sends --send N messages (--size, --stream,
 * --ppid, --pr ttl:MS|rtx:N), then does --reset-streams, --reset-assoc, --add-streams in that
 * order (each retried while another reconfiguration request is outstanding), then receives
 * (--echo: sends each message back) for --hold ms or until the peer ends the association,
 * then closes gracefully. Output lines and exit status: peer_common.h. With --ping MS the
 * client instead sends one --size message at a time and waits for its echo, for MS, and
 * prints "rtts=N p50_us=.. p99_us=.. p999_us=.." (benches/udp-pingpong).
 *
 * Build: gcc -Wall -Wextra -Werror -O2 -o usrsctp_peer usrsctp_peer.c -lusrsctp -lpthread
 */
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>
#include <usrsctp.h>

/* usrsctp names the union's AUTH event member sn_auth_event; RFC 6458 and Linux
 * sn_authkey_event. */
#define sn_authkey_event sn_auth_event

#include "../../common/peer_common.h"

static struct opts o;
static struct socket *sock;
static struct rx rxs[RX_STREAMS];
static int failed, in_pump;

static int sso(struct socket *s, int level, int name, const void *v, socklen_t len,
	       const char *what)
{
	if (usrsctp_setsockopt(s, level, name, v, len) == 0)
		return 0;
	fprintf(stderr, "usrsctp_peer: setsockopt %s: %s\n", what, strerror(errno));
	return errno ? errno : EINVAL;
}

/* to_addr: ADDR (IPv4 or IPv6, NULL: any) and PORT as a sockaddr; its length. */
static socklen_t to_addr(const char *addr, unsigned port, int af, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (af == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		if (addr && inet_pton(AF_INET6, addr, &s6->sin6_addr) != 1)
			goto bad;
		return sizeof *s6;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)port);
	if (addr && inet_pton(AF_INET, addr, &s4->sin_addr) != 1)
		goto bad;
	return sizeof *s4;
bad:
	fprintf(stderr, "usrsctp_peer: bad address %s\n", addr);
	exit(2);
}

/* ext_setup's setter: sso on a usrsctp socket. */
static int ext_sso(void *s, int name, const void *v, socklen_t len, const char *what)
{
	return sso(s, IPPROTO_SCTP, name, v, len, what);
}

/* Everything set before the association: inherited by the accepted socket. */
static void setup(struct socket *s)
{
	struct sctp_assoc_value av = {.assoc_id = SCTP_FUTURE_ASSOC, .assoc_value = 1};
	struct sctp_initmsg im = {.sinit_num_ostreams = (uint16_t)o.streams,
				  .sinit_max_instreams = 1024};
	const int on = 1;
	size_t i;

	sso(s, IPPROTO_SCTP, SCTP_PR_SUPPORTED, &av, sizeof av, "SCTP_PR_SUPPORTED");
	sso(s, IPPROTO_SCTP, SCTP_RECONFIG_SUPPORTED, &av, sizeof av, "SCTP_RECONFIG_SUPPORTED");
	av.assoc_value = SCTP_ENABLE_RESET_STREAM_REQ | SCTP_ENABLE_RESET_ASSOC_REQ |
			 SCTP_ENABLE_CHANGE_ASSOC_REQ;
	sso(s, IPPROTO_SCTP, SCTP_ENABLE_STREAM_RESET, &av, sizeof av, "SCTP_ENABLE_STREAM_RESET");
	for (i = 0; i < sizeof peer_events / sizeof peer_events[0]; i++) {
		struct sctp_event ev = {.se_assoc_id = SCTP_FUTURE_ASSOC,
					.se_type = peer_events[i], .se_on = 1};
		sso(s, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof ev, "SCTP_EVENT");
	}
	sso(s, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof on, "SCTP_RECVRCVINFO");
	sso(s, IPPROTO_SCTP, SCTP_NODELAY, &on, sizeof on, "SCTP_NODELAY");
	sso(s, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof im, "SCTP_INITMSG");
	if (o.rto_min) {
		struct sctp_rtoinfo rto = {.srto_assoc_id = SCTP_FUTURE_ASSOC,
					   .srto_initial = o.rto_init, .srto_max = o.rto_max,
					   .srto_min = o.rto_min};
		sso(s, IPPROTO_SCTP, SCTP_RTOINFO, &rto, sizeof rto, "SCTP_RTOINFO");
	}
	if (o.rcvbuf) {
		int v = (int)o.rcvbuf;
		sso(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof v, "SO_RCVBUF");
	}
	int v = (int)o.sndbuf;
	if (usrsctp_setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, sizeof v) != 0)
		fprintf(stderr, "usrsctp_peer: SO_SNDBUF %d: %s (a blocking send streams the "
				"message)\n", v, strerror(errno));
	if (o.rudp) {
		struct sctp_udpencaps enc;
		memset(&enc, 0, sizeof enc);
		enc.sue_assoc_id = SCTP_FUTURE_ASSOC;
		enc.sue_port = htons((uint16_t)o.rudp);
		sso(s, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &enc, sizeof enc,
		    "SCTP_REMOTE_UDP_ENCAPS_PORT");
	}
}

static void pump(long ms);

/* send_msg: one message, blocking (a message larger than the send buffer is copied in as
 * space frees). 0 or an errno. */
static int send_msg(const void *buf, size_t len, unsigned sid, uint32_t ppid_net)
{
	struct sctp_sendv_spa spa;
	ssize_t r;
	memset(&spa, 0, sizeof spa);
	spa.sendv_flags = SCTP_SEND_SNDINFO_VALID;
	spa.sendv_sndinfo.snd_sid = (uint16_t)sid;
	spa.sendv_sndinfo.snd_ppid = ppid_net;
	if (o.pr_policy) {
		spa.sendv_flags |= SCTP_SEND_PRINFO_VALID;
		spa.sendv_prinfo.pr_policy = o.pr_policy == 1 ? SCTP_PR_SCTP_TTL : SCTP_PR_SCTP_RTX;
		spa.sendv_prinfo.pr_value = o.pr_value;
	}
	usrsctp_set_non_blocking(sock, 0);
	r = usrsctp_sendv(sock, buf, len, NULL, 0, &spa, sizeof spa, SCTP_SENDV_SPA, 0);
	int err = r < 0 ? errno : 0;
	usrsctp_set_non_blocking(sock, 1);
	if (err)
		fprintf(stderr, "usrsctp_peer: sendv %zu bytes on stream %u: %s\n", len, sid,
			strerror(err));
	return err;
}

static void on_data(const void *data, size_t n, const struct sctp_rcvinfo *ri, int flags)
{
	struct rx *r = &rxs[ri->rcv_sid % RX_STREAMS];
	rx_add(r, data, n);
	if (o.verbose)
		printf("piece sid=%u ssn=%u len=%zu%s\n", ri->rcv_sid, ri->rcv_ssn, n,
		       flags & MSG_EOR ? " eor" : "");
	if (!(flags & MSG_EOR))
		return;
	print_msg(ri->rcv_sid, ri->rcv_ssn, ri->rcv_ppid, r->buf, r->len, r->pieces, 1);
	if (o.echo && send_msg(r->buf, r->len, ri->rcv_sid, ri->rcv_ppid) == 0)
		n_sent++;
	r->len = r->pieces = 0;
}

/* pump: read messages and notifications for ms milliseconds (0: what is there now); stops
 * early when the peer has ended the association. */
static void pump(long ms)
{
	static char buf[1 << 16];
	long end = now_ms() + ms;
	in_pump = 1;
	while (!peer_closed) {
		struct sctp_rcvinfo ri;
		struct sockaddr_storage from;
		socklen_t fromlen = sizeof from, infolen = sizeof ri;
		unsigned infotype = 0;
		int flags = 0;
		memset(&ri, 0, sizeof ri);
		ssize_t n = usrsctp_recvv(sock, buf, sizeof buf, (struct sockaddr *)&from, &fromlen,
					  &ri, &infolen, &infotype, &flags);
		if (n > 0 && (flags & MSG_NOTIFICATION)) {
			const union sctp_notification *sn = (const void *)buf;
			if (print_notification(buf, (size_t)n) == SCTP_PARTIAL_DELIVERY_EVENT &&
			    sn->sn_pdapi_event.pdapi_indication == SCTP_PARTIAL_DELIVERY_ABORTED &&
			    rxs[sn->sn_pdapi_event.pdapi_stream % RX_STREAMS].len) {
				struct rx *r = &rxs[sn->sn_pdapi_event.pdapi_stream % RX_STREAMS];
				print_msg(sn->sn_pdapi_event.pdapi_stream, sn->sn_pdapi_event.pdapi_seq,
					  0, r->buf, r->len, r->pieces, 0);
				r->len = r->pieces = 0;
			}
		} else if (n > 0) {
			on_data(buf, (size_t)n, &ri, flags);
		} else if (n == 0) {
			peer_closed = 1;
		} else if (errno != EWOULDBLOCK && errno != EAGAIN) {
			fprintf(stderr, "usrsctp_peer: recvv: %s\n", strerror(errno));
			peer_closed = 1;
		} else if (now_ms() >= end) {
			break;
		} else {
			usleep(2000);
		}
	}
	in_pump = 0;
}

/* The reconfiguration requests of the shared actions go through usrsctp's socket API. */
static int sockopt_set(int opt, const void *v, socklen_t len)
{
	return usrsctp_setsockopt(sock, IPPROTO_SCTP, opt, v, len);
}

static int peer_bindx(struct sockaddr_storage *ss, socklen_t len, int add)
{
	(void)len;
	return usrsctp_bindx(sock, (struct sockaddr *)ss, 1,
			     add ? SCTP_BINDX_ADD_ADDR : SCTP_BINDX_REM_ADDR) ? errno : 0;
}

#include "../../common/peer_actions.h"

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

/* The q quantile of n sorted round trips (nearest rank), in microseconds. */
static double quantile_us(const long long *v, size_t n, double q)
{
	size_t rank = (size_t)(q * (double)n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return n ? (double)v[rank - 1] / 1000.0 : 0.0;
}

/* ping: blocking send of one message, blocking receive of its echo (notifications skipped),
 * for o.ping_ms; prints the round trips' percentiles. 0 or 1 (an error or a short echo). */
static int ping(void)
{
	static unsigned char out[1 << 16], in[1 << 16];
	size_t cap = 1 << 22, n = 0;
	long long *rtt = malloc(cap * sizeof *rtt);
	long long end = now_ns() + (long long)o.ping_ms * 1000000LL;
	if (!rtt || o.size > sizeof out) {
		fprintf(stderr, "usrsctp_peer: --ping: --size at most %zu\n", sizeof out);
		return 1;
	}
	fill_msg(out, o.size, 0);
	usrsctp_set_non_blocking(sock, 0);
	while (now_ns() < end && n < cap) {
		struct sctp_sndinfo si = {.snd_sid = (uint16_t)o.sid};
		long long t0 = now_ns();
		if (usrsctp_sendv(sock, out, o.size, NULL, 0, &si, sizeof si, SCTP_SENDV_SNDINFO,
				  0) < 0) {
			fprintf(stderr, "usrsctp_peer: --ping sendv: %s\n", strerror(errno));
			return 1;
		}
		for (;;) {
			struct sctp_rcvinfo ri;
			socklen_t infolen = sizeof ri, fromlen = 0;
			unsigned infotype = 0;
			int flags = 0;
			ssize_t r = usrsctp_recvv(sock, in, sizeof in, NULL, &fromlen, &ri, &infolen,
						  &infotype, &flags);
			if (r <= 0) {
				fprintf(stderr, "usrsctp_peer: --ping recvv: %s\n",
					r ? strerror(errno) : "association ended");
				return 1;
			}
			if (flags & MSG_NOTIFICATION)
				continue;
			if (!(flags & MSG_EOR) || (size_t)r != o.size) {
				fprintf(stderr, "usrsctp_peer: --ping: echo of %zd bytes, sent %zu\n", r,
					o.size);
				return 1;
			}
			break;
		}
		rtt[n++] = now_ns() - t0;
	}
	qsort(rtt, n, sizeof *rtt, cmp_ll);
	printf("rtts=%zu p50_us=%.1f p99_us=%.1f p999_us=%.1f\n", n, quantile_us(rtt, n, 0.5),
	       quantile_us(rtt, n, 0.99), quantile_us(rtt, n, 0.999));
	free(rtt);
	return 0;
}

static void print_up(void)
{
	struct sctp_status st;
	const int opts[] = {SCTP_PR_SUPPORTED, SCTP_RECONFIG_SUPPORTED, SCTP_AUTH_SUPPORTED,
			    SCTP_ASCONF_SUPPORTED};
	unsigned v[4];
	socklen_t len = sizeof st;
	memset(&st, 0, sizeof st);
	usrsctp_getsockopt(sock, IPPROTO_SCTP, SCTP_STATUS, &st, &len);
	for (int i = 0; i < 4; i++) {
		struct sctp_assoc_value av = {.assoc_id = st.sstat_assoc_id, .assoc_value = 0};
		len = sizeof av;
		usrsctp_getsockopt(sock, IPPROTO_SCTP, opts[i], &av, &len);
		v[i] = av.assoc_value;
	}
	printf("up role=%s in=%u out=%u pr=%u reconf=%u auth=%u asconf=%u\n",
	       o.server ? "server" : "client", st.sstat_instrms, st.sstat_outstrms, v[0], v[1],
	       v[2], v[3]);	if (o.idata) {
		struct sctp_assoc_value av = {.assoc_id = st.sstat_assoc_id, .assoc_value = 0};
		len = sizeof av;
		usrsctp_getsockopt(sock, IPPROTO_SCTP, SCTP_INTERLEAVING_SUPPORTED, &av, &len);
		printf("idata supported=%u\n", av.assoc_value);
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int af;

	parse_args(&o, argc, argv, 9899);
	if (o.sched_rr >= 0) {
		fprintf(stderr, "usrsctp_peer: --sched is for the Linux peer\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	alarm(o.timeout_s); /* the default action ends the process: a hung test cannot stay */
	af = ((o.raddr && strchr(o.raddr, ':')) || (o.laddr && strchr(o.laddr, ':'))) ? AF_INET6
										     : AF_INET;

	usrsctp_init((uint16_t)o.udp, NULL, NULL);
	usrsctp_sysctl_set_sctp_pr_enable(1);
	usrsctp_sysctl_set_sctp_reconfig_enable(1);
	if (o.rcvbuf)
		usrsctp_sysctl_set_sctp_recvspace((uint32_t)o.rcvbuf);

	struct socket *s = usrsctp_socket(af, SOCK_STREAM, IPPROTO_SCTP, NULL, NULL, 0, NULL);
	if (!s) {
		perror("usrsctp_socket");
		return 1;
	}
	setup(s);
	ext_setup(s, ext_sso);
	if (o.laddr || o.lport) {
		sl = to_addr(o.laddr, o.lport, af, &ss);
		if (usrsctp_bind(s, (struct sockaddr *)&ss, sl) < 0) {
			perror("usrsctp_bind");
			return 1;
		}
	}
	if (o.server) {
		if (usrsctp_listen(s, 1) < 0) {
			perror("usrsctp_listen");
			return 1;
		}
		sock = usrsctp_accept(s, NULL, NULL);
		if (!sock) {
			perror("usrsctp_accept");
			return 1;
		}
		usrsctp_close(s);
	} else {
		sl = to_addr(o.raddr, o.rport, af, &ss);
		if (usrsctp_connect(s, (struct sockaddr *)&ss, sl) < 0) {
			perror("usrsctp_connect");
			printf("summary role=client sent=0 received=0 bytes=0 abandoned=0 events=0 "
			       "error=connect\n");
			return 1;
		}
		sock = s;
	}
	print_up();
	if (o.ping_ms && !o.server) {
		failed = ping();
		usrsctp_close(sock);
		for (int i = 0; i < 100 && usrsctp_finish() != 0; i++)
			usleep(100000);
		return failed;
	}
	usrsctp_set_non_blocking(sock, 1);
	pump(0);
	actions();
	pump(o.hold_ms >= 0 ? o.hold_ms : (long)o.timeout_s * 1000);
	for (int i = 0; i < RX_STREAMS; i++) /* the rest of a message never finished */
		if (rxs[i].len)
			printf("msg-unfinished len=%zu pieces=%u\n", rxs[i].len, rxs[i].pieces);

	usrsctp_close(sock);
	for (int i = 0; i < 100 && usrsctp_finish() != 0; i++)
		usleep(100000);
	printf("summary role=%s sent=%lu received=%lu bytes=%llu abandoned=%lu events=%lu\n",
	       o.server ? "server" : "client", n_sent, n_recv, n_bytes, n_abandoned, n_events);
	return failed;
}
