"""The site seen through a proxy that plants one fault, or changes nothing a visitor can tell.

A browser test earns its grade by failing when the site breaks in a way a visitor would
notice. The checks run your tests against the site through this proxy, once per *variant*:

- the site as it is, and *equivalents* that a good test cannot tell from it: every answer
  slower and the word counter late (tests that look before the page is ready fail), or a
  busy site with other speakers and shifted ids (tests that count rows or name a talk by
  its number fail);
- *mutants*, each a fault a visitor would see: a wrong password that signs in, a counter
  that stops counting, a proposal thanked and dropped, a decision that does the opposite.

The faults are made here, between the browser and the site, so they are the same whatever
code your site's tasks wrote: requests are rewritten on their way to the site (which
still checks each one, CSRF token included), answers replaced, and a script added
to every page changes what the word counter shows. The script removes itself as it runs,
and the site never learns which variant it serves.
"""

from __future__ import annotations

import http.client
import re
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Headers that belong to one connection, never forwarded (RFC 9110, section 7.6.1).
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
}

# What the word counter's element shows, rewritten in the page: the element is the one the
# propose task names, id="abstract-count". "freeze" keeps its first text; "plus-one" adds
# one to the first number in it; "late" shows each new text 0.6 s after the page wrote it.
COUNTER_SCRIPT = """<script>(() => {
  document.currentScript.remove();
  const mode = "%s";
  if (!mode) return;
  const watch = (counter) => {
    let shown = counter.textContent;
    let pending = null;
    const write = (text) => { shown = text; counter.textContent = text; };
    const plusOne = (text) => text.replace(/\\d+/, (n) => String(Number(n) + 1));
    if (mode === "plus-one") write(plusOne(shown));
    new MutationObserver(() => {
      const now = counter.textContent;
      if (now === shown) return;
      if (mode === "freeze") write(shown);
      else if (mode === "plus-one") write(plusOne(now));
      else if (mode === "late") {
        counter.textContent = shown;
        clearTimeout(pending);
        pending = setTimeout(() => write(now), 600);
      }
    }).observe(counter, { childList: true, characterData: true, subtree: true });
  };
  document.addEventListener("DOMContentLoaded", () => {
    const counter = document.getElementById("abstract-count");
    if (counter) watch(counter);
  });
})();</script>"""

# Words added to a short abstract by the mutant that lets it through.
FILLER = "filler"


@dataclass(frozen=True)
class Exchange:
    """One request as the browser sent it: method, path (with query), headers, body."""

    method: str
    path: str
    headers: list[tuple[str, str]]
    body: bytes

    def form(self) -> list[tuple[str, str]]:
        # Bytes that are not UTF-8 go through as they came (surrogates), never an error.
        return urllib.parse.parse_qsl(
            self.body.decode("utf-8", "surrogateescape"),
            keep_blank_values=True,
            errors="surrogateescape",
        )

    def with_form(self, fields: list[tuple[str, str]]) -> Exchange:
        body = urllib.parse.urlencode(fields, errors="surrogateescape").encode(
            "utf-8", "surrogateescape"
        )
        return Exchange(self.method, self.path, self.headers, body)

    def with_cookie(self, name: str, value: str) -> Exchange:
        """This request with cookie ``name`` set to ``value`` (the others as they were)."""
        headers = []
        for key, text in self.headers:
            if key.lower() == "cookie":
                kept = [
                    c for c in text.split(";") if c.strip().partition("=")[0] != name
                ]
                text = ";".join([*kept, f" {name}={value}"]).strip()
            headers.append((key, text))
        if not any(key.lower() == "cookie" for key, _ in headers):
            headers.append(("Cookie", f"{name}={value}"))
        return Exchange(self.method, self.path, headers, self.body)

    def route(self) -> str:
        return urllib.parse.urlsplit(self.path).path


