/*
 * cli.h - command-line handling: --help, --version, -c FILE and the flags
 * that override configuration keys. Precedence, lowest first: built-in
 * defaults, the file, STARLING_* variables, flags.
 */
#ifndef SFU_CLI_H
#define SFU_CLI_H

#include <stdio.h>

#include "config.h"

enum sfu_cli_result {
	SFU_CLI_RUN,       /* cfg is ready: start the server */
	SFU_CLI_EXIT_OK,   /* --help or --version was printed */
	SFU_CLI_EXIT_FAIL, /* a message was printed to err */
};

/*
 * Build cfg (initialised here) from argv and envp. default_conf is read
 * when no -c is given and it exists. Messages go to out and err.
 */
enum sfu_cli_result sfu_cli_load(struct sfu_config *cfg, int argc, char **argv,
				 char *const *envp, const char *default_conf,
				 FILE *out, FILE *err);

#endif
