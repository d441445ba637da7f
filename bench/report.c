/*
 * report.c - the bench's report (run.h): a table per participant, a
 * summary of forwarding, loss, latency, join times and CPU, and the same
 * as JSON.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "common.h"
#include "floor.h"
#include "run.h"
#include "srtp.h"

struct totals {
	uint64_t received, unique, lost, reordered, duplicates, expected;
	uint64_t window_packets, window_bytes, window_sent;
	struct hist lat;
	struct hist join_audio, join_video; /* ms */
	struct hist join_connected;         /* ms, join to DTLS done */
	unsigned subs;
};

static double pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

static json_t *hist_json(const struct hist *h)
{
	return json_pack("{s:I, s:I, s:I, s:f, s:I, s:I}", "count", (json_int_t)h->n,
			 "p50", (json_int_t)hist_quantile(h, 0.5), "p99",
			 (json_int_t)hist_quantile(h, 0.99), "mean", hist_mean(h),
			 "min", (json_int_t)h->min, "max", (json_int_t)h->max);
}

/* Join-to-first-packet of a subscription: from the later of the two
 * joins (the subscription cannot exist before both are in the room). */
static int64_t join_to_first_ms(const struct run *r, unsigned sub,
				unsigned pub, const struct bench_sub *s)
{
	int64_t j = SFU_MAX(bench_client_join_ns(r->clients[sub]),
			    bench_client_join_ns(r->clients[pub]));

	return s->first_ns > j ? (s->first_ns - j) / 1000000 : 0;
}

static json_t *client_report(const struct run *r, unsigned i, struct totals *t,
			     bool print)
{
	const struct bench_client *c = r->clients[i];
	struct bench_client_counters n;
	json_t *subs = json_array();
	struct hist lat;
	uint64_t rx = 0, lost = 0, ooo = 0, dup = 0;
	int64_t first_a = -1, first_v = -1;

	hist_init(&lat);
	bench_client_counters(c, &n);
	if (bench_client_connected_ns(c))
		hist_add(&t->join_connected,
			 (uint64_t)(bench_client_connected_ns(c) -
				    bench_client_join_ns(c)) / 1000000);
	t->window_sent += n.window_sent;
	for (unsigned j = 0; j < r->n; j++) {
		if (j == i || room_of(r, i) != room_of(r, j))
			continue;
		for (int k = BENCH_AUDIO; k <= BENCH_VIDEO; k++) {
			const struct bench_sub *s = bench_client_sub(c, j, k);
			int64_t jf;
			t->subs++;
			if (!s) {
				json_array_append_new(
					subs, json_pack("{s:s, s:s, s:b}", "from",
							bench_client_name(r->clients[j]),
							"kind", k ? "video" : "audio",
							"received", 0));
				continue;
			}
			jf = join_to_first_ms(r, i, j, s);
			hist_add(k ? &t->join_video : &t->join_audio, (uint64_t)jf);
			if (k)
				first_v = SFU_MAX(first_v, jf);
			else
				first_a = SFU_MAX(first_a, jf);
			rx += s->acct.received;
			lost += acct_lost(&s->acct);
			ooo += s->acct.reordered;
			dup += s->acct.duplicates;
			t->received += s->acct.received;
			t->unique += s->acct.unique;
			t->expected += acct_expected(&s->acct);
			t->lost += acct_lost(&s->acct);
			t->reordered += s->acct.reordered;
			t->duplicates += s->acct.duplicates;
			t->window_packets += s->window_packets;
			t->window_bytes += s->window_bytes;
			hist_merge(&lat, &s->lat_us);
			json_array_append_new(
				subs,
				json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, "
					  "s:I, s:I, s:o}",
					  "from", bench_client_name(r->clients[j]),
					  "kind", k ? "video" : "audio", "ssrc",
					  (json_int_t)s->ssrc, "received",
					  (json_int_t)s->acct.received, "expected",
					  (json_int_t)acct_expected(&s->acct), "lost",
					  (json_int_t)acct_lost(&s->acct),
					  "out_of_order", (json_int_t)s->acct.reordered,
					  "duplicates", (json_int_t)s->acct.duplicates,
					  "window_packets", (json_int_t)s->window_packets,
					  "join_to_first_ms", (json_int_t)jf,
					  "latency_us", hist_json(&s->lat_us)));
		}
	}
	hist_merge(&t->lat, &lat);
	if (print)
		printf("%-12s %-22s %9llu %6llu %6llu %5llu %8llu %8llu %8lld %8lld %6llu\n",
		       bench_client_name(c), bench_client_srtp(c),
		       (unsigned long long)rx, (unsigned long long)lost,
		       (unsigned long long)ooo, (unsigned long long)dup,
		       (unsigned long long)hist_quantile(&lat, 0.5),
		       (unsigned long long)hist_quantile(&lat, 0.99),
		       (long long)first_a, (long long)first_v,
		       (unsigned long long)(n.sent_audio + n.sent_video));
	return json_pack("{s:s, s:s, s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
			 "s:I, s:I, s:o, s:o}",
			 "name", bench_client_name(c), "srtp", bench_client_srtp(c),
			 "join_to_connected_ms",
			 (json_int_t)(bench_client_connected_ns(c)
					      ? (bench_client_connected_ns(c) -
						 bench_client_join_ns(c)) / 1000000
					      : -1),
			 "failure", bench_client_failure(c) ? bench_client_failure(c) : "",
			 "sent_audio", (json_int_t)n.sent_audio, "sent_video",
			 (json_int_t)n.sent_video, "keyframes_sent",
			 (json_int_t)n.keyframes_sent, "send_errors",
			 (json_int_t)n.send_errors, "plis_received", (json_int_t)n.plis,
			 "nacks_received", (json_int_t)n.nacks, "retransmitted",
			 (json_int_t)n.retransmitted, "rx_without_bench_header",
			 (json_int_t)n.rx_bad, "srtp_dropped",
			 (json_int_t)n.srtp_dropped, "latency_us", hist_json(&lat),
			 "subscriptions", subs);
}

