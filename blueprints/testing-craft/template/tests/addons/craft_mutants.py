"""The planted faults (mutants) and the harmless rewrites (equivalents) of each module.

Each is the module as the add-on ships it with a few edits: a text found exactly once
and what replaces it. ``says`` is what a mutant changes, for the failure message.
"""

from craft_runner import Variant

RETRY_EQUIVALENTS = [
    Variant(
        "retry loop rewritten",
        "tries once per pause, then a last time",
        (
            (
                """        pauses = self.delays()
        while True:
            try:
                return func()
            except self.retry_on as error:
                pause = next(pauses, None)
                if pause is None:
                    raise RetryError(self.attempts) from error
                sleep(pause)
""",
                """        for pause in self.delays():
            try:
                return func()
            except self.retry_on:
                pass
            sleep(pause)
        try:
            return func()
        except self.retry_on as last:
            raise RetryError(self.attempts) from last
""",
            ),
        ),
    ),
    Variant(
        "delays written with a counter",
        "computes each pause from the one before, with other names",
        (
            (
                """        delay = self.base_delay
        for _ in range(self.attempts - 1):
            yield min(delay, self.max_delay)
            delay *= self.factor
""",
                """        # Pauses grow geometrically, capped.
        pause, left = self.base_delay, self.attempts - 1
        while left > 0:
            yield pause if pause < self.max_delay else self.max_delay
            pause = pause * self.factor
            left -= 1
""",
            ),
        ),
    ),
]

RETRY_MUTANTS = [
    Variant(
        "one attempt too many",
        "pauses once more than it should, so it makes attempts + 1 attempts",
        (("range(self.attempts - 1)", "range(self.attempts)"),),
    ),
    Variant(
        "no cap",
        "never caps a pause at max_delay",
        (("yield min(delay, self.max_delay)", "yield delay"),),
    ),
    Variant(
        "linear backoff",
        "adds factor to the pause instead of multiplying by it",
        (("delay *= self.factor", "delay += self.factor"),),
    ),
    Variant(
        "retries everything",
        "retries every exception, not only those of retry_on",
        (("except self.retry_on as error:", "except Exception as error:"),),
    ),
    Variant(
        "cause dropped",
        "raises RetryError without the last failure as its __cause__",
        (("from error", "from None"),),
    ),
    Variant(
        "zero attempts accepted",
        "accepts attempts=0 instead of raising ValueError",
        (("if self.attempts < 1:", "if self.attempts < 0:"),),
    ),
]

TTL_EQUIVALENTS = [
    Variant(
        "get rewritten",
        "looks the entry up with a try block",
        (
            (
                """        entry = self._entries.get(key)
        if entry is None:
            return default
        expires, value = entry
        if self._clock() >= expires:""",
                """        try:
            expires, value = self._entries[key]
        except KeyError:
            return default
        if not self._clock() < expires:""",
            ),
        ),
    ),
    Variant(
        "len rewritten",
        "counts live entries with a loop",
        (
            (
                """        now = self._clock()
        return sum(1 for expires, _ in self._entries.values() if now < expires)""",
                """        count, now = 0, self._clock()
        for expires, _value in self._entries.values():
            if expires > now:
                count += 1
        return count""",
            ),
        ),
    ),
]

TTL_MUTANTS = [
    Variant(
        "alive one tick too long",
        "keeps an entry at the very moment its ttl ends (> instead of >=)",
        (("if self._clock() >= expires:", "if self._clock() > expires:"),),
    ),
    Variant(
        "get does not refresh",
        "forgets that get() makes an entry the most recently used",
        (
            (
                "        self._entries.move_to_end(key)\n        return value",
                "        return value",
            ),
        ),
    ),
    Variant(
        "evicts the newest",
        "drops the most recently used entry when full, not the least",
        (("popitem(last=False)", "popitem(last=True)"),),
    ),
    Variant(
        "one entry short",
        "holds one entry fewer than max_entries",
        (
            (
                "len(self._entries) > self.max_entries",
                "len(self._entries) >= self.max_entries",
            ),
        ),
    ),
    Variant(
        "len counts the expired",
        "counts expired entries in len()",
        (("if now < expires)", ")"),),
    ),
    Variant(
        "overwrite keeps the old expiry",
        "keeps the first expiry time when a key is set again",
        (
            (
                "        self._entries[key] = (self._clock() + self.ttl, value)",
                (
                    "        old = self._entries.get(key)\n"
                    "        expires = old[0] if old else self._clock() + self.ttl\n"
                    "        self._entries[key] = (expires, value)"
                ),
            ),
        ),
    ),
]

WEBHOOK_EQUIVALENTS = [
    Variant(
        "status checks reordered",
        "tests for a refusal before a temporary failure",
        (
            (
                """            if status == 429 or status >= 500:
                raise TemporaryFailure(status)
            if status >= 400:
                raise DeliveryError(f"{self.url} refused {event!r}: status {status}")""",
                """            if 400 <= status < 500 and status != 429:
                raise DeliveryError(f"{self.url} refused {event!r}: status {status}")
            if status >= 400:
                raise TemporaryFailure(status)""",
            ),
        ),
    ),
    Variant(
        "headers built in another order",
        "builds the same headers one by one",
        (
            (
                """        headers = {
            "Content-Type": "application/json",
            "X-Event": event,
            SIGNATURE_HEADER: sign(self.secret, body),
        }""",
                """        headers = {SIGNATURE_HEADER: sign(self.secret, body)}
        headers["X-Event"] = event
        headers["Content-Type"] = "application/json\"""",
            ),
        ),
    ),
]

