"""Random tokens (CSP nonces): unpredictable, URL-safe, unpadded."""

from __future__ import annotations

import re

from flask_statuspages.tokens import random_token


def test_random_tokens_are_url_safe_unpadded_and_never_repeat() -> None:
    tokens = [random_token(18) for _ in range(2000)]
    assert len(set(tokens)) == len(tokens)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{24}", token) for token in tokens)
    joined = "".join(tokens)
    assert "-" in joined and "_" in joined  # the URL-safe alphabet, not "+" and "/"
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", random_token(16))  # no "=" padding
