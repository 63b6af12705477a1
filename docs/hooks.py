"""MkDocs hook: fill the reference pages' generated parts from the code at every build.

A page marks each part with ``<!-- generated: NAME -->`` and ``<!-- end generated -->``;
``sim.cli.reference.render`` puts the commands (the argparse parser), the output columns, the
policies or the scenario's fields between them.
"""

from sim.cli.reference import render


def on_page_markdown(markdown, page, config, files):
    return render(markdown)
