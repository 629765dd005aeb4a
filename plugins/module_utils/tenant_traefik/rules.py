"""A parser for Traefik v3 router rules, so v2 syntax is refused before Traefik sees it.

Traefik v3 parses rules with its own grammar (pkg/rules) and the matcher table in
pkg/muxer/http/matcher.go: each matcher takes a fixed number of backtick- or
double-quoted arguments, and `&&`, `||`, `!` and parentheses combine them. The JSON
schemas treat rules as opaque strings, so a v2 rule (``Host(`a`, `b`)``,
``HostRegexp(`{sub:.+}.example.com`)``, ``Headers(...)``) validates there and only
fails, or silently matches nothing, once Traefik loads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Matcher -> accepted argument counts, from Traefik v3's pkg/muxer/http/matcher.go.
V3_MATCHERS: dict[str, tuple[int, ...]] = {
    "ClientIP": (1,),
    "Method": (1,),
    "Host": (1,),
    "HostRegexp": (1,),
    "Path": (1,),
    "PathRegexp": (1,),
    "PathPrefix": (1,),
    "Header": (2,),
    "HeaderRegexp": (2,),
    "Query": (1, 2),
    "QueryRegexp": (1, 2),
}

# v2 matchers that v3 renamed or dropped, with what to write instead.
V2_MATCHERS: dict[str, str] = {
    "Headers": "Header",
    "HeadersRegexp": "HeaderRegexp",
    "HostHeader": "Host",
}

# v2 wrote path/host variables as {name:regex}; v3 takes plain Go regular expressions.
_V2_VARIABLE = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(:[^}]*)?\}")

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<and>&&) | (?P<or>\|\|) | (?P<not>!) | (?P<lp>\() | (?P<rp>\)) | (?P<comma>,)
        | `(?P<bt>[^`]*)` | "(?P<dq>(?:[^"\\]|\\.)*)"
        | (?P<ident>[A-Za-z][A-Za-z0-9]*)
    )""",
    re.VERBOSE,
)


@dataclass
class Matcher:
    """One matcher call in a rule, e.g. PathPrefix(`/websocket`)."""

    name: str
    args: list[str] = field(default_factory=list)


def _tokens(rule: str) -> tuple[list[tuple[str, str]], str | None]:
    out: list[tuple[str, str]] = []
    pos = 0
    stripped = rule.rstrip()
    while pos < len(stripped):
        m = _TOKEN.match(stripped, pos)
        if not m or m.end() == pos:
            return out, f"unexpected character {stripped[pos:].lstrip()[:1]!r} at {pos}"
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out, None


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.matchers: list[Matcher] = []

    def peek(self) -> str | None:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def take(self, kind: str) -> str:
        if self.peek() != kind:
            found = self.tokens[self.pos][1] if self.pos < len(self.tokens) else "end of rule"
            raise ValueError(f"expected {kind!r}, found {found!r}")
        value = self.tokens[self.pos][1]
        self.pos += 1
        return value

    def expr(self) -> None:
        self.term()
        while self.peek() in ("and", "or"):
            self.pos += 1
            self.term()

    def term(self) -> None:
        kind = self.peek()
        if kind == "not":
            self.pos += 1
            self.term()
        elif kind == "lp":
            self.pos += 1
            self.expr()
            self.take("rp")
        elif kind == "ident":
            name = self.take("ident")
            self.take("lp")
            args: list[str] = []
            if self.peek() != "rp":
                args.append(self.string())
                while self.peek() == "comma":
                    self.pos += 1
                    args.append(self.string())
            self.take("rp")
            self.matchers.append(Matcher(name, args))
        else:
            found = self.tokens[self.pos][1] if kind else "end of rule"
            raise ValueError(f"expected a matcher, '!' or '(', found {found!r}")

    def string(self) -> str:
        kind = self.peek()
        if kind in ("bt", "dq"):
            self.pos += 1
            return self.tokens[self.pos - 1][1]
        found = self.tokens[self.pos][1] if kind else "end of rule"
        raise ValueError(f"expected a quoted argument, found {found!r}")


def parse_rule(rule: str) -> tuple[list[Matcher], list[str]]:
    """The matchers of a rule and the syntax problems found (empty when it parses)."""
    tokens, error = _tokens(rule)
    if error:
        return [], [error]
    if not tokens:
        return [], ["empty rule"]
    parser = _Parser(tokens)
    try:
        parser.expr()
        if parser.pos != len(tokens):
            raise ValueError(f"unexpected {tokens[parser.pos][1]!r} after a complete rule")
    except ValueError as exc:
        return parser.matchers, [str(exc)]
    return parser.matchers, []


def check_rule(rule: str) -> list[str]:
    """Problems Traefik v3 would have with a router rule; empty when the rule is v3.

    Refuses: syntax errors, unknown and v2-only matchers (Headers, HostHeader...),
    v2 multi-argument forms (``Host(`a`, `b`)``), v2 ``{name:regex}`` variables, paths
    not starting with '/', and non-ASCII hosts (Traefik refuses both).
    """
    if not isinstance(rule, str):
        return [f"rule must be a string, got {type(rule).__name__}"]
    matchers, problems = parse_rule(rule)
    for m in matchers:
        if m.name in V2_MATCHERS:
            problems.append(f"{m.name}() is Traefik v2 syntax; v3 uses {V2_MATCHERS[m.name]}()")
            continue
        counts = V3_MATCHERS.get(m.name)
        if counts is None:
            problems.append(f"{m.name}() is not a Traefik v3 matcher")
            continue
        if len(m.args) not in counts:
            want = " or ".join(str(c) for c in counts)
            hint = (
                f"; v3 takes one value per matcher: {m.name}(`a`) || {m.name}(`b`)"
                if counts == (1,) and len(m.args) > 1
                else ""
            )
            problems.append(f"{m.name}() takes {want} argument(s), got {len(m.args)}{hint}")
        for arg in m.args:
            if _V2_VARIABLE.search(arg) and m.name in (
                "Host",
                "HostRegexp",
                "Path",
                "PathPrefix",
                "PathRegexp",
            ):
                problems.append(
                    f"{m.name}(`{arg}`) uses a v2 {{name:regex}} variable; v3 takes a plain "
                    "regular expression in HostRegexp()/PathRegexp()"
                )
        if m.name in ("Path", "PathPrefix") and m.args and not m.args[0].startswith("/"):
            problems.append(f"{m.name}(`{m.args[0]}`) must start with '/'")
        if m.name == "Host" and m.args and not m.args[0].isascii():
            problems.append(f"Host(`{m.args[0]}`) must be ASCII (use the punycode form)")
    return problems


def rule_matchers(rule: str) -> list[Matcher]:
    """The matchers of a rule that parses; empty for one that does not."""
    matchers, problems = parse_rule(rule)
    return [] if problems else matchers
