"""A strict parser for the Prometheus text exposition format (0.0.4).

It refuses what the format or its conventions do not allow, instead of
guessing: a sample before its family's # TYPE, a family declared twice,
bad metric or label names, unescaped label values, duplicate series,
values that are not numbers, counters whose name does not end in _total,
# HELP or # TYPE lines that do not match the samples' family. A histogram
family's samples are <name>_bucket (with an "le" label; counts that do not
fall as "le" grows, ending with "+Inf"), <name>_sum and <name>_count (equal
to the +Inf bucket).
"""

import math
import re

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*\Z")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"')
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}
SUFFIXES = {"histogram": ("_bucket", "_sum", "_count"), "summary": ("_sum", "_count")}


class FormatError(ValueError):
    pass


def _labels(text, where):
    labels = {}
    pos = 0
    while pos < len(text):
        m = LABEL.match(text, pos)
        if not m:
            raise FormatError("%s: bad label list %r" % (where, text))
        name = m.group(1)
        if name in labels:
            raise FormatError("%s: label %s twice" % (where, name))
        labels[name] = m.group(2)
        pos = m.end()
        if pos < len(text):
            if text[pos] != ",":
                raise FormatError("%s: expected ',' in labels" % where)
            pos += 1
    return labels


def _value(text, where):
    if text in ("+Inf", "-Inf", "NaN"):
        return float(text.replace("Inf", "inf").replace("NaN", "nan"))
    try:
        v = float(text)
    except ValueError:
        raise FormatError("%s: value %r is not a number" % (where, text))
    if math.isnan(v) and text != "NaN":
        raise FormatError("%s: bad value" % where)
    return v


def parse(text):
    """Return {family: {"type", "help", "samples": [(labels, value)]}}."""
    if not text.endswith("\n"):
        raise FormatError("the exposition must end with a newline")
    families = {}
    current = None
    series = set()
    for n, line in enumerate(text.split("\n")[:-1], 1):
        where = "line %d" % n
        if line == "":
            continue
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            kind, rest = line[2:6], line[7:]
            name, _, arg = rest.partition(" ")
            if not NAME.match(name):
                raise FormatError("%s: bad metric name %r" % (where, name))
            fam = families.setdefault(name, {"type": None, "help": None, "samples": []})
            if fam["samples"]:
                raise FormatError("%s: # %s after samples of %s" % (where, kind, name))
            if kind == "TYPE":
                if fam["type"] is not None:
                    raise FormatError("%s: second # TYPE for %s" % (where, name))
                if arg not in TYPES:
                    raise FormatError("%s: unknown type %r" % (where, arg))
                fam["type"] = arg
            else:
                if fam["help"] is not None:
                    raise FormatError("%s: second # HELP for %s" % (where, name))
                if not arg:
                    raise FormatError("%s: empty HELP" % where)
                fam["help"] = arg
            current = name
            continue
        if line.startswith("#"):
            continue
        m = re.match(r"([^{ ]+)(?:\{(.*)\})? (\S+)(?: (-?\d+))?\Z", line)
        if not m:
            raise FormatError("%s: bad sample line %r" % (where, line))
        name, labels, value = m.group(1), m.group(2) or "", m.group(3)
        if not NAME.match(name):
            raise FormatError("%s: bad metric name %r" % (where, name))
        family = _family_of(name, current, families)
        if family is None:
            raise FormatError("%s: sample of %s without its # TYPE just before" % (where, name))
        key = (name, tuple(sorted(_labels(labels, where).items())))
        if key in series:
            raise FormatError("%s: duplicate series %r" % (where, key))
        series.add(key)
        fam = families[family]
        v = _value(value, where)
        if fam["type"] == "counter" and (not name.endswith("_total") or v < 0):
            raise FormatError("%s: counter %s must end in _total and be >= 0" % (where, name))
        fam["samples"].append((dict(key[1]), v) if name == family
                              else (dict(key[1], __name__=name), v))
    for name, fam in families.items():
        if fam["type"] is None or fam["help"] is None:
            raise FormatError("%s lacks # TYPE or # HELP" % name)
        if fam["type"] == "histogram":
            _check_histogram(name, fam["samples"])
    return families


def _family_of(name, current, families):
    """The family a sample belongs to: the one declared just before, under
    its own name or, for a histogram or summary, a suffixed one."""
    if current is None or families.get(current, {}).get("type") is None:
        return None
    if name == current and families[current]["type"] not in SUFFIXES:
        return current
    for suffix in SUFFIXES.get(families[current]["type"], ()):
        if name == current + suffix:
            return current
    return None


def _check_histogram(name, samples):
    buckets, count = [], None
    for labels, v in samples:
        kind = labels.get("__name__")
        if kind == name + "_bucket":
            if "le" not in labels:
                raise FormatError("%s: a bucket without le" % name)
            buckets.append((_value(labels["le"], name + " le"), v))
        elif kind == name + "_count":
            count = v
    if not buckets or buckets[-1][0] != math.inf or count is None:
        raise FormatError("%s: a histogram needs buckets up to +Inf and _count" % name)
    for (le0, c0), (le1, c1) in zip(buckets, buckets[1:]):
        if le1 <= le0 or c1 < c0:
            raise FormatError("%s: buckets must rise in le and count" % name)
    if buckets[-1][1] != count:
        raise FormatError("%s: the +Inf bucket differs from _count" % name)


def value(families, name, **labels):
    for lab, v in families[name]["samples"]:
        if lab == labels:
            return v
    raise KeyError((name, labels))


def histogram(families, name):
    """[(le, cumulative count)] and the _count of a histogram family."""
    buckets, count = [], None
    for lab, v in families[name]["samples"]:
        if lab.get("__name__") == name + "_bucket":
            buckets.append((_value(lab["le"], name), v))
        elif lab.get("__name__") == name + "_count":
            count = v
    return buckets, count
