/* kernel_peer: a small Linux kernel SCTP test peer for usctp's interop tests of the SCTP
 * extensions: PR-SCTP (RFC 3758, RFC 7496 policies), stream reconfiguration (RFC 6525) and
 * large messages delivered in parts. The same command line and output lines as
 * interop/usrsctp/peer/usrsctp_peer (peer_common.h), through the kernel's socket API only:
 * setsockopt, and sendmsg/recvmsg with SCTP_SNDINFO / SCTP_PRINFO / SCTP_RCVINFO cmsgs, so no
 * libsctp is needed (lksctp-tools' libsctp-dev gives <netinet/sctp.h>). Built static, it runs
 * in the interop/kernel guest.
 *
 *   kernel_peer --role client|server [options]      (-h lists them; see peer_common.h)
 *
 * With --auth-chunks / --hmac / --asconf it also sets up AUTH (RFC 4895) and ASCONF (RFC 5061)
 * per socket (SCTP_AUTH_SUPPORTED / SCTP_ASCONF_SUPPORTED; the sysctls net.sctp.auth_enable /
 * addip_enable do the same for every socket); --bindx-add / --peer-primary / --bindx-rem
 * change the association's addresses once it is up.
 *
 * Default raw IP. --rudp PORT sends in UDP to the peer's port PORT (SCTP_REMOTE_UDP_ENCAPS_PORT);
 * the kernel's own UDP port is the sysctl net.sctp.udp_port, so --udp only tells it (it must
 * match). PR-SCTP and RE-CONFIG need net.sctp.prsctp_enable / reconf_enable or the socket
 * options set here. The summary adds the kernel's abandoned counts (SCTP_PR_ASSOC_STATUS):
 * pr_abandoned_sent=N pr_abandoned_unsent=N.
 *
 * Build: gcc -static -Wall -Wextra -Werror -O2 -o kernel_peer kernel_peer.c
 */
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

/* Linux names most fields of struct sctp_send_failed_event ssf_*; RFC 6458 and usrsctp ssfe_*. */
#define ssfe_length ssf_length
#define ssfe_flags ssf_flags
#define ssfe_error ssf_error
#define ssfe_data ssf_data

#include "../../common/peer_common.h"

static struct opts o;
static int sock = -1;
static struct rx rxs[RX_STREAMS];
static int failed;

static int sso(int s, int level, int name, const void *v, socklen_t len, const char *what)
{
	if (setsockopt(s, level, name, v, len) == 0)
		return 0;
	fprintf(stderr, "kernel_peer: setsockopt %s: %s\n", what, strerror(errno));
	return errno ? errno : EINVAL;
}

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
	fprintf(stderr, "kernel_peer: bad address %s\n", addr);
	exit(2);
}

/* ext_setup's setter: sso on a kernel socket. */
static int ext_sso(void *s, int name, const void *v, socklen_t len, const char *what)
{
	return sso(*(int *)s, IPPROTO_SCTP, name, v, len, what);
}

/* Everything set before the association: the accepted socket inherits it. */
static void setup(int s)
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
	if (o.rcvbuf) { /* the kernel doubles the value: ask for half */
		int v = (int)(o.rcvbuf / 2);
		if (setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof v) != 0)
			sso(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof v, "SO_RCVBUF");
	}
	int v = (int)o.sndbuf;
	if (setsockopt(s, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof v) != 0)
		sso(s, SOL_SOCKET, SO_SNDBUF, &v, sizeof v, "SO_SNDBUF");
	if (o.sched_rr >= 0) {
		av.assoc_value = o.sched_rr ? SCTP_SS_RR : SCTP_SS_FCFS;
		sso(s, IPPROTO_SCTP, SCTP_STREAM_SCHEDULER, &av, sizeof av, "SCTP_STREAM_SCHEDULER");
	}
	if (o.rudp) {
		struct sctp_udpencaps enc;
		memset(&enc, 0, sizeof enc);
		enc.sue_assoc_id = SCTP_FUTURE_ASSOC;
		enc.sue_port = htons((uint16_t)o.rudp);
		sso(s, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &enc, sizeof enc,
		    "SCTP_REMOTE_UDP_ENCAPS_PORT");
	}
}

