"""The reference pages of the documentation, generated from the code: the commands and their
options (the argparse parser), every output column (``sim.columns``), the policies (their
declared parameters) and the scenario's fields (the pydantic models of ``sim.scenario``).

A page holds a marker where generated text goes::

    <!-- generated: commands -->
    <!-- end generated -->

and ``render`` fills it (the MkDocs hook ``docs/hooks.py`` does so at every build). ``python -m
sim.cli.reference NAME`` prints one part: commands, columns, policies or scenario-fields.
"""

from __future__ import annotations

import argparse
import re
import sys
import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

MARKER = re.compile(r"<!-- generated: ([a-z-]+) -->\n.*?<!-- end generated -->", re.S)


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


# ---------------------------------------------------------------- commands


def _option_row(action: argparse.Action) -> str:
    if action.option_strings:
        name = ", ".join(f"`{o}`" for o in action.option_strings)
        if action.nargs != 0:
            meta = action.metavar or (
                "{" + ",".join(map(str, action.choices)) + "}"
                if action.choices
                else action.dest.upper()
            )
            name += f" `{meta}`"
    else:
        name = f"`{action.metavar or action.dest.upper()}`"
        if action.nargs in ("*", "+"):
            name += " ..."
    help_text = re.sub(r"the CPUs, \d+ here", "the CPUs", (action.help or "") % vars(action))
    if action.choices and action.option_strings:
        help_text += f" (one of {', '.join(f'`{c}`' for c in action.choices)})"
    if action.required and action.option_strings and "required" not in help_text:
        help_text += " (required)"
    return f"| {_cell(name)} | {_cell(help_text)} |"


def commands_markdown() -> str:
    """Every command of ``swsim``: what it does, its usage and each option with its default."""
    from sim.cli.parser import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {c.dest: c.help for c in sub._choices_actions}
    out = [
        _cell(parser.description),
        "",
        _cell(parser.epilog),
        "",
        "| command | what it does |",
        "|---|---|",
    ]
    out += [
        f"| [`swsim {name}`](#swsim-{name}) | {_cell(helps.get(name, ''))} |"
        for name in sub.choices
    ]
    out.append("")
    for name, command in sub.choices.items():
        out += [
            f"### swsim {name}",
            "",
            _cell(command.description or helps.get(name, "")).rstrip(".") + ".",
            "",
            "```text",
            command.format_usage().strip().removeprefix("usage: "),
            "```",
            "",
        ]
        rows = [_option_row(a) for a in command._actions if not isinstance(a, argparse._HelpAction)]
        if rows:
            out += ["| argument or option | meaning (default) |", "|---|---|", *rows, ""]
    return "\n".join(out).rstrip() + "\n"


# ---------------------------------------------------------------- scenario fields


def _type_words(annotation: Any) -> str:
    """A field's type in a reader's words: number, integer, text, yes/no, a table of ..., a list of ..."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_words(args[0])
    if origin in (typing.Union, types.UnionType):
        parts = [_type_words(a) for a in args if a is not type(None)]
        return " or ".join(parts) + (" (optional)" if type(None) in args else "")
    if origin is typing.Literal:
        return " or ".join(f'"{a}"' if isinstance(a, str) else str(a) for a in args)
    if origin is dict:
        return f"table of {_type_words(args[1])}"
    if origin is list:
        return f"list of {_type_words(args[0])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "table"
    return {float: "number", int: "integer", str: "text", bool: "true or false"}.get(
        annotation, "value"
    )


def _bounds(info: FieldInfo) -> str:
    words = []
    text = info.annotation is str
    for meta in info.metadata:
        for attr, sign in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            value = getattr(meta, attr, None)
            if value is not None:
                words.append(
                    f"{sign} {value:g}" if isinstance(value, (int, float)) else f"{sign} {value}"
                )
        for attr, sign in (("min_length", "at least"), ("max_length", "at most")):
            value = getattr(meta, attr, None)
            if value is not None:
                unit = "character" if text else "entry"
                words.append(
                    f"{sign} {value} {unit if value == 1 else unit + 's' if text else 'entries'}"
                )
        if getattr(meta, "pattern", None):
            words.append("a name: letters, digits, spaces and _ . + - # ( ) , =")
    annotation = info.annotation
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    value_type = args[1] if origin is dict else args[0] if origin is list and args else None
    if typing.get_origin(value_type) is typing.Annotated:  # the bounds of each value
        inner = FieldInfo.from_annotation(value_type)
        if inner.metadata and _bounds(inner):
            words.append("each " + _bounds(inner))
    return ", ".join(words)


def _default(info: FieldInfo) -> str:
    if info.default_factory is not None:
        try:
            value = info.default_factory()
        except TypeError:
            return ""
        if isinstance(value, BaseModel):
            return "(its defaults)"
    elif info.default is PydanticUndefined:
        return "required"
    else:
        value = info.default
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)) and not value:
        return "empty"
    if isinstance(value, str):
        return f'"{value}"'
    return f"`{value}`"


def _models(annotation: Any) -> tuple[type[BaseModel] | None, str]:
    """The model a field holds, and how its path goes on: '' (a table), '.<name>' (a table of
    them by name) or '[]' (a list of them)."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, ""
    held = [a for a in args if a is not type(None)]
    if origin in (typing.Union, types.UnionType) and len(held) == 1:
        return _models(held[0])  # an optional table
    if origin is dict and isinstance(args[1], type) and issubclass(args[1], BaseModel):
        return args[1], ".<name>"
    if origin is list and args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
        return args[0], "[]"
    return None, ""


