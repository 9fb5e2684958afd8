// A case's page: the Print button, and the diagram drawn when opened. Loaded from a file: the pages
// allow no inline script (Content-Security-Policy).
document.querySelector('button.print-record')?.addEventListener('click', () => window.print());
// Drawn when opened, zoomed to the step the case is at (the whole process at once is too small to read).
const diagramBox = document.querySelector('details.process-diagram');
let drawn = false;
diagramBox.addEventListener('toggle', async () => {
  if (!diagramBox.open || drawn) return;
  drawn = true;
  const viewer = new BpmnJS({ container: '#diagram' });
  const xml = await (await fetch(diagramBox.dataset.diagram)).text();
  await viewer.importXML(xml);
  const canvas = viewer.get('canvas'), registry = viewer.get('elementRegistry');
  const current = JSON.parse(diagramBox.dataset.current).map((id) => registry.get(id)).filter(Boolean);
  current.forEach((element) => canvas.addMarker(element.id, 'current'));
  canvas.zoom(current.length ? 0.9 : 'fit-viewport');
  if (current.length) canvas.scrollToElement(current[0], { top: 160, bottom: 160, left: 300, right: 300 });
});