/* send_msg: one message, blocking, with SCTP_SNDINFO and (with --pr) SCTP_PRINFO cmsgs.
 * 0 or an errno. */
static int send_msg(const void *buf, size_t len, unsigned sid, uint32_t ppid_net)
{
	char cbuf[CMSG_SPACE(sizeof(struct sctp_sndinfo)) + CMSG_SPACE(sizeof(struct sctp_prinfo))];
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			   .msg_controllen = CMSG_SPACE(sizeof(struct sctp_sndinfo))};
	struct cmsghdr *c;
	struct sctp_sndinfo si;
	memset(cbuf, 0, sizeof cbuf);
	memset(&si, 0, sizeof si);
	si.snd_sid = (uint16_t)sid;
	si.snd_ppid = ppid_net;
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = IPPROTO_SCTP;
	c->cmsg_type = SCTP_SNDINFO;
	c->cmsg_len = CMSG_LEN(sizeof si);
	memcpy(CMSG_DATA(c), &si, sizeof si);
	if (o.pr_policy) {
		struct sctp_prinfo pi = {.pr_policy = o.pr_policy == 1 ? SCTP_PR_SCTP_TTL
								     : SCTP_PR_SCTP_RTX,
					 .pr_value = o.pr_value};
		m.msg_controllen = sizeof cbuf;
		c = CMSG_NXTHDR(&m, c);
		c->cmsg_level = IPPROTO_SCTP;
		c->cmsg_type = SCTP_PRINFO;
		c->cmsg_len = CMSG_LEN(sizeof pi);
		memcpy(CMSG_DATA(c), &pi, sizeof pi);
	}
	if (sendmsg(sock, &m, 0) >= 0)
		return 0;
	int err = errno;
	fprintf(stderr, "kernel_peer: sendmsg %zu bytes on stream %u: %s\n", len, sid,
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
	while (!peer_closed) {
		struct pollfd pfd = {.fd = sock, .events = POLLIN};
		long left = end - now_ms();
		if (poll(&pfd, 1, left > 0 ? (int)left : 0) <= 0)
			break;
		char cbuf[CMSG_SPACE(sizeof(struct sctp_rcvinfo))];
		struct iovec iov = {.iov_base = buf, .iov_len = sizeof buf};
		struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				   .msg_controllen = sizeof cbuf};
		struct sctp_rcvinfo ri;
		struct cmsghdr *c;
		memset(&ri, 0, sizeof ri);
		ssize_t n = recvmsg(sock, &m, MSG_DONTWAIT);
		for (c = CMSG_FIRSTHDR(&m); n > 0 && c; c = CMSG_NXTHDR(&m, c))
			if (c->cmsg_level == IPPROTO_SCTP && c->cmsg_type == SCTP_RCVINFO)
				memcpy(&ri, CMSG_DATA(c), sizeof ri);
		if (n > 0 && (m.msg_flags & MSG_NOTIFICATION)) {
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
			on_data(buf, (size_t)n, &ri, m.msg_flags);
		} else if (n == 0) {
			peer_closed = 1;
		} else if (errno != EWOULDBLOCK && errno != EAGAIN) {
			fprintf(stderr, "kernel_peer: recvmsg: %s\n", strerror(errno));
			peer_closed = 1;
		}
	}
}

/* The reconfiguration requests of the shared actions go through the kernel socket API. */
static int sockopt_set(int opt, const void *v, socklen_t len)
{
	return setsockopt(sock, IPPROTO_SCTP, opt, v, len);
}

static int peer_bindx(struct sockaddr_storage *ss, socklen_t len, int add)
{
	return setsockopt(sock, IPPROTO_SCTP, add ? SCTP_SOCKOPT_BINDX_ADD : SCTP_SOCKOPT_BINDX_REM,
			  ss, len) ? errno : 0;
}

#include "../../common/peer_actions.h"

static sctp_assoc_t assoc_id;

