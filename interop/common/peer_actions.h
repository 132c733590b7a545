/* The actions both peers run after the association is up: send the messages, then the
 * stream reconfiguration requests (RFC 6525) the options ask for, then the address steps
 * (RFC 5061) and the messages after them. Included by each peer after it has defined `o`,
 * `failed`, `send_msg`, `pump`, `to_addr`, `sockopt_set` (its socket API's setsockopt on the
 * association's socket) and `peer_bindx` (sctp_bindx on it: 0 or an errno). Also the AUTH /
 * ASCONF socket options of the setup (`ext_setup`). */
#ifndef PEER_ACTIONS_H
#define PEER_ACTIONS_H

/* reconf: a reconfiguration request, retried for 10 s while another is outstanding or the
 * streams still have data queued. */
static void reconf(const char *name, int opt, const void *v, socklen_t len)
{
	long end = now_ms() + 10000;
	int err;
	for (;;) {
		err = sockopt_set(opt, v, len) ? errno : 0;
		if ((err != EBUSY && err != EALREADY && err != EAGAIN && err != EINPROGRESS) ||
		    now_ms() > end)
			break;
		pump(20);
	}
	action_result(name, err);
	if (err)
		failed = 1;
}

/* A setsockopt at IPPROTO_SCTP on the socket being set up: 0 or an errno (reported). */
typedef int (*set_fn)(void *sock, int name, const void *v, socklen_t len, const char *what);

#ifndef SCTP_INTERLEAVING_SUPPORTED
#define SCTP_INTERLEAVING_SUPPORTED 0x00001206 /* usrsctp has it; its header omits it */
#endif

/* --idata: both stacks refuse SCTP_INTERLEAVING_SUPPORTED unless fragment interleave is
 * level 2 first (RFC 6458 §8.1.20); Linux also needs net.sctp.intl_enable=1. */
static void idata_setup(void *s, set_fn set)
{
	struct sctp_assoc_value av = {.assoc_id = SCTP_FUTURE_ASSOC, .assoc_value = 1};
	int level = 2;
	if (!o.idata)
		return;
	if (set(s, SCTP_FRAGMENT_INTERLEAVE, &level, sizeof level, "SCTP_FRAGMENT_INTERLEAVE") ||
	    set(s, SCTP_INTERLEAVING_SUPPORTED, &av, sizeof av, "SCTP_INTERLEAVING_SUPPORTED"))
		exit(1);
}

/* AUTH (RFC 4895) and ASCONF (RFC 5061) before the association, with the extra events. */
static void ext_setup(void *s, set_fn set)
{
	struct sctp_assoc_value av = {.assoc_id = SCTP_FUTURE_ASSOC, .assoc_value = 1};
	union {
		struct sctp_hmacalgo h;
		unsigned char b[sizeof(struct sctp_hmacalgo) + 2 * sizeof(uint16_t)];
	} hm;
	size_t i;
	idata_setup(s, set);
	if (!ext_on(&o))
		return;
	set(s, SCTP_AUTH_SUPPORTED, &av, sizeof av, "SCTP_AUTH_SUPPORTED");
	if (o.asconf)
		set(s, SCTP_ASCONF_SUPPORTED, &av, sizeof av, "SCTP_ASCONF_SUPPORTED");
	if (o.hmac) { /* SHA-1 alone, or SHA-256 then SHA-1 (SHA-1 is mandatory) */
		memset(&hm, 0, sizeof hm);
		hm.h.shmac_number_of_idents = o.hmac == 1 ? 1 : 2;
		hm.h.shmac_idents[0] = (uint16_t)o.hmac;
		hm.h.shmac_idents[1] = 1;
		set(s, SCTP_HMAC_IDENT, &hm, sizeof hm, "SCTP_HMAC_IDENT");
	}
	for (i = 0; i < o.n_auth; i++) {
		struct sctp_authchunk ac = {.sauth_chunk = o.auth_chunks[i]};
		set(s, SCTP_AUTH_CHUNK, &ac, sizeof ac, "SCTP_AUTH_CHUNK");
	}
	for (i = 0; i < sizeof peer_ext_events / sizeof peer_ext_events[0]; i++) {
		struct sctp_event ev = {.se_assoc_id = SCTP_FUTURE_ASSOC,
					.se_type = peer_ext_events[i], .se_on = 1};
		set(s, SCTP_EVENT, &ev, sizeof ev, "SCTP_EVENT");
	}
}