def _first_sentence(model: type[BaseModel]) -> str:
    doc = " ".join((model.__doc__ or "").split())
    return doc.split(". ")[0].rstrip(".") + "." if doc and not doc.startswith("Usage docs") else ""


def _alike(model: type[BaseModel]) -> type[BaseModel] | None:
    """The model every field of ``model`` holds, when they all hold the same one (the levels)."""
    kinds = {info.annotation for info in model.model_fields.values()}
    kind = kinds.pop() if len(kinds) == 1 else None
    return kind if isinstance(kind, type) and issubclass(kind, BaseModel) else None


def scenario_fields_markdown() -> str:
    """Every field of a scenario, section by section: name, type, default, bounds, description."""
    from sim.scenario import Scenario

    out: list[str] = []
    sections: list[tuple[str, type[BaseModel]]] = [("", Scenario)]
    seen: set[str] = set()
    while sections:
        path, model = sections.pop(0)
        if path in seen:
            continue
        seen.add(path)
        title = f"`{path}`" if path else "the scenario's top level"
        doc = " ".join((model.__doc__ or "").split()) if model is not Scenario else ""
        out += [f"### {title} {{#{_anchor(path or 'top')}}}", ""]
        if doc and not doc.startswith("Usage docs"):
            out += [_cell(doc), ""]
        alike = _alike(model)
        if alike is not None:
            keys = ", ".join(f"`{k}`" for k in model.model_fields)
            out += [
                f"One table for each of {keys}, with the fields of `{path}.<{'level' if 'level' in path else 'key'}>`.",
                "",
            ]
            sections.insert(0, (f"{path}.<{'level' if 'level' in path else 'key'}>", alike))
            continue
        out += ["| field | type | default | bounds | description |", "|---|---|---|---|---|"]
        children = []
        for key, info in model.model_fields.items():
            inner, tail = _models(info.annotation)
            name = f"{path}.{key}" if path else key
            if inner is not None:
                children.append((name + tail, inner))
            description = info.description or (_first_sentence(inner) if inner is not None else "")
            if inner is not None:
                description += f" See [`{name + tail}`](#{_anchor(name + tail)})."
            out.append(
                f"| `{key}` | {_cell(_type_words(info.annotation))} | {_cell(_default(info))} | "
                f"{_cell(_bounds(info))} | {_cell(description.strip())} |"
            )
        out.append("")
        sections[0:0] = children
    return "\n".join(out).rstrip() + "\n"


def _anchor(path: str) -> str:
    """A section's anchor (set with the attr_list extension): its path in letters, digits and -."""
    return "field-" + re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")


# ---------------------------------------------------------------- pages


def generated(name: str) -> str:
    """The generated text of one part."""
    if name == "commands":
        return commands_markdown()
    if name == "columns":
        from sim.present.words import column_tables

        return column_tables(markdown=True)
    if name == "policies":
        from sim.present.words import policy_table

        return policy_table()
    if name == "scenario-fields":
        return scenario_fields_markdown()
    raise KeyError(f"no generated part {name!r}: commands, columns, policies or scenario-fields")


def render(markdown: str) -> str:
    """A page with every generated part filled in between its markers."""
    return MARKER.sub(
        lambda m: (
            f"<!-- generated: {m.group(1)} -->\n{generated(m.group(1)).strip()}\n"
            "<!-- end generated -->"
        ),
        markdown,
    )


if __name__ == "__main__":
    for part in sys.argv[1:] or ["commands", "columns", "policies", "scenario-fields"]:
        sys.stdout.write(generated(part) + "\n")
