// The diff page's diagram: a read-only bpmn-js viewer of the newer diagram, with what was added
// (green), changed (amber) and the steps something was removed from (red, dashed) marked; selecting a
// change in the list selects it on the diagram and brings it into view. A script file of its own: the
// pages allow no inline script (Content-Security-Policy).
/* global BpmnJS */
(function startDiffView() {
  const holder = document.getElementById('diff-canvas');
  if (!holder) return;
  const status = document.getElementById('diff-diagram-status');
  const viewer = new BpmnJS({ container: holder });
  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');
  const selection = viewer.get('selection');
  const entries = Array.from(document.querySelectorAll('li[data-marks]'));

  function box(element) {
    if (element.waypoints) {
      const xs = element.waypoints.map((p) => p.x);
      const ys = element.waypoints.map((p) => p.y);
      const x = Math.min(...xs);
      const y = Math.min(...ys);
      return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
    }
    return { x: element.x, y: element.y, width: element.width, height: element.height };
  }

  function bringIntoView(elements) {
    const boxes = elements.map(box);
    const left = Math.min(...boxes.map((b) => b.x));
    const top = Math.min(...boxes.map((b) => b.y));
    const right = Math.max(...boxes.map((b) => b.x + b.width));
    const bottom = Math.max(...boxes.map((b) => b.y + b.height));
    const outer = canvas.viewbox().outer;
    const padding = 160;
    const scale = Math.min(outer.width / (right - left + 2 * padding), outer.height / (bottom - top + 2 * padding), 1.2);
    const width = outer.width / scale;
    const height = outer.height / scale;
    canvas.viewbox({ x: (left + right) / 2 - width / 2, y: (top + bottom) / 2 - height / 2, width, height });
  }

  function show(ids) {
    const elements = ids.map((id) => registry.get(id));
    if (!elements.length) return;
    selection.select(elements);
    bringIntoView(elements);
    holder.scrollIntoView({ block: 'nearest' });
    status.textContent = 'Showing ' + elements.map((e) => (e.businessObject && e.businessObject.name) || e.id).join(', ')
      + ' on the diagram.';
  }

  function markAll() {
    entries.forEach((entry) => {
      const ids = entry.dataset.marks.split(' ').filter((id) => id && (registry.get(id) || {}).id === id);
      const button = entry.querySelector('button.diff-show');
      ids.forEach((id) => canvas.addMarker(id, 'mark-' + entry.dataset.status));
      if (!button) return;
      if (!ids.length) {
        button.disabled = true;
        button.title = 'Not on this diagram';
        return;
      }
      button.addEventListener('click', () => show(ids));
    });
  }

  fetch(holder.dataset.diagramUrl, { credentials: 'same-origin', headers: { Accept: 'application/xml' } })
    .then((response) => {
      if (!response.ok) throw new Error('the server answered ' + response.status);
      return response.text();
    })
    .then((xml) => viewer.importXML(xml))
    .then(() => {
      canvas.zoom('fit-viewport');
      markAll();
      window.diffViewReady = true;
    })
    .catch((error) => {
      status.textContent = 'The diagram could not be drawn (' + error.message + '); the list shows every change.';
      window.diffViewReady = true;
    });
}());
