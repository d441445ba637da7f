/* cmd.c - command allocation and the error-code names of the contract. */
#include "cmd.h"

#include <stdlib.h>

static const char *const err_codes[] = {
	[SFU_ERR_NONE] = "none",
	[SFU_ERR_BAD_REQUEST] = "bad_request",
	[SFU_ERR_INVALID_ROOM] = "invalid_room",
	[SFU_ERR_UNAUTHORIZED] = "unauthorized",
	[SFU_ERR_ROOM_FULL] = "room_full",
	[SFU_ERR_NOT_JOINED] = "not_joined",
	[SFU_ERR_ALREADY_JOINED] = "already_joined",
	[SFU_ERR_BAD_SDP] = "bad_sdp",
	[SFU_ERR_GLARE] = "glare",
	[SFU_ERR_RATE_LIMITED] = "rate_limited",
	[SFU_ERR_TOO_LARGE] = "too_large",
	[SFU_ERR_INTERNAL] = "internal",
};

const char *sfu_err_code(enum sfu_err err)
{
	if ((unsigned)err < SFU_ARRAY_SIZE(err_codes) && err_codes[err])
		return err_codes[err];
	return "internal";
}

struct sfu_cmd *sfu_cmd_new(enum sfu_cmd_type type, uint64_t session)
{
	struct sfu_cmd *cmd = sfu_xcalloc(1, sizeof(*cmd));

	cmd->type = type;
	cmd->session = session;
	cmd->can_publish = true;
	return cmd;
}

void sfu_cmd_free(struct sfu_cmd *cmd)
{
	if (!cmd)
		return;
	free(cmd->text);
	free(cmd);
}

void sfu_cmd_free_node(struct sfu_mailbox_node *node)
{
	sfu_cmd_free(SFU_CONTAINER_OF(node, struct sfu_cmd, node));
}
