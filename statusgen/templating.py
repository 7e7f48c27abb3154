"""Jinja's costs on every page cut, the same text out: the page's context made as one dict, the templates' globals and
the calls a template makes read directly, Markup written as it is. Each does what Jinja's own does, for the cases
statusgen's pages meet, and leaves every other case to Jinja (measured in docs/architecture.md)."""
from __future__ import annotations

from collections import ChainMap
from functools import partial
from types import BuiltinFunctionType, FunctionType, MethodType

import jinja2.runtime
from markupsafe import Markup, escape

from .texts import Text


def install(environment) -> None:
    """Pelican's `environment` set up for statusgen's pages: autoescape (every author string is text; Pelican's default
    is none), and what follows in place of Jinja's own."""
    environment.autoescape = True
    jinja2.runtime.escape = escape_output  # what each `{{ }}` is written with
    environment.make_globals = globals_maker(environment)
    environment.context_class = Context


def escape_output(value) -> Markup | str:
    """What a template's `{{ value }}` writes with autoescape (the theme's pages: jinja2.runtime.escape): markupsafe's
    escape, except that Markup is given back as it is, not copied (most values a page writes are Markup already,
    made by statusgen.tags and by gettext; the copy was a tenth of a page's rendering), and a str (or a Text, or an
    int) is escaped as markupsafe does it but given back as a str (escaped_text): Jinja's compiled code only writes
    what this gives into the page or into a buffer that becomes Markup whole, so nothing reads it as Markup, and
    making each one Markup was 0.85 us of the 1.1 each took (about 140 a page). The same text either way."""
    kind = type(value)
    if kind is Markup:
        return value
    if kind is str or kind is Text:  # an author's text (a title, a name) is a Text: a str with its translations
        return escaped_text(value)
    if kind is int:  # an update's number, a count: digits
        return str(value)
    return escape(value)


def escaped_text(text: str) -> str:
    """`text` as markupsafe.escape writes it (& < > ' " as &amp; &lt; &gt; &#39; &#34;), as a str."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "'" in text:
        text = text.replace("'", "&#39;")
    if '"' in text:
        text = text.replace('"', "&#34;")
    return text


class Globals(ChainMap):
    """A template's globals (its own, then the environment's), as Jinja's ChainMap but read without an exception for
    each name its first map lacks (most are the environment's): a page that imports the macros compares their
    names with the page's, 60 us a page with the ChainMap, 15 with this. The same names and values either way."""

    def __getitem__(self, key):
        for scope in self.maps:
            if key in scope:
                return scope[key]
        return self.__missing__(key)

    def __contains__(self, key) -> bool:
        return any(key in scope for scope in self.maps)

    def keys(self):
        return _merged(self.maps).keys()


def _merged(scopes) -> dict:
    """One dict of a ChainMap's maps (the first wins, as in the ChainMap)."""
    made: dict = {}
    for scope in reversed(scopes):
        made.update(scope)
    return made


def globals_maker(environment):
    """Environment.make_globals for `environment`: the globals of each template it loads, as Globals."""
    return lambda own=None: Globals(own if own is not None else {}, environment.globals)


def template_values(template, values) -> dict:
    """A new dict of the template's globals and then `values` (which win), as Jinja's render makes it: for render."""
    made = _merged(getattr(template.globals, "maps", [template.globals]))
    made.update(values)
    return made


def render(template, values: dict) -> str:
    """The page `template` makes of `values` (template_values): template.render without its two copies of them.
    Jinja copies the values, then again with the template's globals, a ChainMap read key by key (an exception for
    each key its empty first map lacks): 60 us a page, a twentieth of an incident page. The same text either way."""
    context = template.new_context(values, shared=True)  # shared: the values are the context, globals included
    try:
        return template.environment.concat(template.root_render_func(context))
    except Exception:  # noqa: BLE001 - as Template.render: the traceback points at the template's lines
        template.environment.handle_exception()


# Callables whose `jinja_pass_arg` (pass_context and its kin), if any, is in their own __dict__: a function, a
# partial, a macro; a method's is its function's. Builtins have none.
_OWN_DICT = (FunctionType, partial, jinja2.runtime.Macro)


class Context(jinja2.runtime.Context):
    """The page's context, whose `call` (every `f(...)` in a template: about sixty a page) calls a function, partial,
    method, builtin or macro that takes no context directly: Jinja's own looks for `jinja_pass_arg` twice on each
    callable, on it and on its __call__, 1 us a call (an attribute lookup that fails raises inside). What takes a
    context, and any other callable, goes through Jinja's own."""

    def call(__self, __obj, *args, **kwargs):  # Jinja's own names: a call may pass `self=` or `obj=`
        kind = type(__obj)
        if kind in _OWN_DICT:
            plain = "jinja_pass_arg" not in __obj.__dict__
        elif kind is MethodType:
            plain = type(__obj.__func__) is FunctionType and "jinja_pass_arg" not in __obj.__func__.__dict__
        else:
            plain = kind is BuiltinFunctionType
        if not plain:
            return super().call(__obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined("value was undefined because a callable raised a StopIteration "
                                                "exception")
