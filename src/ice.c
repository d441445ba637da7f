/*
 * ice.c - libnice in controlled, full-ICE, trickle mode.
 *
 * The browser offers first, so it is the controlling agent; the server is
 * controlled and never restarts ICE. Consent freshness (RFC 7675) turns a
 * vanished peer into a FAILED state within about 30 s. Freeing is deferred
 * to an idle callback because a participant is often torn down from
 * inside one of the agent's own signals.
 */
#define SFU_LOG_MODULE "ice"
#include "ice.h"

#include <agent.h>
#include <interfaces.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ice-int.h"
#include "log.h"
#include "outbox.h"

const char *sfu_ice_state_name(enum sfu_ice_state s)
{
	static const char *const names[] = { "new", "checking", "connected",
					     "failed", "closed" };
	return (unsigned)s < SFU_ARRAY_SIZE(names) ? names[s] : "?";
}

void sfu__ice_set_state(struct sfu_ice *ice, enum sfu_ice_state st)
{
	if (ice->state == st || ice->state == SFU_ICE_FAILED ||
	    ice->state == SFU_ICE_CLOSED)
		return;
	ice->state = st;
	ice->ops->state(ice->arg, st);
}

static void on_recv(NiceAgent *agent, guint stream, guint component, guint len,
		    gchar *buf, gpointer data)
{
	struct sfu_ice *ice = data;
	GSource *src = g_main_current_source();

	/* GLib blocks a non-recursive source while it dispatches: it
	 * removes the socket from the poll set and adds it back after,
	 * and each of those writes the context's wakeup eventfd, so every
	 * dispatch costs two write()s, a read() and one more empty turn of
	 * the loop. Nothing here iterates the context recursively, so the
	 * block buys nothing; libnice gives no handle on its socket source
	 * except this one, the source dispatching us. */
	if (src && !g_source_get_can_recurse(src))
		g_source_set_can_recurse(src, TRUE);
	if (ice->own_path && !ice->mux && ice->state == SFU_ICE_CONNECTED)
		sfu__ice_own_maybe(ice, src);
	ice->ops->recv(ice->arg, (uint8_t *)buf, len);
}

static void on_component_state(NiceAgent *agent, guint stream, guint component,
			       guint state, gpointer data)
{
	struct sfu_ice *ice = data;

	switch (state) {
	case NICE_COMPONENT_STATE_CONNECTING:
		sfu__ice_set_state(ice, SFU_ICE_CHECKING);
		break;
	case NICE_COMPONENT_STATE_CONNECTED:
	case NICE_COMPONENT_STATE_READY:
		sfu__ice_set_state(ice, SFU_ICE_CONNECTED);
		break;
	case NICE_COMPONENT_STATE_FAILED:
		sfu__ice_set_state(ice, SFU_ICE_FAILED);
		break;
	default:
		break;
	}
}

static void addr_text(const NiceAddress *a, char *out, size_t n)
{
	char ip[NICE_ADDRESS_STRING_LEN];

	nice_address_to_string(a, ip);
	snprintf(out, n, "%s:%u", ip, nice_address_get_port(a));
}

static void direct_clear(struct sfu_ice *ice)
{
	/* held datagrams must not go to the next file with this number */
	if (ice->direct_fd >= 0)
		sfu_outbox_forget(ice->direct_fd);
	if (ice->direct)
		g_object_unref(ice->direct);
	ice->direct = NULL;
	ice->direct_fd = -1;
	ice->direct_connected = false;
}

/* Relayed and TCP pairs keep going through libnice, which frames them. */
static void direct_path(struct sfu_ice *ice, const NiceCandidate *local,
			const NiceCandidate *remote)
{
	GSocket *sock;

	direct_clear(ice);
	if (local->type == NICE_CANDIDATE_TYPE_RELAYED ||
	    local->transport != NICE_CANDIDATE_TRANSPORT_UDP ||
	    remote->transport != NICE_CANDIDATE_TRANSPORT_UDP)
		return;
	sock = nice_agent_get_selected_socket(ice->agent, ice->stream, 1);
	if (!sock)
		return;
	memset(&ice->direct_to, 0, sizeof(ice->direct_to));
	nice_address_copy_to_sockaddr(&remote->addr,
				      (struct sockaddr *)&ice->direct_to);
	switch (ice->direct_to.ss_family) {
	case AF_INET:
		ice->direct_to_len = sizeof(struct sockaddr_in);
		break;
	case AF_INET6:
		ice->direct_to_len = sizeof(struct sockaddr_in6);
		break;
	default:
		g_object_unref(sock);
		return;
	}
	ice->direct = sock;
	ice->direct_fd = g_socket_get_fd(sock);
	ice->local_priority = local->priority;
}

