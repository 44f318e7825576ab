"""The HTML stepper: one self-contained page (no network) showing a backward pass step by step: the graph
with the current op highlighted, the rule as rendered math, the gradients as heat maps; arrow keys step."""
from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any, Optional, Union

import numpy as np

from ..viz.labels import clean
from ..graph import forward_order
from .graphsvg import GraphPicture, graph_picture, step_node
from .mathsvg import latex_svg
from .explain_page import ArrayTable, explain_spec, shown_entries
from .formulas import element_formulas
from .slices import grid_slice
from .steps import Step, Steps

TEMPLATE = Path(__file__).with_name("stepper.html")
HEAT_SIZE = 32
MAX_SLICES = 16
CELL_BUDGET = 8192


def heat_map(title: str, array: np.ndarray, stats: str) -> dict[str, Any]:
    """A gradient for the page: its stats line and up to MAX_SLICES 2-D slices (≤ HEAT_SIZE² cells each,
    CELL_BUDGET cells in all) with values divided by each slice's scale, rounded to 4 places, null = NaN/Inf."""
    first = grid_slice(array, 0, HEAT_SIZE, HEAT_SIZE)
    if first is None:
        formulas = [{"index": where, "text": text} for where, text in element_formulas(array)]
        return {"title": title, "stats": stats, "count": 0, "slices": [], "formulas": formulas}
    per = first.rows * first.cols
    wanted = max(1, min(first.count, MAX_SLICES, CELL_BUDGET // per))
    slices = []
    for k in range(wanted):
        window = first if k == 0 else grid_slice(array, k, HEAT_SIZE, HEAT_SIZE)
        assert window is not None
        scaled = window.values / window.scale if window.scale > 0 else np.zeros_like(window.values)
        rounded = np.round(scaled, 4)
        values = [v if np.isfinite(v) else None for v in rounded.ravel().tolist()] \
            if not np.isfinite(rounded).all() else rounded.ravel().tolist()
        slices.append({"label": window.label, "rows": window.rows, "cols": window.cols, "pad": window.pad,
                       "scale": window.scale, "truncated": window.truncated, "values": values,
                       "leading": list(window.leading)})
    return {"title": title, "stats": stats, "count": first.count, "slices": slices, "shape": list(array.shape)}


def _rule_image(latex: str) -> Optional[str]:
    svg = latex_svg(latex) if latex else None
    if svg is None:
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def step_data(step: Step, rules: dict[str, int], node: Optional[str],
              table: Optional[ArrayTable] = None) -> dict[str, Any]:
    """What the page shows for one step (the rule as an index into the page's rule images, -1 for none); with
    `table`, what clicking a cell of an input's gradient needs (explain_page: the term generator and its arrays)."""
    inputs = [{"name": name, "stats": str(stats) if stats is not None else "no gradient (needs none)"}
              for name, stats in zip(step.input_names, step.stats_in)]
    maps = [heat_map(f"{step.grad_name} at {step.output_name}", step.grad_out, str(step.stats_out))]
    maps[0]["role"] = "delta"
    for k, (name, g, stats) in enumerate(zip(step.input_names, step.grads_in, step.stats_in)):
        if g is None:
            continue
        shown = heat_map(f"→ {name}", g, str(stats))
        shown["input"] = k
        if table is not None and shown["slices"]:
            shown["explain"] = explain_spec(step, k, table, shown_entries(g, shown["slices"]))
        maps.append(shown)
    delta = table.add(step.grad_out) if table is not None and step.grad_out.dtype != object else None
    return {"delta": delta, "index": step.index, "op": step.op, "module_path": list(step.module_path), "where": step.where(),
            "source": step.source_line or "", "rule_unicode": step.rule_unicode, "rule_latex": step.rule_latex,
            "rule": rules.get(step.rule_latex, -1), "output": step.output_name, "output_stats": str(step.stats_out),
            "inputs": inputs, "heat": maps, "node": node, "nonfinite": step.has_nonfinite,
            "grad_name": step.grad_name, "primitives": list(step.primitives)}


def page_data(steps: Steps, picture: Optional[GraphPicture]) -> dict[str, Any]:
    """Everything the page's script reads, JSON-safe."""
    images: list[str] = []
    rules: dict[str, int] = {}
    for step in steps:
        if step.rule_latex and step.rule_latex not in rules:
            image = _rule_image(step.rule_latex)
            if image is not None:
                rules[step.rule_latex] = len(images)
                images.append(image)
    root = steps.root
    table = ArrayTable()
    shown = [step_data(s, rules, step_node(picture, s.fn) if picture else None, table) for s in steps]
    return {"root": {"name": steps.label(root), "shape": list(root.shape)}, "start": max(steps.position, 0),
            "breakpoints": sorted({p.op for p in steps.breakpoints if isinstance(p.op, str)}),
            "rules": images, "graph": picture is not None, "steps": shown, "arrays": table.arrays}


def page(steps: Steps, names: Any = None, graph: bool = True, timeout: Optional[float] = 120.0) -> str:
    """The whole page as one HTML string: the template with the data, the graph SVG and the title filled in.
    The graph is left out (the page says why) without a renderer or when it is too big to lay out in `timeout`."""
    from ..viz.rendering import HINT, LayoutError

    if len(steps) == 0:
        raise ValueError("inspect.html: the backward pass has no steps (the tensor was not made by any op)")
    titles = {id(t): steps.label(t) for t in forward_order(steps.root)}
    why = f"The graph is not drawn: {HINT}. The list on the left shows every step."
    try:
        picture = (graph_picture(steps.root, names, titles, timeout, steps.expand_composites, steps.notation)
                   if graph else None)
    except LayoutError as err:
        picture, why = None, f"The graph is not drawn: {err}. The list on the left shows every step."
    data = script_json(page_data(steps, picture))
    title = f"backward pass of {steps.label(steps.root)} — tinygrad-edu step"
    svg = picture.svg if picture else f'<p class="nograph">{_escape(clean(why))}</p>'
    fill = {"TITLE": _escape(clean(title)), "GRAPH_SVG": svg, "STEPPER_DATA": data}
    return re.sub(r"__(TITLE|GRAPH_SVG|STEPPER_DATA)__", lambda m: fill[m.group(1)],
                  TEMPLATE.read_text(encoding="utf-8"))


def write_html(steps: Steps, path: Union[str, Path], names: Any = None, graph: bool = True,
               timeout: Optional[float] = 120.0) -> Path:
    """Write the stepper page for `steps` to `path` (UTF-8) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page(steps, names, graph, timeout), encoding="utf-8")
    return path


def script_json(data: Any) -> str:
    """`data` as JSON that is inert inside a <script> element whatever its strings hold: ASCII only (so
    U+2028 and lone surrogates are \\u escapes) and no < > & at all (no `</script>`, `<!--`, `<script`
    can change how the HTML parser reads the element)."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