@dataclass(frozen=True)
class Answer:
    """A response to send to the browser."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


@dataclass(frozen=True)
class Variant:
    """How the proxy treats the site: nothing, an equivalent, or one planted fault.

    ``says`` is what a learner reads when the variant survives (or, for an equivalent,
    fails); ``rewrite`` changes a request before the site sees it, ``after`` may replace
    the site's answer. Every request reaches the site, its CSRF check included, so no
    fault shows as a difference the site would not make.
    """

    name: str
    says: str
    counter: str = ""  # COUNTER_SCRIPT's mode
    delay: float = 0.0  # seconds added before every answer
    busy: bool = False  # the site with other speakers and shifted ids
    rewrite: Callable[[Proxy, Exchange], Exchange] | None = None
    after: Callable[[Proxy, Exchange, Answer], Answer] | None = None


def form_field(exchange: Exchange, name: str) -> str:
    return next((value for key, value in exchange.form() if key == name), "")


def is_post(proxy: Proxy, exchange: Exchange, path: str) -> bool:
    return exchange.method == "POST" and exchange.route() == proxy.paths[path]


def any_password(proxy: Proxy, exchange: Exchange) -> Exchange:
    if not is_post(proxy, exchange, "login"):
        return exchange
    known = proxy.passwords.get(form_field(exchange, "username"))
    if known is None:
        return exchange
    return exchange.with_form(
        [(k, known if k == "password" else v) for k, v in exchange.form()]
    )


def forget_next(proxy: Proxy, exchange: Exchange) -> Exchange:
    if not is_post(proxy, exchange, "login"):
        return exchange
    kept = [(k, v) for k, v in exchange.form() if k != "next"]
    return Exchange("POST", exchange.route(), exchange.headers, b"").with_form(kept)


# The session cookie of a session that does not exist: a request that carries it reaches
# the site's views (and its CSRF check, as the visitor's would) as nobody's.
NOBODY = "e2enobody" + "0" * 23


def keep_session(proxy: Proxy, exchange: Exchange) -> Exchange:
    """Sign-out sent on as nobody's: the site checks its CSRF token, signs nobody out."""
    if not is_post(proxy, exchange, "logout"):
        return exchange
    return exchange.with_cookie("sessionid", NOBODY)


def keep_session_cookie(proxy: Proxy, exchange: Exchange, answer: Answer) -> Answer:
    """The site's answer without what it says of the session cookie it was sent."""
    if not is_post(proxy, exchange, "logout"):
        return answer
    return Answer(answer.status, without_session_cookie(answer.headers), answer.body)


