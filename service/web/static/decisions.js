// The modeler's decision-table editor: dmn-js, opened on whichever .dmn file the process owner picks.
// It keeps no file of its own: it opens the text it is given and, when asked, hands back the edited
// XML (only if something was changed, so an untouched file is not rewritten on save).
/* global DmnJS */
function startDecisionEditor({ canvas, choice, status, changed: onChange = () => {} }) {
  const editor = new DmnJS({ container: canvas });
  const watched = new WeakSet();
  let changed = false;
  // Problem rows are marked by a style rule, which outlives the table being drawn again.
  const marks = document.createElement('style');
  document.head.append(marks);

  // Each kind of view (requirements diagram, decision table) has its own viewer and command stack.
  function watchActiveViewer() {
    const viewer = editor.getActiveViewer();
    if (!viewer || watched.has(viewer)) return;
    watched.add(viewer);
    // Opening a file clears the stack; only an edit (or its undo / redo) changes the document.
    viewer.get('eventBus').on('commandStack.changed', (event) => {
      if (event.trigger === 'clear') return;
      changed = true;
      onChange();
    });
  }

  const tables = () => editor.getViews().filter((view) => view.type !== 'drd');
  const label = (view) => view.name || view.element.name || view.element.id;

  function fillChoice() {
    const active = editor.getActiveView();
    const options = tables().map((view) => {
      const option = document.createElement('option');
      option.value = view.id;
      option.textContent = label(view);
      option.selected = !!active && active.id === view.id;
      return option;
    });
    choice.replaceChildren(...options);
  }

  editor.on('views.changed', () => { watchActiveViewer(); fillChoice(); });
  choice.addEventListener('change', async () => {
    const view = tables().find((v) => v.id === choice.value);
    if (view) await editor.open(view);
  });

  function mark(ids) {
    marks.textContent = ids.map((id) => `#${canvas.id} td[data-row-id="${CSS.escape(id)}"]`).join(', ')
      + (ids.length ? ' { background: #fbe3df !important; box-shadow: inset 0 0 0 2px #d4351c; }' : '');
  }

  return {
    // Open a DMN document on its first decision table; false (with the reason shown) if it cannot be read.
    async open(xml) {
      canvas.hidden = false;
      try {
        await editor.importXML(xml);
      } catch (error) {
        canvas.hidden = true;
        status.textContent = `This decision table cannot be shown as a table (${error.message}); edit its text instead.`;
        return false;
      }
      changed = false;
      const first = tables()[0];
      if (first) await editor.open(first);
      watchActiveViewer();
      fillChoice();
      return true;
    },
    hide() { canvas.hidden = true; },
    // The edited document, or null when nothing in it was changed since it was opened.
    async changedXml() {
      if (!changed) return null;
      const { xml } = await editor.saveXML({ format: true });
      return xml;
    },
    // Show the decision table holding a rule (or the decision) a problem names, and mark its row.
    async reveal(elementId, alsoMarked = []) {
      mark([...alsoMarked, elementId]);
      const holder = tables().find((view) => view.element.id === elementId
        || ((view.element.decisionLogic || {}).rule || []).some((rule) => rule.id === elementId));
      if (holder) await editor.open(holder);
      fillChoice();
      const row = canvas.querySelector(`[data-row-id="${CSS.escape(elementId)}"]`);
      if (row) row.scrollIntoView({ block: 'center' });
    },
    mark,
    editor, // for the entry picker (table-entries.js)
  };
}