static void on_selected_pair(NiceAgent *agent, guint stream, guint component,
			     NiceCandidate *local, NiceCandidate *remote,
			     gpointer data)
{
	struct sfu_ice *ice = data;
	char l[64], r[64];

	addr_text(&local->addr, l, sizeof(l));
	addr_text(&remote->addr, r, sizeof(r));
	snprintf(ice->pair, sizeof(ice->pair), "%s <-> %s", l, r);
	log_debug("selected pair %s", ice->pair);
	direct_path(ice, local, remote);
}

/* The candidate as a=candidate text, with the 1:1 NAT address applied. */
static char *candidate_text(struct sfu_ice *ice, NiceCandidate *c)
{
	NiceCandidate *copy = nice_candidate_copy(c);
	char *sdp, *out;

	if (ice->public_ip && c->type == NICE_CANDIDATE_TYPE_HOST) {
		guint port = nice_address_get_port(&copy->addr);
		if (nice_address_set_from_string(&copy->addr, ice->public_ip))
			nice_address_set_port(&copy->addr, port);
	}
	sdp = nice_agent_generate_local_candidate_sdp(ice->agent, copy);
	nice_candidate_free(copy);
	if (!sdp)
		return NULL;
	/* libnice writes "a=candidate:..."; we hand out "candidate:...". */
	out = sfu_xstrdup(strncmp(sdp, "a=", 2) == 0 ? sdp + 2 : sdp);
	g_free(sdp);
	return out;
}

static void on_new_candidate(NiceAgent *agent, NiceCandidate *c, gpointer data)
{
	struct sfu_ice *ice = data;
	char *text;

	/* Host candidates went into the SDP; trickle only later ones. */
	if (c->type == NICE_CANDIDATE_TYPE_HOST || !ice->ops->candidate)
		return;
	text = candidate_text(ice, c);
	if (text)
		ice->ops->candidate(ice->arg, text);
	free(text);
}

/* media.ips as addresses; NULL when it names none (libnice then uses
 * every interface). */
static GArray *local_addresses(const char *ips)
{
	gchar **list;
	GArray *out;

	if (!ips)
		return NULL;
	list = g_strsplit(ips, ",", -1);
	out = g_array_new(FALSE, FALSE, sizeof(NiceAddress));
	for (gchar **p = list; *p; p++) {
		NiceAddress a;
		g_strstrip(*p);
		if (!**p)
			continue;
		nice_address_init(&a);
		if (!nice_address_set_from_string(&a, *p)) {
			log_warn("media.ips: cannot use %s", *p);
			continue;
		}
		g_array_append_val(out, a);
	}
	g_strfreev(list);
	if (out->len == 0) {
		log_warn("media.ips holds no usable address");
		g_array_free(out, TRUE);
		return NULL;
	}
	return out;
}

static void set_stun(NiceAgent *agent, const char *hostport)
{
	char *host = sfu_xstrdup(hostport), *colon = strrchr(host, ':');
	char *h = host;

	if (colon) {
		*colon = '\0';
		if (*h == '[') { /* [v6]:port */
			h++;
			h[strlen(h) - 1] = '\0';
		}
		g_object_set(agent, "stun-server", h, "stun-server-port",
			     (guint)atoi(colon + 1), NULL);
	}
	free(host);
}

static NiceAgent *make_agent(const struct sfu_ice_opts *o,
			     const GArray *addrs, bool consent)
{
	NiceAgent *agent = nice_agent_new_full(
		g_main_context_get_thread_default(), NICE_COMPATIBILITY_RFC5245,
		NICE_AGENT_OPTION_ICE_TRICKLE |
			(consent ? NICE_AGENT_OPTION_CONSENT_FRESHNESS : 0));

	g_object_set(agent, "controlling-mode", o->controlling, "upnp", FALSE,
		     "ice-tcp", FALSE, "ice-udp", TRUE, NULL);
	if (o->stun_server)
		set_stun(agent, o->stun_server);
	for (guint i = 0; addrs && i < addrs->len; i++)
		nice_agent_add_local_address(
			agent, &g_array_index(addrs, NiceAddress, i));
	return agent;
}

