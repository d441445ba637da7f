/*
 * test-dcep.c - tests src/dcep.c: DATA_CHANNEL_OPEN and ACK parsing of
 * hand-built messages (every channel type, empty and long label and
 * protocol), refusal of every malformed form (each truncation of a valid
 * OPEN on an exact-size heap copy so the sanitizers catch over-reads,
 * trailing bytes, unknown types), the writer's bounds, write/parse round
 * trips, and the PPID helpers.
 */
#include "dcep.h"

#include <stdlib.h>

#include "tap.h"

/* OPEN: partial reliable rexmit unordered, priority 256, 3 rexmits,
 * label "chat", protocol "json". */
static const uint8_t open_msg[] = {
	0x03, 0x81, 0x01, 0x00, 0x00, 0x00, 0x00, 0x03,
	0x00, 0x04, 0x00, 0x04, 'c', 'h', 'a', 't', 'j', 's', 'o', 'n',
};

static uint8_t *dup_exact(const uint8_t *p, size_t len)
{
	uint8_t *d = malloc(len ? len : 1);

	if (len)
		memcpy(d, p, len);
	return d;
}

static int parse_copy(const uint8_t *p, size_t len, struct sfu_dcep_msg *m)
{
	uint8_t *d = dup_exact(p, len);
	int rc = sfu_dcep_parse(d, len, m);

	free(d);
	return rc;
}

static void test_open(void)
{
	struct sfu_dcep_msg m;

	is_int(sfu_dcep_parse(open_msg, sizeof(open_msg), &m), 0, "open");
	is_int(m.type, SFU_DCEP_OPEN, "type open");
	is_int(m.open.channel_type, SFU_DCEP_REXMIT_UNORDERED, "chan type");
	is_int(m.open.priority, 256, "priority");
	is_int(m.open.reliability, 3, "reliability");
	is_int(m.open.label_len, 4, "label len");
	ok(m.open.label == open_msg + 12, "label points in place");
	ok(memcmp(m.open.label, "chat", 4) == 0, "label bytes");
	is_int(m.open.protocol_len, 4, "protocol len");
	ok(m.open.protocol == open_msg + 16, "protocol points in place");
	ok(memcmp(m.open.protocol, "json", 4) == 0, "protocol bytes");
	ok(!sfu_dcep_ordered(m.open.channel_type), "unordered");
}