/* The server's own forward delay over the window (the difference of
 * the admin API's histogram at its two ends): printed, and put into the
 * server's JSON object. */
static void delay_report(const struct run *r, json_t *server)
{
	struct sfu_delay_hist d;
	double p50, p90, p99;

	if (!r->have_delay)
		return;
	sfu_delay_diff(&d, &r->delay1, &r->delay0);
	p50 = sfu_delay_quantile(&d, 0.5);
	p90 = sfu_delay_quantile(&d, 0.9);
	p99 = sfu_delay_quantile(&d, 0.99);
	printf("server      forward delay (kernel receive -> its sends done) "
	       "p50 %.0f us, p90 %.0f us, p99 %.0f us (%llu datagrams)\n",
	       p50, p90, p99, (unsigned long long)d.count);
	if (json_is_object(server))
		json_object_set_new(server, "forward_delay_us", json_pack(
			"{s:f,s:f,s:f,s:I}", "p50", p50, "p90", p90, "p99", p99,
			"count", (json_int_t)d.count));
}

int bench_report(struct run *r, const struct floor_result *fl, size_t n_fl,
		 json_t *admin)
{
	struct totals t;
	json_t *root, *clients = json_array(), *server = json_null(), *floors;
	double window_s = (double)(r->t_window1 - r->t_window0) / 1e9;
	double cpu_us = 0, us_per_pkt = 0, pps = 0, mach_busy = -1, mach_others = -1;
	bool print = r->n <= 48;
	int rc = 0;

	memset(&t, 0, sizeof(t));
	hist_init(&t.lat);
	hist_init(&t.join_audio);
	hist_init(&t.join_video);
	hist_init(&t.join_connected);
	printf("\n%s: %u room(s) x %u participants, window %.1f s\n", r->o.label,
	       r->o.rooms, r->o.participants, window_s);
	if (print)
		printf("%-12s %-22s %9s %6s %6s %5s %8s %8s %8s %8s %6s\n",
		       "participant", "srtp", "received", "lost", "ooo", "dup",
		       "p50 us", "p99 us", "1st A ms", "1st V ms", "sent");
	for (unsigned i = 0; i < r->n; i++)
		json_array_append_new(clients, client_report(r, i, &t, print));
	if (window_s > 0)
		pps = (double)t.window_packets / window_s;
	if (r->have_cpu) {
		cpu_us = (double)(r->cpu1.cpu_us - r->cpu0.cpu_us);
		if (t.window_packets)
			us_per_pkt = cpu_us / (double)t.window_packets;
		server = json_pack("{s:i, s:f, s:f, s:f, s:I, s:I, s:i}", "pid",
				   (int)r->o.server_pid, "cpu_s", cpu_us / 1e6,
				   "cpu_percent_of_one_core",
				   window_s > 0 ? cpu_us / 1e4 / window_s : 0,
				   "cpu_us_per_forwarded_packet", us_per_pkt,
				   "rss_kb", (json_int_t)r->cpu1.rss_kb, "rss_peak_kb",
				   (json_int_t)r->cpu1.hwm_kb, "threads",
				   r->cpu1.threads);
	}
	printf("\nforwarded   %.0f packets/s (%.1f Mbit/s) to %u subscriptions; "
	       "published %.0f packets/s\n",
	       pps, window_s > 0 ? (double)t.window_bytes * 8 / window_s / 1e6 : 0,
	       t.subs, window_s > 0 ? (double)t.window_sent / window_s : 0);
	printf("accounting  received %llu, lost %llu (%.3f%%), out of order %llu, "
	       "duplicates %llu\n",
	       (unsigned long long)t.received, (unsigned long long)t.lost,
	       pct(t.lost, t.expected), (unsigned long long)t.reordered,
	       (unsigned long long)t.duplicates);
	printf("latency     one-way p50 %llu us, p99 %llu us, max %llu us "
	       "(%llu samples)\n",
	       (unsigned long long)hist_quantile(&t.lat, 0.5),
	       (unsigned long long)hist_quantile(&t.lat, 0.99),
	       (unsigned long long)t.lat.max, (unsigned long long)t.lat.n);
	printf("join->conn  p50 %llu ms, max %llu ms (signaling, ICE, DTLS)\n",
	       (unsigned long long)hist_quantile(&t.join_connected, 0.5),
	       (unsigned long long)t.join_connected.max);
	printf("join->1st   audio p50 %llu ms, max %llu ms; video p50 %llu ms, "
	       "max %llu ms\n",
	       (unsigned long long)hist_quantile(&t.join_audio, 0.5),
	       (unsigned long long)t.join_audio.max,
	       (unsigned long long)hist_quantile(&t.join_video, 0.5),
	       (unsigned long long)t.join_video.max);
	if (r->have_cpu)
		printf("server      CPU %.2f s in %.1f s (%.1f%% of a core), "
		       "%.2f us per forwarded packet, RSS %llu kB (peak %llu kB), "
		       "%d threads\n",
		       cpu_us / 1e6, window_s, cpu_us / 1e4 / window_s, us_per_pkt,
		       (unsigned long long)r->cpu1.rss_kb,
		       (unsigned long long)r->cpu1.hwm_kb, r->cpu1.threads);
	delay_report(r, server);
	if (admin)
		printf("admin API   packets in %lld, out %lld; lost by publishers on "
		       "the way in %lld; NACKs sent %lld, retransmitted %lld, PLIs "
		       "sent %lld\n",
		       (long long)json_integer_value(json_object_get(admin, "packets_in")),
		       (long long)json_integer_value(json_object_get(admin, "packets_out")),
		       (long long)json_integer_value(
			       json_object_get(admin, "publisher_packets_lost")),
		       (long long)json_integer_value(json_object_get(admin, "nacks_sent")),
		       (long long)json_integer_value(json_object_get(admin, "retransmitted")),
		       (long long)json_integer_value(json_object_get(admin, "plis_sent")));
	if (r->have_udp)
		printf("udp         %llu receive-buffer and %llu send-buffer drops "
		       "in this network namespace (whole run)\n",
		       (unsigned long long)(r->udp1.rcvbuf_errors - r->udp0.rcvbuf_errors),
		       (unsigned long long)(r->udp1.sndbuf_errors - r->udp0.sndbuf_errors));
	printf("bench       CPU %.2f s in the window (%.1f%% of a core)\n",
	       (double)(r->self_cpu1_us - r->self_cpu0_us) / 1e6,
	       window_s > 0 ? (double)(r->self_cpu1_us - r->self_cpu0_us) / 1e4 / window_s
			    : 0);
	if (r->mach1.total > r->mach0.total && window_s > 0) {
		long hz = sysconf(_SC_CLK_TCK);
		double busy_s = (double)(r->mach1.busy - r->mach0.busy) / (double)hz;
		double others = busy_s - (double)(r->self_cpu1_us - r->self_cpu0_us) / 1e6 -
				(r->have_cpu ? cpu_us / 1e6 : 0);
		mach_busy = 100.0 * (double)(r->mach1.busy - r->mach0.busy) /
			    (double)(r->mach1.total - r->mach0.total);
		mach_others = others / window_s * 100;
		printf("machine     %.0f%% busy over %ld CPUs in the window; other "
		       "processes used %.0f%% of a core\n",
		       mach_busy, sysconf(_SC_NPROCESSORS_ONLN), mach_others);
	}
	floors = json_array();
	for (size_t i = 0; i < n_fl; i++) {
		/* A multiple only for the profile the run negotiated. */
		bool same = r->n && strcmp(bench_client_srtp(r->clients[0]),
					   sfu_srtp_profile_name(fl[i].profile)) == 0;
		double x = same && fl[i].us_per_forwarded > 0 && us_per_pkt > 0
				   ? us_per_pkt / fl[i].us_per_forwarded
				   : 0;
		printf("floor       %s, %u subscribers: %.3f us per forwarded packet",
		       sfu_srtp_profile_name(fl[i].profile), fl[i].subscribers,
		       fl[i].us_per_forwarded);
		if (x > 0)
			printf(" -> %s = %.1f x floor", r->o.label, x);
		printf("\n");
		json_array_append_new(
			floors, json_pack("{s:s, s:i, s:f, s:f}", "profile",
					  sfu_srtp_profile_name(fl[i].profile),
					  "subscribers", (int)fl[i].subscribers,
					  "cpu_us_per_forwarded", fl[i].us_per_forwarded,
					  "target_multiple", x));
	}
	if (r->failure[0]) {
		printf("FAILED      %s\n", r->failure);
		rc = 2;
	} else if (r->o.fail_on_loss && t.lost > 0) {
		printf("FAILED      %llu packets lost\n", (unsigned long long)t.lost);
		rc = 3;
	}
	root = json_pack(
		"{s:s, s:s, s:i, s:i, s:f, s:{s:i, s:i, s:i, s:i}, s:s, s:o, "
		"s:{s:I, s:I, s:I, s:I, s:I, s:f, s:I, s:f, s:f, s:I}, s:o, "
		"s:{s:o, s:o}, s:o, s:o}",
		"target", r->o.label, "url", r->o.url, "rooms", (int)r->o.rooms,
		"participants", (int)r->o.participants, "window_s", window_s,
		"config", "video_kbps", (int)r->o.video_kbps, "fps", (int)r->o.fps,
		"key_interval_ms", (int)r->o.key_interval_ms, "audio_bytes",
		(int)r->o.audio_bytes, "failure", r->failure, "ok",
		json_boolean(rc == 0), "totals", "received",
		(json_int_t)t.received, "expected", (json_int_t)t.expected, "lost",
		(json_int_t)t.lost, "out_of_order", (json_int_t)t.reordered,
		"duplicates", (json_int_t)t.duplicates, "loss_percent",
		pct(t.lost, t.expected), "window_forwarded",
		(json_int_t)t.window_packets, "forwarded_packets_per_s", pps,
		"published_packets_per_s",
		window_s > 0 ? (double)t.window_sent / window_s : 0,
		"subscriptions", (json_int_t)t.subs, "latency_us", hist_json(&t.lat),
		"join_to_first_ms", "audio", hist_json(&t.join_audio), "video",
		hist_json(&t.join_video), "server", server, "floor", floors);
	json_object_set_new(root, "join_to_connected_ms", hist_json(&t.join_connected));
	json_object_set_new(root, "machine",
			    json_pack("{s:i, s:f, s:f}", "cpus",
				      (int)sysconf(_SC_NPROCESSORS_ONLN),
				      "busy_percent", mach_busy,
				      "others_percent_of_one_core", mach_others));
	if (admin)
		json_object_set_new(root, "admin", json_incref(admin));
	if (r->have_udp)
		json_object_set_new(
			root, "udp",
			json_pack("{s:I, s:I, s:I, s:I, s:I}", "in_datagrams",
				  (json_int_t)(r->udp1.in_datagrams - r->udp0.in_datagrams),
				  "out_datagrams",
				  (json_int_t)(r->udp1.out_datagrams - r->udp0.out_datagrams),
				  "in_errors",
				  (json_int_t)(r->udp1.in_errors - r->udp0.in_errors),
				  "rcvbuf_errors",
				  (json_int_t)(r->udp1.rcvbuf_errors - r->udp0.rcvbuf_errors),
				  "sndbuf_errors",
				  (json_int_t)(r->udp1.sndbuf_errors - r->udp0.sndbuf_errors)));
	json_object_set_new(root, "bench_cpu_s",
			    json_real((double)(r->self_cpu1_us - r->self_cpu0_us) / 1e6));
	json_object_set_new(root, "srtp",
			    json_string(r->n ? bench_client_srtp(r->clients[0]) : ""));
	json_object_set_new(root, "clients", clients);
	if (r->o.json && json_dump_file(root, r->o.json, JSON_INDENT(1)) < 0) {
		fprintf(stderr, "bench: cannot write %s\n", r->o.json);
		rc = rc ? rc : 1;
	}
	json_decref(root);
	return rc;
}