def without_session_cookie(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [
        (key, value)
        for key, value in headers
        if not (key.lower() == "set-cookie" and value.startswith("sessionid="))
    ]


def hide_sign_in_error(proxy: Proxy, exchange: Exchange, answer: Answer) -> Answer:
    if not is_post(proxy, exchange, "login") or answer.status != 200:
        return answer
    blank = Exchange("GET", exchange.path, without_body(exchange.headers), b"")
    return proxy.ask_site(blank)


def words(text: str) -> int:
    return len(text.split())


def valid_proposal(proxy: Proxy, exchange: Exchange) -> bool:
    return (
        is_post(proxy, exchange, "propose")
        and bool(form_field(exchange, "title").strip())
        and 30 <= words(form_field(exchange, "abstract")) <= 300
    )


def drop_proposal(proxy: Proxy, exchange: Exchange) -> Exchange:
    """A valid proposal sent on as nobody's: the site checks its CSRF token, then sends
    nobody to sign in (``drop_answer`` makes that the page a saved proposal goes to)."""
    if not valid_proposal(proxy, exchange):
        return exchange
    return exchange.with_cookie("sessionid", NOBODY)


def drop_answer(proxy: Proxy, exchange: Exchange, answer: Answer) -> Answer:
    if not valid_proposal(proxy, exchange) or answer.status != 302:
        return answer
    headers = [
        (key, value)
        for key, value in without_session_cookie(answer.headers)
        if key.lower() != "location"
    ]
    return Answer(302, [*headers, ("Location", proxy.paths["mine"])], b"")


def pad_abstract(proxy: Proxy, exchange: Exchange) -> Exchange:
    if not is_post(proxy, exchange, "propose"):
        return exchange
    fields = exchange.form()
    padded = []
    for key, value in fields:
        if key == "abstract" and words(value) < 30:
            value = " ".join([value.strip(), *[FILLER] * (30 - words(value))]).strip()
        padded.append((key, value))
    return exchange.with_form(padded)


def decided(to: str, instead: str) -> Callable[[Proxy, Exchange], Exchange]:
    def rewrite(proxy: Proxy, exchange: Exchange) -> Exchange:
        if exchange.method != "POST" or not proxy.decide.fullmatch(exchange.route()):
            return exchange
        return exchange.with_form(
            [
                (k, instead if (k, v) == ("decision", to) else v)
                for k, v in exchange.form()
            ]
        )

    return rewrite


def open_review(proxy: Proxy, exchange: Exchange, answer: Answer) -> Answer:
    if exchange.method != "GET" or exchange.route() != proxy.paths["review"]:
        return answer
    if answer.status != 403:
        return answer
    return proxy.ask_site_as_reviewer(exchange)


def without_body(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(k, v) for k, v in headers if k.lower() not in {"content-type", "origin"}]


REFERENCE = Variant("the site", "the site as it is")

EQUIVALENTS = {
    "slow": Variant(
        "slow",
        "the site answering 0.15 s later with each page and its word counter showing each count 0.6 s "
        "late: wait for what you expect (Playwright's expect() waits), never for a "
        "fixed time, and never read a page before it shows the answer",
        counter="late",
        delay=0.15,
    ),
    "busy": Variant(
        "busy",
        "a busy site: other speakers with proposals of their own (some accepted), and "
        "every id shifted: find a talk by its title, never by its place or its number",
        busy=True,
    ),
}

MUTANTS = {
    "any-password": Variant(
        "any-password",
        "a wrong password signs in as that person",
        rewrite=any_password,
    ),
    "forget-next": Variant(
        "forget-next",
        "signing in from a page that asked for it no longer goes back to that page",
        rewrite=forget_next,
    ),
    "keep-session": Variant(
        "keep-session",
        "Sign out leaves you signed in",
        rewrite=keep_session,
        after=keep_session_cookie,
    ),
    "silent-error": Variant(
        "silent-error",
        "a failed sign-in shows an empty form again, without saying what went wrong",
        after=hide_sign_in_error,
    ),
    "frozen-counter": Variant(
        "frozen-counter",
        "the word counter keeps showing its first count while the speaker types",
        counter="freeze",
    ),
    "counter-plus-one": Variant(
        "counter-plus-one",
        "the word counter shows one word more than the abstract has",
        counter="plus-one",
    ),
    "dropped-proposal": Variant(
        "dropped-proposal",
        "a valid proposal goes to My proposals without a thank-you, and is not saved",
        rewrite=drop_proposal,
        after=drop_answer,
    ),
    "short-abstract": Variant(
        "short-abstract",
        "an abstract under 30 words is accepted (filled up with words the speaker never wrote)",
        rewrite=pad_abstract,
    ),
    "accept-rejects": Variant(
        "accept-rejects",
        "Accept rejects the talk",
        rewrite=decided("accept", "reject"),
    ),
    "reject-accepts": Variant(
        "reject-accepts",
        "Reject accepts the talk",
        rewrite=decided("reject", "accept"),
    ),
    "open-review": Variant(
        "open-review",
        "a speaker without the review permission is shown the proposals to review",
        after=open_review,
    ),
}


@dataclass
class Proxy:
    """A proxy on 127.0.0.1 in front of the site at ``site`` (``http://host:port``).

    ``paths`` are the site's addresses (``e2e_site`` reads them from the site),
    ``passwords`` the known people's. ``start()`` returns the proxy's own URL; ``stop()``
    closes it. Each request is handled in a thread of its own.
    """

    site: str
    paths: dict[str, str]
    passwords: dict[str, str]
    reviewer: tuple[str, str]
    variant: Variant = REFERENCE
    _server: ThreadingHTTPServer | None = None
    _reviewer_cookie: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def decide(self) -> re.Pattern[str]:
        return re.compile(re.escape(self.paths["decide"]).replace(r"\{id\}", r"\d+"))

    def start(self) -> str:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def handle_one(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                exchange = Exchange(
                    self.command, self.path, list(self.headers.items()), body
                )
                answer = proxy.handle(exchange)
                self.send_response(answer.status)
                for key, value in answer.headers:
                    if key.lower() not in HOP_BY_HOP:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                if self.command != "HEAD":
                    try:
                        self.wfile.write(answer.body)
                    except (BrokenPipeError, ConnectionResetError):
                        # The browser went on (a test ended, a page was left) first.
                        self.close_connection = True

            do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_PATCH = handle_one

            def log_message(self, format: str, *args: object) -> None:
                """Nothing: the tests' output is theirs."""

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: object, client_address: object) -> None:
                """Nothing: a browser that hangs up mid-answer is no error of the site's."""

        self._server = Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def handle(self, exchange: Exchange) -> Answer:
        variant = self.variant
        if variant.rewrite is not None:
            exchange = variant.rewrite(self, exchange)
        answer = self.ask_site(exchange)
        if variant.after is not None:
            answer = variant.after(self, exchange, answer)
        if variant.delay and is_page(answer) and answer.status < 300:
            time.sleep(variant.delay)
        return answer

    def ask_site(self, exchange: Exchange, cookie: str | None = None) -> Answer:
        """The site's answer to ``exchange``, its pages carrying the counter's script."""
        target = urllib.parse.urlsplit(self.site)
        connection = http.client.HTTPConnection(
            target.hostname or "", target.port, timeout=30
        )
        try:
            headers = {}
            for key, value in exchange.headers:
                if key.lower() in HOP_BY_HOP or key.lower() == "accept-encoding":
                    continue
                if key.lower() == "cookie" and cookie is not None:
                    continue
                headers[key] = value
            if cookie is not None:
                headers["Cookie"] = cookie
            if exchange.body or exchange.method == "POST":
                headers["Content-Length"] = str(len(exchange.body))
            connection.request(exchange.method, exchange.path, exchange.body, headers)
            response = connection.getresponse()
            body = response.read()
            answer_headers = response.getheaders()
        finally:
            connection.close()
        answer = Answer(response.status, answer_headers, body)
        if is_page(answer) and body:
            body = with_script(body, COUNTER_SCRIPT % self.variant.counter)
        return Answer(response.status, answer_headers, body)

    def ask_site_as_reviewer(self, exchange: Exchange) -> Answer:
        """The site's answer to ``exchange`` for the reviewer, signed in by the proxy itself."""
        with self._lock:
            if not self._reviewer_cookie:
                self._reviewer_cookie = self.sign_in(*self.reviewer)
        plain = Exchange(
            exchange.method, exchange.path, without_body(exchange.headers), b""
        )
        return self.ask_site(plain, cookie=self._reviewer_cookie)

    def sign_in(self, username: str, password: str) -> str:
        """A Cookie header of a session signed in as ``username``."""
        page = self.ask_site(Exchange("GET", self.paths["login"], [], b""), cookie="")
        cookies = session_cookies(page.headers)
        token = cookies.get("csrftoken", "")
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": password}
        ).encode()
        posted = self.ask_site(
            Exchange(
                "POST",
                self.paths["login"],
                [("Content-Type", "application/x-www-form-urlencoded")],
                form,
            ),
            cookie=cookie_header(cookies),
        )
        cookies |= session_cookies(posted.headers)
        if posted.status != 302 or "sessionid" not in cookies:
            raise RuntimeError(
                f"the proxy could not sign in as {username} ({posted.status})"
            )
        return cookie_header(cookies)


def is_page(answer: Answer) -> bool:
    """The answer is an HTML page, or a redirect to one (not a script or a stylesheet)."""
    kind = {k.lower(): v for k, v in answer.headers}.get("content-type", "")
    return kind.startswith("text/html") or 300 <= answer.status < 400


def session_cookies(headers: list[tuple[str, str]]) -> dict[str, str]:
    found = {}
    for key, value in headers:
        if key.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            found[name.strip()] = rest.split(";", 1)[0]
    return found


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def with_script(page: bytes, script: str) -> bytes:
    """``page`` with ``script`` first in its head (or first of all without one)."""
    text = page.decode("utf-8", errors="surrogateescape")
    head = re.search(r"<head[^>]*>", text, re.IGNORECASE)
    at = head.end() if head else 0
    return (text[:at] + script + text[at:]).encode("utf-8", errors="surrogateescape")