static void print_up(void)
{
	struct sctp_status st;
	const int opts[] = {SCTP_PR_SUPPORTED, SCTP_RECONFIG_SUPPORTED, SCTP_AUTH_SUPPORTED,
			    SCTP_ASCONF_SUPPORTED};
	unsigned v[4];
	socklen_t len = sizeof st;
	memset(&st, 0, sizeof st);
	getsockopt(sock, IPPROTO_SCTP, SCTP_STATUS, &st, &len);
	assoc_id = st.sstat_assoc_id;
	for (int i = 0; i < 4; i++) {
		struct sctp_assoc_value av = {.assoc_id = st.sstat_assoc_id, .assoc_value = 0};
		len = sizeof av;
		getsockopt(sock, IPPROTO_SCTP, opts[i], &av, &len);
		v[i] = av.assoc_value;
	}
	printf("up role=%s in=%u out=%u pr=%u reconf=%u auth=%u asconf=%u\n",
	       o.server ? "server" : "client", st.sstat_instrms, st.sstat_outstrms, v[0], v[1],
	       v[2], v[3]);	if (o.idata) {
		struct sctp_assoc_value av = {.assoc_id = st.sstat_assoc_id, .assoc_value = 0};
		len = sizeof av;
		getsockopt(sock, IPPROTO_SCTP, SCTP_INTERLEAVING_SUPPORTED, &av, &len);
		printf("idata supported=%u\n", av.assoc_value);
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int af;

	parse_args(&o, argc, argv, 0);
	if (o.ping_ms) {
		fprintf(stderr, "kernel_peer: --ping is the usrsctp peer's only\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	alarm(o.timeout_s); /* the default action ends the process: a hung test cannot stay */
	af = ((o.raddr && strchr(o.raddr, ':')) || (o.laddr && strchr(o.laddr, ':'))) ? AF_INET6
										     : AF_INET;

	int s = socket(af, SOCK_STREAM, IPPROTO_SCTP);
	if (s < 0) {
		perror("socket(IPPROTO_SCTP)");
		return 1;
	}
	setup(s);
	ext_setup(&s, ext_sso);
	if (o.laddr || o.lport) {
		sl = to_addr(o.laddr, o.lport, af, &ss);
		if (bind(s, (struct sockaddr *)&ss, sl) < 0) {
			perror("bind");
			return 1;
		}
	}
	if (o.server) {
		if (listen(s, 1) < 0) {
			perror("listen");
			return 1;
		}
		sock = accept(s, NULL, NULL);
		if (sock < 0) {
			perror("accept");
			return 1;
		}
		close(s);
	} else {
		sl = to_addr(o.raddr, o.rport, af, &ss);
		if (connect(s, (struct sockaddr *)&ss, sl) < 0) {
			perror("connect");
			printf("summary role=client sent=0 received=0 bytes=0 abandoned=0 events=0 "
			       "error=connect\n");
			return 1;
		}
		sock = s;
	}
	print_up();
	pump(0);
	actions();
	pump(o.hold_ms >= 0 ? o.hold_ms : (long)o.timeout_s * 1000);
	for (int i = 0; i < RX_STREAMS; i++) /* the rest of a message never finished */
		if (rxs[i].len)
			printf("msg-unfinished len=%zu pieces=%u\n", rxs[i].len, rxs[i].pieces);

	struct sctp_prstatus ps;
	socklen_t len = sizeof ps;
	memset(&ps, 0, sizeof ps);
	ps.sprstat_assoc_id = assoc_id;
	ps.sprstat_policy = SCTP_PR_SCTP_ALL;
	if (getsockopt(sock, IPPROTO_SCTP, SCTP_PR_ASSOC_STATUS, &ps, &len) != 0)
		memset(&ps, 0, sizeof ps);
	/* Wait (SO_LINGER) up to 5 s for the graceful shutdown: the peer's SHUTDOWN ACK. */
	struct linger lg = {.l_onoff = 1, .l_linger = 5};
	setsockopt(sock, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(sock);
	printf("summary role=%s sent=%lu received=%lu bytes=%llu abandoned=%lu events=%lu "
	       "pr_abandoned_sent=%llu pr_abandoned_unsent=%llu\n",
	       o.server ? "server" : "client", n_sent, n_recv, n_bytes, n_abandoned, n_events,
	       (unsigned long long)ps.sprstat_abandoned_sent,
	       (unsigned long long)ps.sprstat_abandoned_unsent);
	return failed;
}
