"""statusgen.templating: Jinja's per-page costs cut without changing a byte. Each piece against Jinja's own, on
templates that exercise what it takes a short cut for and what it leaves to Jinja."""
from __future__ import annotations

from collections import ChainMap
from functools import partial

import jinja2
import pytest
from jinja2 import pass_context, pass_environment, pass_eval_context

from statusgen import templating


class Callable:
    @pass_context
    def __call__(self, context, word):
        return f"{word} in {context['where']}"


class Helper:
    def plain(self, word):
        return f"[{word}]"

    @pass_context
    def with_context(self, context, word):
        return f"{word}@{context['where']}"


def stops():
    raise StopIteration


TEMPLATE = """\
{% macro shout(word) %}{{ word|upper }}{% if caller %}{{ caller() }}{% endif %}{% endmacro -%}
{{ plain('a') }} {{ ctx('b') }} {{ env_fn('c') }} {{ eval_fn('d') }} {{ part('e') }} {{ part_ctx('f') }}
{{ helper.plain('g') }} {{ helper.with_context('h') }} {{ callable_obj('i') }} {{ len('jkl') }} {{ shout('m') }}
{% for n in [1, 2] %}{{ ctx(n) }} {{ plain(n) }} {{ shout(n) }} {{ loop.cycle('x', 'y') }}{% endfor %}
{% call shout('n') %}inner {{ plain('o') }}{% endcall %} [{{ stops() }}] {{ where }} {{ shadowed }}
{% set where = 'set here' %}{{ ctx('p') }} {% for q in [1] %}{% set where = 'in a loop' %}{{ ctx(q) }}{% endfor %}
"""


def environment(ours: bool) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.DictLoader({"page.html": TEMPLATE}), autoescape=True)
    if ours:
        templating.install(env)
    env.globals.update(
        plain=lambda word: f"<{word}>", ctx=pass_context(lambda context, word: f"{word}/{context['where']}"),
        env_fn=pass_environment(lambda env, word: f"{word}:{env.autoescape}"),
        eval_fn=pass_eval_context(lambda eval_ctx, word: f"{word}:{eval_ctx.autoescape}"),
        part=partial(lambda prefix, word: prefix + word, "p-"),
        part_ctx=pass_context(partial(lambda prefix, context, word: prefix + word + context["where"], "q-")),
        helper=Helper(), callable_obj=Callable(), len=len, stops=stops, shadowed="from the globals")
    return env


def test_a_page_is_the_same_text_as_jinja_makes_with_every_kind_of_callable():
    values = {"where": "the values", "shadowed": "from the values"}
    theirs = environment(False).get_template("page.html").render(values)
    template = environment(True).get_template("page.html")
    ours = templating.render(template, templating.template_values(template, values))
    assert ours == theirs
    assert "from the values" in ours and "b/the values" in ours and "1/in a loop" in ours and "[]" in ours
    assert isinstance(template.globals, templating.Globals)


def test_a_failing_call_is_raised_with_the_templates_line():
    env = environment(True)
    env.globals["boom"] = lambda: 1 / 0
    template = env.from_string("line one\n{{ boom() }}")
    with pytest.raises(ZeroDivisionError) as raised:
        templating.render(template, templating.template_values(template, {}))
    frames = [(str(entry.path), entry.lineno + 1) for entry in raised.traceback]  # lineno: from 0
    assert ("<template>", 2) in frames, frames  # as Template.render rewrites it: the template's own line


def test_the_globals_read_as_jinjas_chain_map_does():
    own, shared = {"a": 1}, {"a": 2, "b": 3}
    ours, theirs = templating.Globals(own, shared), ChainMap(own, shared)
    assert dict(ours) == dict(theirs) and set(ours.keys()) == set(theirs.keys()) and len(ours) == len(theirs)
    assert ours["a"] == 1 and ours["b"] == 3 and "b" in ours and "c" not in ours
    with pytest.raises(KeyError):
        ours["c"]
    shared["c"] = 4  # the environment's globals, changed later (each language's): seen at once
    assert ours["c"] == 4 and {"a", "b", "c"} - ours.keys() == set()


def test_plain_text_is_written_as_markupsafe_escapes_it():
    """escape_output gives a str as markupsafe.escape writes it (as a str: Jinja only writes it out), Markup as it
    is, and anything else to markupsafe."""
    import random

    from markupsafe import Markup, escape

    rng = random.Random(20261208)
    alphabet = "&<>'\"ab c/é😀\n;#=%"
    texts = ["", "plain", "&amp;", "<b>\"it's\"</b>", "a & b > c", "&&<<>>''\"\""]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(30))) for _ in range(2000)]
    for text in texts:
        assert templating.escape_output(text) == str(escape(text)) and type(templating.escape_output(text)) is str
    from statusgen.texts import Text

    for text in texts[:300]:
        assert templating.escape_output(Text(text, {"fr": "<x>"})) == str(escape(text))
    for number in (0, 7, -12, 10**20, True, 2.5):
        assert templating.escape_output(number) == str(escape(number))
    marked = Markup("<em>kept</em>")
    assert templating.escape_output(marked) is marked
    assert templating.escape_output(42) == "42" and templating.escape_output(None) == "None"
