/*
 * run.h - a bench run's options and state, shared by main.c (which drives
 * the run) and report.c (which reports on it). Nothing else includes it.
 */
#ifndef BENCH_RUN_H
#define BENCH_RUN_H

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "client.h"
#include "delay.h"
#include "floor.h"

struct opts {
	const char *url, *json, *ice_ip, *label, *admin, *admin_secret;
	const char *room_prefix; /* NULL: bench-PID */
	unsigned rooms, participants;
	double seconds, setup_timeout;
	unsigned join_interval_ms;
	pid_t server_pid;
	unsigned video_kbps, fps, key_interval_ms, audio_bytes;
	double floor_seconds;
	unsigned threads;
	bool fail_on_loss, verbose, janus;
};

enum phase { JOINING, SETUP, WINDOW, DRAIN, DONE };

/* A client thread: its own main context; clients of the rooms it holds
 * live there (every callback of a client runs on its thread). */
struct worker {
	GThread *thread;
	GMainContext *ctx;
	GMainLoop *loop;
};

struct run {
	struct opts o;
	struct bench_env env;
	struct bench_client **clients;
	unsigned n;
	struct worker workers[4];
	unsigned n_workers;
	unsigned started;
	enum phase phase;
	int64_t t_start, t_next_join, t_setup_deadline, t_window0, t_window1,
		t_drain_end;
	struct proc_sample cpu0, cpu1;
	int64_t self_cpu0_us, self_cpu1_us; /* the bench's own CPU time */
	struct udp_sample udp0, udp1;       /* whole run */
	struct cpu_sample mach0, mach1;     /* the machine, measured window */
	/* the server's forward delay histogram (admin API) at the window's
	 * start and end */
	struct sfu_delay_hist delay0, delay1;
	bool have_delay;
	bool have_udp;
	bool have_cpu;
	GMainLoop *loop;
	char failure[512];
	bool interrupted;
};

/* The room of participant i: P consecutive participants share one. */
static inline unsigned room_of(const struct run *r, unsigned i)
{
	return i / r->o.participants;
}

/* Print the table and the summary, and write the JSON file if asked.
 * Returns the exit status: 0, 1 (no JSON written), 2 (a failure) or 3
 * (loss with --fail-on-loss). */
int bench_report(struct run *r, const struct floor_result *fl, size_t n_fl,
		 json_t *admin);

#endif