/* Messages first .. first+n-1. */
static void send_n(unsigned long first, unsigned long n)
{
	unsigned char *msg = malloc(o.size);
	if (!msg) {
		perror("malloc");
		exit(1);
	}
	for (unsigned long i = first; i < first + n && !failed; i++) {
		fill_msg(msg, o.size, (uint32_t)i);
		if (send_msg(msg, o.size, o.sid, htonl(o.ppid)) != 0)
			failed = 1;
		else
			n_sent++;
		pump(o.interval_ms);
	}
	free(msg);
}

/* One address step (0 remove, 1 add, 2 ask the peer to make it its primary), then receive
 * for --step ms. The port is ours (--lport, or 0 where the stack fills it in). */
static void addr_step(const char *name, const char *addr, int what)
{
	struct sockaddr_storage ss;
	socklen_t len = to_addr(addr, o.lport, strchr(addr, ':') ? AF_INET6 : AF_INET, &ss);
	int err;
	if (what == 2) {
		struct sctp_setpeerprim sp;
		memset(&sp, 0, sizeof sp);
		memcpy(&sp.sspp_addr, &ss, len);
		err = sockopt_set(SCTP_SET_PEER_PRIMARY_ADDR, &sp, sizeof sp) ? errno : 0;
	} else {
		err = peer_bindx(&ss, len, what);
	}
	action_result(name, err);
	if (err)
		failed = 1;
	pump(o.step_ms);
}

/* --also: one message of also_size on also_sid, numbered idx. */
static void send_also(uint32_t idx)
{
	unsigned char *msg = malloc(o.also_size);
	if (!msg) {
		perror("malloc");
		exit(1);
	}
	fill_msg(msg, o.also_size, idx);
	if (send_msg(msg, o.also_size, o.also_sid, htonl(o.ppid)) != 0)
		failed = 1;
	else
		n_sent++;
	free(msg);
}

static void actions(void)
{
	send_n(0, o.count);
	if (o.also_size && !failed)
		send_also((uint32_t)o.count);
	if (o.reset_dir) {
		size_t len = sizeof(struct sctp_reset_streams) + o.nreset * sizeof(uint16_t);
		struct sctp_reset_streams *rs = calloc(1, len);
		rs->srs_flags = (uint16_t)((o.reset_dir & 1 ? SCTP_STREAM_RESET_OUTGOING : 0) |
					   (o.reset_dir & 2 ? SCTP_STREAM_RESET_INCOMING : 0));
		rs->srs_number_streams = (uint16_t)o.nreset;
		memcpy(rs->srs_stream_list, o.reset_list, o.nreset * sizeof(uint16_t));
		reconf("reset_streams", SCTP_RESET_STREAMS, rs, (socklen_t)len);
		free(rs);
	}
	if (o.reset_assoc) {
		sctp_assoc_t id = 0;
		reconf("reset_assoc", SCTP_RESET_ASSOC, &id, sizeof id);
	}
	if (o.add_out >= 0) {
		struct sctp_add_streams as = {.sas_instrms = (uint16_t)o.add_in,
					      .sas_outstrms = (uint16_t)o.add_out};
		reconf("add_streams", SCTP_ADD_STREAMS, &as, sizeof as);
	}
	if (o.bindx_add)
		addr_step("bindx_add", o.bindx_add, 1);
	if (o.peer_primary)
		addr_step("peer_primary", o.peer_primary, 2);
	if (o.bindx_rem)
		addr_step("bindx_rem", o.bindx_rem, 0);
	send_n(o.count, o.send_after);
}

#endif