/* How many sockets the agent is about to open: one per host address. */
static unsigned expected_sockets(const GArray *addrs)
{
	GList *ips;
	unsigned n;

	if (addrs)
		return addrs->len;
	ips = nice_interfaces_get_local_ips(FALSE);
	n = g_list_length(ips);
	g_list_free_full(ips, g_free);
	return n;
}

static unsigned host_candidates(struct sfu_ice *ice)
{
	GSList *list = nice_agent_get_local_candidates(ice->agent, ice->stream, 1);
	unsigned n = 0;

	for (GSList *l = list; l; l = l->next)
		n += ((NiceCandidate *)l->data)->type == NICE_CANDIDATE_TYPE_HOST;
	g_slist_free_full(list, (GDestroyNotify)nice_candidate_free);
	return n;
}

/* Returns the number of host candidates gathered (0: failure). */
static unsigned start_agent(struct sfu_ice *ice, const struct sfu_ice_opts *o,
			    const GArray *addrs)
{
	ice->agent = make_agent(o, addrs, !ice->own_path);
	ice->stream = nice_agent_add_stream(ice->agent, 1);
	if (o->port_min > 0)
		nice_agent_set_port_range(ice->agent, ice->stream, 1,
					  (guint)o->port_min, (guint)o->port_max);
	g_signal_connect(ice->agent, "component-state-changed",
			 G_CALLBACK(on_component_state), ice);
	g_signal_connect(ice->agent, "new-selected-pair-full",
			 G_CALLBACK(on_selected_pair), ice);
	g_signal_connect(ice->agent, "new-candidate-full",
			 G_CALLBACK(on_new_candidate), ice);
	nice_agent_attach_recv(ice->agent, ice->stream, 1,
			       g_main_context_get_thread_default(), on_recv, ice);
	if (!nice_agent_gather_candidates(ice->agent, ice->stream))
		return 0;
	return host_candidates(ice);
}

static void stop_agent(struct sfu_ice *ice)
{
	g_signal_handlers_disconnect_by_data(ice->agent, ice);
	nice_agent_remove_stream(ice->agent, ice->stream);
	g_object_unref(ice->agent);
	ice->agent = NULL;
}

struct sfu_ice *sfu_ice_new(const struct sfu_ice_opts *o,
			    const struct sfu_ice_ops *ops, void *arg)
{
	struct sfu_ice *ice = sfu_xcalloc(1, sizeof(*ice));
	GArray *addrs = local_addresses(o->ips);
	unsigned hosts;

	ice->direct_fd = -1;
	ice->ops = ops;
	ice->arg = arg;
	ice->public_ip = o->public_ip ? sfu_xstrdup(o->public_ip) : NULL;
	/* The server takes its one socket over once ICE is done (ice_own.c)
	 * and then answers and sends consent checks itself, so libnice must
	 * not run its own; with several sockets it keeps the job. */
	ice->own_path = !o->controlling && !o->no_own_path &&
			expected_sockets(addrs) == 1;
	hosts = start_agent(ice, o, addrs);
	if (hosts && ice->own_path && hosts != 1) {
		log_debug("not one host socket after all: libnice keeps reading");
		stop_agent(ice);
		ice->own_path = false;
		hosts = start_agent(ice, o, addrs);
	}
	if (addrs)
		g_array_free(addrs, TRUE);
	if (!hosts) {
		log_warn("cannot gather ICE candidates (no usable port?)");
		sfu_ice_free(ice);
		return NULL;
	}
	nice_agent_get_local_credentials(ice->agent, ice->stream, &ice->ufrag,
					 &ice->pwd);
	return ice;
}

struct doomed_agent {
	NiceAgent *agent;
	guint stream;
};

static gboolean release_agent(gpointer data)
{
	struct doomed_agent *d = data;

	/* Removing the stream closes its sockets now, whatever else may
	 * still hold a reference to the agent. */
	nice_agent_remove_stream(d->agent, d->stream);
	g_object_unref(d->agent);
	free(d);
	return G_SOURCE_REMOVE;
}

void sfu_ice_free(struct sfu_ice *ice)
{
	GSource *idle;

	if (!ice)
		return;
	sfu__ice_own_stop(ice);
	direct_clear(ice);
	if (ice->agent) {
		nice_agent_attach_recv(ice->agent, ice->stream, 1,
				       g_main_context_get_thread_default(), NULL,
				       NULL);
		g_signal_handlers_disconnect_by_data(ice->agent, ice);
		struct doomed_agent *d = sfu_xmalloc(sizeof(*d));
		d->agent = ice->agent;
		d->stream = ice->stream;
		/* Not from inside the agent's own callback: later, but at the
		 * default priority, since an idle-priority source would starve
		 * while the agent's socket stays readable with nobody reading. */
		idle = g_idle_source_new();
		g_source_set_priority(idle, G_PRIORITY_DEFAULT);
		g_source_set_callback(idle, release_agent, d, NULL);
		g_source_attach(idle, g_main_context_get_thread_default());
		g_source_unref(idle);
	}
	g_free(ice->ufrag);
	g_free(ice->pwd);
	free(ice->remote_ufrag);
	free(ice->remote_pwd);
	free(ice->public_ip);
	free(ice);
}

