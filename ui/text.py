"""Text from outside (a link, a dataset, an editor) shown as text, never as markdown.

Streamlit renders markdown in ``st.markdown``, ``st.caption``, ``st.write``, alerts,
labels and titles: links, images, KaTeX (``$x$``), colour and icon directives
(``:red[..]``, ``:material/..:``), emoji short codes and HTML would all come alive from a
partner name or a query string. :func:`plain` turns any value into markdown source that
renders as exactly its characters; :func:`t_plain` is ``t()`` with every text parameter made
plain (the translation's own markdown stays). Every page uses these two for outside text.

Escaping is not enough for bare addresses: GitHub-style autolinks are found in the text
after parsing, so a word joiner (U+2060, invisible) is put inside ``http://``, ``www.``
and before ``@``; the text reads the same and nothing becomes a link.

>>> plain("**x** [Click](x)")
'\\\\*\\\\*x\\\\*\\\\* \\\\[Click\\\\]\\\\(x\\\\)'
"""

from __future__ import annotations

import re

from i18n import fmt, strings, t

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping all
# of them leaves no link, image, emphasis, code, math, directive or HTML tag.
_PUNCTUATION_RE = re.compile(r"([!-/:-@\[-`{-~])")
_SPACES_RE = re.compile(r"[ \t]*[\r\n]+[ \t]*")
WORD_JOINER = "\u2060"
_AUTOLINK_RE = re.compile(r"(?i)(https?:(?=//)|www(?=\.)|(?=@))")


def plain(value: object) -> str:
    """``value`` as markdown that shows its text and nothing else (one line)."""
    text = "" if value is None else str(value)
    text = _SPACES_RE.sub(" ", text)  # no headings, lists or quotes from a new line
    text = _AUTOLINK_RE.sub(lambda m: m.group(1) + WORD_JOINER, text)
    return _PUNCTUATION_RE.sub(r"\\\1", text)


def t_plain(key: str, lang: str, **params: object) -> str:
    """``t(key, lang, **params)`` with every text parameter shown as text. A plural key
    (``<key>.one`` / ``.other``, i18n.fmt.plural) is chosen by its ``count`` parameter."""
    safe = {k: plain(v) if isinstance(v, str) else v for k, v in params.items()}
    count = params.get("count")
    if isinstance(count, int) and f"{key}.other" in strings(lang):
        return fmt.plural(key, count, lang, **{**safe, "count": fmt.integer(count, lang)})
    return t(key, lang, **safe)