WEBHOOK_MUTANTS = [
    Variant(
        "retries refusals",
        "retries a 4xx refusal as if it were temporary",
        (("if status == 429 or status >= 500:", "if status >= 400:"),),
    ),
    Variant(
        "429 is final",
        "gives up at once on 429 Too Many Requests instead of retrying",
        (("if status == 429 or status >= 500:", "if status >= 500:"),),
    ),
    Variant(
        "no pause",
        "does not call the injected sleep between attempts",
        (
            (
                "self.retry.call(attempt, sleep=self.sleep)",
                "self.retry.call(attempt, sleep=lambda _: None)",
            ),
        ),
    ),
    Variant(
        "signs the event name",
        "signs the event name instead of the body",
        (
            (
                "SIGNATURE_HEADER: sign(self.secret, body),",
                "SIGNATURE_HEADER: sign(self.secret, event.encode()),",
            ),
        ),
    ),
    Variant(
        "wrong URL",
        "posts to the URL with a trailing slash added",
        (
            (
                "self.client.post(self.url, body, headers)",
                'self.client.post(self.url + "/", body, headers)',
            ),
        ),
    ),
    Variant(
        "no content type",
        "leaves out the Content-Type header",
        (('            "Content-Type": "application/json",\n', ""),),
    ),
]

TRANSPORT_EQUIVALENTS = [
    Variant(
        "status read with getcode",
        "reads the status with the response's getcode() and returns early",
        (
            (
                """            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status: int = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        return status""",
                """            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return int(response.getcode())
        except urllib.error.HTTPError as failure:
            return int(failure.code)""",
            ),
        ),
    ),
]

TRANSPORT_MUTANTS = [
    Variant(
        "headers dropped",
        "sends none of the headers it is given",
        (("headers=dict(headers)", "headers={}"),),
    ),
    Variant(
        "HTTP errors raised",
        "lets an error status escape as urllib's HTTPError instead of returning it",
        (
            (
                "        except urllib.error.HTTPError as error:\n            status = error.code\n",
                "        finally:\n            pass\n",
            ),
        ),
    ),
    Variant(
        "errors look like success",
        "returns 200 for every error status",
        (("            status = error.code", "            status = 200"),),
    ),
    Variant(
        "body dropped",
        "sends an empty body",
        (("url, data=body,", 'url, data=b"",'),),
    ),
]

TOKEN_BUCKET_EQUIVALENTS = [
    Variant(
        "acquire rewritten",
        "decides first, then takes",
        (
            (
                """        if self._tokens < tokens:
            return False
        self._tokens -= tokens
        return True""",
                """        enough = self._tokens >= tokens
        if enough:
            self._tokens = self._tokens - tokens
        return enough""",
            ),
        ),
    ),
    Variant(
        "refill with a local",
        "names the elapsed time",
        (
            (
                """        saved = self._tokens + (now - self._updated) * self.rate
        self._tokens = min(float(self.capacity), saved)""",
                """        elapsed = now - self._updated
        self._tokens = min(float(self.capacity), self._tokens + elapsed * self.rate)""",
            ),
        ),
    ),
]

TOKEN_BUCKET_MUTANTS = [
    Variant(
        "no capacity",
        "saves up tokens past the capacity",
        (("min(float(self.capacity), saved)", "saved"),),
    ),
    Variant(
        "time counted twice",
        "never moves its last refill time, so the same seconds refill it again and again",
        (("        self._updated = now\n", ""),),
    ),
    Variant(
        "starts empty",
        "starts with no tokens instead of a full bucket",
        (("self._tokens = float(capacity)", "self._tokens = 0.0"),),
    ),
    Variant(
        "refuses the last token",
        "refuses when exactly enough tokens are left (<= instead of <)",
        (("if self._tokens < tokens:", "if self._tokens <= tokens:"),),
    ),
    Variant(
        "wait ignores the bucket",
        "computes wait_time as if the bucket were empty",
        (("max(0.0, (tokens - self._tokens) / self.rate)", "tokens / self.rate"),),
    ),
    Variant(
        "huge requests accepted",
        "accepts a request for more tokens than the capacity instead of raising ValueError",
        ((" or tokens > self.capacity", ""),),
    ),
]

# The sha256 of each given module as the add-on ships it (see craft_runner.digest).
SHIPPED: dict[str, str] = {
    "reliability/retry.py": (
        "3a8ece8223acc3bd3a9f0bb9fed8de9a237c3aaae67bf82953712a255a534175"
    ),
    "reliability/ttl_cache.py": (
        "d2fc72013963618f68498aea17cd83e8a1acd0e871cf967f125d4c9b0d954244"
    ),
    "reliability/webhook.py": (
        "a001522f8330e3892b9253e6affa108471c1f945bbf70b73bd3da159e194dbf1"
    ),
    "reliability/transport.py": (
        "5e5deb418cb80990382daff68a9d6a5bcc4c20927416a63bb711d34756f1a2df"
    ),
}
