/* The actions both peers run after the association is up: send the messages, then the
 * stream reconfiguration requests (RFC 6525) the options ask for. Included by each peer after
 * it has defined `o`, `failed`, `send_msg`, `pump` and `sockopt_set` (its socket API's
 * setsockopt on the association's socket). */
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

static void actions(void)
{
	unsigned char *msg = malloc(o.size);
	if (!msg) {
		perror("malloc");
		exit(1);
	}
	for (unsigned long i = 0; i < o.count && !failed; i++) {
		fill_msg(msg, o.size, (uint32_t)i);
		if (send_msg(msg, o.size, o.sid, htonl(o.ppid)) != 0)
			failed = 1;
		else
			n_sent++;
		pump(o.interval_ms);
	}
	free(msg);
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
}

#endif
