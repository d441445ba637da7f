/*
 * main.c - the starling process: configuration, logging, signals, and the
 * control thread's service loop. SIGINT and SIGTERM stop the loop; the
 * server then closes its sockets, joins its threads and frees everything.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "server.h"

extern char **environ;

static volatile sig_atomic_t stop_requested;
static struct sfu_server *running;

static void on_signal(int signo)
{
	(void)signo;
	stop_requested = 1;
	sfu_server_wake(running);
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* A second signal during teardown must not touch a server being freed. */
static void block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

int main(int argc, char **argv)
{
	struct sfu_config cfg;
	enum sfu_cli_result rc;

	rc = sfu_cli_load(&cfg, argc, argv, environ,
			  SFU_SYSCONFDIR "/starling.conf", stdout, stderr);
	if (rc != SFU_CLI_RUN) {
		sfu_config_clear(&cfg);
		return rc == SFU_CLI_EXIT_OK ? 0 : 1;
	}
	sfu_log_set_level(cfg.log_level);
	sfu_log(SFU_LOG_INFO, "main", "starling %s starting", PACKAGE_VERSION);

	install_signals();
	running = sfu_server_new(&cfg);
	if (!running) {
		sfu_config_clear(&cfg);
		return 1;
	}
	sfu_server_run(running, &stop_requested);
	sfu_log(SFU_LOG_INFO, "main", "shutting down");
	block_signals();
	sfu_server_free(running);
	running = NULL;
	sfu_config_clear(&cfg);
	sfu_log(SFU_LOG_INFO, "main", "stopped");
	return 0;
}