const char *sfu_ice_ufrag(const struct sfu_ice *ice)
{
	return ice->ufrag;
}

const char *sfu_ice_pwd(const struct sfu_ice *ice)
{
	return ice->pwd;
}

void sfu_ice_local_candidates(struct sfu_ice *ice,
			      void (*fn)(void *ctx, const char *cand), void *ctx)
{
	GSList *list = nice_agent_get_local_candidates(ice->agent, ice->stream, 1);

	for (GSList *l = list; l; l = l->next) {
		char *text = candidate_text(ice, l->data);
		if (text)
			fn(ctx, text);
		free(text);
	}
	g_slist_free_full(list, (GDestroyNotify)nice_candidate_free);
}

int sfu_ice_set_remote_credentials(struct sfu_ice *ice, const char *ufrag,
				   const char *pwd)
{
	if (ice->remote_ufrag)
		return strcmp(ice->remote_ufrag, ufrag) == 0 ? 0 : -ENOTSUP;
	if (!nice_agent_set_remote_credentials(ice->agent, ice->stream, ufrag,
					       pwd))
		return -EINVAL;
	ice->remote_ufrag = sfu_xstrdup(ufrag);
	ice->remote_pwd = sfu_xstrdup(pwd);
	return 0;
}

int sfu_ice_add_remote_candidate(struct sfu_ice *ice, const char *cand,
				 size_t len)
{
	char *text = sfu_xasprintf("a=%.*s", (int)len, cand);
	NiceCandidate *c = nice_agent_parse_remote_candidate_sdp(ice->agent,
								 ice->stream,
								 text);
	GSList one = { c, NULL };
	int rc = -EINVAL;

	free(text);
	if (!c)
		return -EINVAL;
	/* Only UDP: the agent does not do ICE-TCP. */
	if (c->transport == NICE_CANDIDATE_TRANSPORT_UDP &&
	    nice_agent_set_remote_candidates(ice->agent, ice->stream, 1, &one) >= 0)
		rc = 0;
	nice_candidate_free(c);
	return rc;
}

void sfu_ice_remote_done(struct sfu_ice *ice)
{
	nice_agent_peer_candidate_gathering_done(ice->agent, ice->stream);
}

int sfu__ice_direct_send(struct sfu_ice *ice, const uint8_t *data, size_t len)
{
	ssize_t w;

	/* connected: held while the worker handles a received batch, and
	 * sent with the rest of it (outbox.h) */
	if (ice->direct_connected)
		return sfu_outbox_send(ice->direct_fd, data, len,
				       &ice->send_errors) == 0
			       ? 0
			       : -EAGAIN;
	w = sendto(ice->direct_fd, data, len, MSG_DONTWAIT,
		   (const struct sockaddr *)&ice->direct_to, ice->direct_to_len);
	return w == (ssize_t)len ? 0 : -EAGAIN;
}

int sfu_ice_send(struct sfu_ice *ice, const uint8_t *data, size_t len)
{
	gint n;

	/* libnice refuses by itself until a pair is usable; asking it
	 * anyway lets a DTLS reply go out as soon as checks succeed. */
	if (ice->state == SFU_ICE_FAILED || ice->state == SFU_ICE_CLOSED)
		return -ENOTCONN;
	if (ice->direct_fd >= 0)
		return sfu__ice_direct_send(ice, data, len);
	n = nice_agent_send(ice->agent, ice->stream, 1, (guint)len,
			    (const gchar *)data);
	return n == (gint)len ? 0 : -EAGAIN;
}

enum sfu_ice_state sfu_ice_state(const struct sfu_ice *ice)
{
	return ice->state;
}

const char *sfu_ice_selected_pair(const struct sfu_ice *ice)
{
	return ice->pair;
}

uint64_t sfu_ice_send_errors(const struct sfu_ice *ice)
{
	return ice->send_errors;
}

bool sfu_ice_owns_socket(const struct sfu_ice *ice)
{
	return ice->mux != 0;
}
