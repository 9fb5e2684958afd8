"""The published diagram opens in bpmn-js (the viewer the case page uses) without a single warning."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import NODE_MODULES, ROOT

DIAGRAM = ROOT / "workflows" / "information_sharing.bpmn"
VIEWER = NODE_MODULES / "bpmn-js" / "dist" / "bpmn-viewer.production.min.js"

IMPORT = """async (xml) => {
  const viewer = new BpmnJS({ container: '#canvas' });
  const { warnings } = await viewer.importXML(xml);
  const canvas = viewer.get('canvas');
  canvas.zoom('fit-viewport');
  const registry = viewer.get('elementRegistry');
  return {
    warnings: warnings.map(w => w.message),
    drawn: registry.getAll().map(e => e.id),
    svgShapes: document.querySelectorAll('#canvas .djs-element').length,
  };
}"""


@pytest.mark.e2e
def test_the_diagram_renders_in_bpmn_js_without_warnings(browser: Any, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1800, "height": 1000})
    page.set_content('<html><body style="margin:0"><div id="canvas" style="width:1800px;height:1000px"></div>'
                     "</body></html>")
    page.add_script_tag(path=str(VIEWER))
    result = page.evaluate(IMPORT, DIAGRAM.read_text(encoding="utf-8"))
    page.screenshot(path=str(tmp_path / "information_sharing.png"))

    assert result["warnings"] == []
    for element in ("start_concern", "start_request", "share_at_once", "determine_lawful_basis", "manager_advice",
                    "dsl_advice", "send_securely", "receipt_confirmed", "record_decision", "review_decision"):
        assert element in result["drawn"]
    assert result["svgShapes"] > 150