static void test_open_empty_strings(void)
{
	static const uint8_t p[] = { 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	struct sfu_dcep_msg m;

	is_int(sfu_dcep_parse(p, sizeof(p), &m), 0, "open, no label");
	is_int(m.open.label_len, 0, "label empty");
	ok(m.open.label == NULL, "label NULL");
	is_int(m.open.protocol_len, 0, "protocol empty");
	ok(m.open.protocol == NULL, "protocol NULL");
	ok(sfu_dcep_ordered(m.open.channel_type), "reliable is ordered");
}

/* The reliability field of reliable channels is ignored on receipt. */
static void test_reliable_ignores_param(void)
{
	uint8_t p[12] = { 3, 0x80, 0, 1, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0 };
	struct sfu_dcep_msg m;

	is_int(sfu_dcep_parse(p, sizeof(p), &m), 0, "reliable unordered");
	is_int(m.open.reliability, 0, "reliability ignored");
	is_int(m.open.priority, 1, "priority 1");
	p[1] = SFU_DCEP_TIMED;
	is_int(sfu_dcep_parse(p, sizeof(p), &m), 0, "timed");
	ok(m.open.reliability == 0xdeadbeefu, "timed keeps lifetime");
}

static void test_channel_types(void)
{
	static const uint8_t good[] = { 0x00, 0x01, 0x02, 0x80, 0x81, 0x82 };
	static const uint8_t bad[] = { 0x03, 0x04, 0x7f, 0x83, 0xff, 0x40 };
	uint8_t p[12] = { 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	struct sfu_dcep_msg m;

	for (size_t i = 0; i < sizeof(good); i++) {
		p[1] = good[i];
		is_int(sfu_dcep_parse(p, sizeof(p), &m), 0, "type 0x%02x ok",
		       good[i]);
		ok(sfu_dcep_channel_valid(good[i]), "0x%02x valid", good[i]);
	}
	for (size_t i = 0; i < sizeof(bad); i++) {
		p[1] = bad[i];
		is_int(sfu_dcep_parse(p, sizeof(p), &m), -EINVAL,
		       "type 0x%02x refused", bad[i]);
	}
	is_str(sfu_dcep_channel_name(0x00), "reliable", "name reliable");
	is_str(sfu_dcep_channel_name(0x81), "rexmit-unordered", "name 0x81");
	is_str(sfu_dcep_channel_name(0x02), "timed", "name timed");
	is_str(sfu_dcep_channel_name(0x83), "unknown", "name unknown");
}

static void test_ack(void)
{
	static const uint8_t ack[] = { 0x02 }, ack2[] = { 0x02, 0x00 };
	uint8_t out[4];
	struct sfu_dcep_msg m;

	is_int(parse_copy(ack, 1, &m), 0, "ack");
	is_int(m.type, SFU_DCEP_ACK, "type ack");
	is_int(m.open.label_len, 0, "ack has no open fields");
	is_int(sfu_dcep_parse(ack2, 2, &m), -EINVAL, "ack with trailing");
	is_int(sfu_dcep_write_ack(out, sizeof(out)), 1, "write ack");
	is_int(out[0], 0x02, "ack byte");
	is_int(sfu_dcep_write_ack(out, 0), -ENOSPC, "ack no space");
	is_int(sfu_dcep_write_ack(NULL, 4), -ENOSPC, "ack NULL out");
}

static void test_malformed(void)
{
	static const uint8_t unknown[] = { 0x01 }, zero[] = { 0x00 },
			     ff[] = { 0xff, 0, 0 };
	uint8_t p[sizeof(open_msg) + 1];
	struct sfu_dcep_msg m;
	int refused = 0;

	is_int(sfu_dcep_parse(NULL, 0, &m), -EINVAL, "NULL");
	is_int(parse_copy(open_msg, 0, &m), -EINVAL, "empty");
	is_int(sfu_dcep_parse(unknown, 1, &m), -EINVAL, "type 1");
	is_int(sfu_dcep_parse(zero, 1, &m), -EINVAL, "type 0");
	is_int(sfu_dcep_parse(ff, 3, &m), -EINVAL, "type 0xff");
	for (size_t n = 1; n < sizeof(open_msg); n++)
		refused += parse_copy(open_msg, n, &m) == -EINVAL;
	is_int(refused, sizeof(open_msg) - 1, "every truncation refused");
	is_int(m.type, 0, "refused message zeroed");
	memcpy(p, open_msg, sizeof(open_msg));
	p[sizeof(open_msg)] = 'x';
	is_int(parse_copy(p, sizeof(p), &m), -EINVAL, "trailing byte");
	p[11] = 5; /* protocol claims the trailing byte: now exact */
	is_int(parse_copy(p, sizeof(p), &m), 0, "longer protocol");
	is_int(m.open.protocol_len, 5, "protocol len 5");
	p[9] = 0xff; /* label longer than the message */
	is_int(parse_copy(p, sizeof(p), &m), -EINVAL, "label overruns");
	p[9] = 4;
	p[11] = 0xff;
	is_int(parse_copy(p, sizeof(p), &m), -EINVAL, "protocol overruns");
	p[8] = 0xff, p[9] = 0xff, p[10] = 0xff, p[11] = 0xff;
	is_int(parse_copy(p, sizeof(p), &m), -EINVAL, "huge lengths");
}

static void test_write_bounds(void)
{
	static uint8_t big[SFU_DCEP_STR_MAX + 1];
	uint8_t out[64];
	struct sfu_dcep_open o = { .channel_type = SFU_DCEP_RELIABLE,
				   .label = (const uint8_t *)"chat",
				   .label_len = 4 };

	is_int(sfu_dcep_open_size(&o), 16, "size");
	is_int(sfu_dcep_write_open(&o, out, 16), 16, "exact fit");
	is_int(sfu_dcep_write_open(&o, out, 15), -ENOSPC, "one short");
	is_int(sfu_dcep_write_open(&o, NULL, 0), -ENOSPC, "NULL out");
	o.reliability = 1;
	is_int(sfu_dcep_write_open(&o, out, 64), -EINVAL,
	       "reliable with a parameter");
	o.reliability = 0;
	o.channel_type = 0x03;
	is_int(sfu_dcep_write_open(&o, out, 64), -EINVAL, "bad channel type");
	o.channel_type = SFU_DCEP_RELIABLE;
	o.label = big;
	o.label_len = sizeof(big);
	is_int(sfu_dcep_write_open(&o, out, 64), -EINVAL, "label too long");
	o.label_len = 4;
	o.protocol = big;
	o.protocol_len = sizeof(big);
	is_int(sfu_dcep_write_open(&o, out, 64), -EINVAL, "proto too long");
	o.protocol = NULL;
	o.protocol_len = 3;
	is_int(sfu_dcep_write_open(&o, out, 64), -EINVAL, "NULL protocol");
	o.protocol_len = 0;
	o.label = NULL;
	is_int(sfu_dcep_write_open(&o, out, 64), -EINVAL, "NULL label");
}

/* Write, parse back, compare; also against the hand-built bytes. */
static void test_round_trip(void)
{
	static uint8_t buf[SFU_DCEP_OPEN_MAX], s[SFU_DCEP_STR_MAX];
	struct sfu_dcep_open o = { .channel_type = SFU_DCEP_REXMIT_UNORDERED,
				   .priority = 256, .reliability = 3,
				   .label = (const uint8_t *)"chat",
				   .label_len = 4,
				   .protocol = (const uint8_t *)"json",
				   .protocol_len = 4 };
	struct sfu_dcep_msg m;
	int n = sfu_dcep_write_open(&o, buf, sizeof(buf));

	is_int(n, sizeof(open_msg), "written length");
	ok(memcmp(buf, open_msg, sizeof(open_msg)) == 0, "bytes as spec");
	memset(s, 'a', sizeof(s));
	o = (struct sfu_dcep_open){ .channel_type = SFU_DCEP_TIMED,
				    .priority = 0xffff,
				    .reliability = 0xffffffffu, .label = s,
				    .label_len = sizeof(s), .protocol = s,
				    .protocol_len = sizeof(s) };
	n = sfu_dcep_write_open(&o, buf, sizeof(buf));
	is_int(n, SFU_DCEP_OPEN_MAX, "largest open");
	is_int(sfu_dcep_parse(buf, (size_t)n, &m), 0, "parses back");
	is_int(m.open.label_len, SFU_DCEP_STR_MAX, "max label");
	is_int(m.open.protocol_len, SFU_DCEP_STR_MAX, "max protocol");
	ok(m.open.reliability == 0xffffffffu, "max reliability");
	is_int(m.open.priority, 0xffff, "max priority");
	ok(m.open.protocol == buf + 12 + SFU_DCEP_STR_MAX, "protocol offset");
}

static void test_ppid(void)
{
	bool b = false, e = false, p = false;

	is_int(sfu_dcep_ppid(false, 5), SFU_PPID_STRING, "string");
	is_int(sfu_dcep_ppid(true, 5), SFU_PPID_BINARY, "binary");
	is_int(sfu_dcep_ppid(false, 0), SFU_PPID_STRING_EMPTY, "empty str");
	is_int(sfu_dcep_ppid(true, 0), SFU_PPID_BINARY_EMPTY, "empty bin");
	is_int(sfu_dcep_ppid_info(51, &b, &e, &p), 0, "51 data");
	ok(!b && !e && !p, "51 string");
	is_int(sfu_dcep_ppid_info(53, &b, &e, &p), 0, "53 data");
	ok(b && !e && !p, "53 binary");
	is_int(sfu_dcep_ppid_info(56, &b, &e, &p), 0, "56 data");
	ok(!b && e && !p, "56 empty string");
	is_int(sfu_dcep_ppid_info(57, &b, &e, &p), 0, "57 data");
	ok(b && e && !p, "57 empty binary");
	is_int(sfu_dcep_ppid_info(52, &b, &e, &p), 0, "52 data");
	ok(b && !e && p, "52 binary partial");
	is_int(sfu_dcep_ppid_info(54, &b, &e, &p), 0, "54 data");
	ok(!b && !e && p, "54 string partial");
	is_int(sfu_dcep_ppid_info(50, &b, &e, &p), -EINVAL, "50 is DCEP");
	is_int(sfu_dcep_ppid_info(55, &b, &e, &p), -EINVAL, "55 unknown");
	is_int(sfu_dcep_ppid_info(0, &b, &e, &p), -EINVAL, "0 unknown");
	ok(!b && !e && p, "outputs untouched on error");
}

int main(void)
{
	test_open();
	test_open_empty_strings();
	test_reliable_ignores_param();
	test_channel_types();
	test_ack();
	test_malformed();
	test_write_bounds();
	test_round_trip();
	test_ppid();
	return tap_done();
}
