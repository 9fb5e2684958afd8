// Decision-table entries in the table's own terms: choosing a cell whose column is a yes/no fact (or
// holds only True and False) offers Yes / No / Any; a column of a fact with choices offers the choices in
// words; an output with a fixed set of values (its outputValues) offers those. The picker writes the
// entry the engine reads (True, False, -, "value", ? in ("a", "b")) into the cell; the cell's own text
// stays editable.
/* global CaseFacts */
function startTableEntries({ editor, panel, factsUrl }) {
  const watched = new WeakSet();
  let current = null; // { viewer, cell, kind, options, input }
  const make = (tag, props = {}, ...children) => {
    const made = Object.assign(document.createElement(tag), props);
    made.append(...children);
    return made;
  };
  const text = (bo) => ((bo && bo.text) || '').trim();
  // The cell the picker writes into stays outlined while the picker has the focus.
  const outline = document.createElement('style');
  document.head.append(outline);
  const mark = (id) => {
    outline.textContent = id ? `td[data-element-id="${CSS.escape(id)}"] { box-shadow: inset 0 0 0 3px #1d70b8; }` : '';
  };
  const BOOLEANS = ['True', 'False'];

  function quotedList(source) {
    const values = [];
    for (const part of (source || '').split(',')) {
      const value = part.trim();
      if (!/^"[^"\\]*"$/.test(value)) return null;
      values.push(value.slice(1, -1));
    }
    return values.length ? values : null;
  }

  // The values one cell's entry stands for: 'any', a list of values, true/false, or null (an expression).
  function readEntry(entry, kind) {
    if (entry === '' || entry === '-') return 'any';
    if (kind === 'yes/no') return BOOLEANS.includes(entry) ? entry === 'True' : null;
    const listed = /^\?\s+in\s+\((.*?),?\s*\)$/.exec(entry);
    return quotedList(listed ? listed[1] : entry);
  }

  function columnOf(cell) {
    const col = cell.col && cell.col.businessObject;
    if (!col) return null;
    const table = col.$parent;
    const input = col.$type === 'dmn:InputClause';
    const index = (input ? table.input : table.output).indexOf(col);
    const entries = (table.rule || []).map((rule) => text((input ? rule.inputEntry : rule.outputEntry)[index]));
    const expression = input ? text(col.inputExpression) : col.name || '';
    const fact = /^[A-Za-z_][A-Za-z0-9_]*$/.test(expression) ? CaseFacts.get(expression) : null;
    const fixed = quotedList(text(input ? col.inputValues : col.outputValues));
    const label = col.label || expression;
    if (fixed) {
      return { input, label, kind: 'choice', options: fixed.map((v) => ({ value: v, words: fact ? CaseFacts.words(fact, v) : v })) };
    }
    if (fact && fact.type === 'choice') return { input, label, kind: 'choice', options: fact.options };
    const filled = entries.filter((e) => e !== '' && e !== '-');
    const yesNo = (fact && fact.type === 'yes/no') || (col.typeRef || '').toLowerCase() === 'boolean'
      || (filled.length && filled.every((e) => BOOLEANS.includes(e)));
    return yesNo ? { input, label, kind: 'yes/no', options: [] } : null;
  }

  function write(entry) {
    if (!current) return;
    current.viewer.get('modeling').editCell(current.cell.businessObject, entry);
    showFor(current.viewer, current.cell.id);
  }

  function choiceEntry(values, input) {
    if (!values.length) return input ? '-' : '';
    const quoted = values.map((v) => CaseFacts.quote(v));
    return values.length === 1 || !input ? quoted[0] : `? in (${quoted.join(', ')})`;
  }

  function render(column, entry, rule) {
    const read = readEntry(entry, column.kind);
    const parts = [make('p', { className: 'entry-where' }, make('strong', {}, `Rule ${rule}: `), `“${column.label}”`)];
    const group = make('fieldset', { className: 'entry-choices' },
      make('legend', {}, column.input ? 'This rule applies when the answer is' : 'This rule gives'));
    const id = `entry-${current.cell.id}`;
    if (column.kind === 'yes/no') {
      const answers = [[true, 'Yes', 'True'], [false, 'No', 'False']];
      if (column.input) answers.push(['any', 'Any answer', '-']);
      answers.forEach(([value, words, written]) => {
        const radio = make('input', { type: 'radio', name: id, id: `${id}-${written}`, checked: read === value });
        radio.addEventListener('change', () => write(written));
        group.append(make('span', { className: 'entry-choice' }, radio, make('label', { htmlFor: `${id}-${written}` }, words)));
      });
    } else {
      const chosen = Array.isArray(read) ? read : [];
      column.options.forEach((option, at) => {
        const box = make('input', { type: column.input ? 'checkbox' : 'radio', name: id, id: `${id}-${at}`,
          checked: chosen.includes(option.value) });
        box.addEventListener('change', () => {
          const values = column.options.filter((_, i) => panel.querySelector(`#${CSS.escape(`${id}-${i}`)}`).checked)
            .map((o) => o.value);
          write(choiceEntry(values, column.input));
        });
        group.append(make('div', { className: 'entry-choice' }, box, make('label', { htmlFor: `${id}-${at}` }, option.words)));
      });
      if (column.input) {
        const any = make('input', { type: 'checkbox', id: `${id}-any`, checked: read === 'any' });
        any.addEventListener('change', () => write('-'));
        group.append(make('div', { className: 'entry-choice' }, any, make('label', { htmlFor: `${id}-any` }, 'Any answer')));
      }
    }
    parts.push(group);
    parts.push(make('p', { className: 'hint entry-written' }, read === null ? 'Written as an expression: ' : 'Written as: ',
      make('code', {}, entry || '(empty)'), read === null ? '. Choosing an answer above replaces it.' : ''));
    panel.replaceChildren(...parts);
    panel.hidden = false;
  }

  function showFor(viewer, elementId) {
    const registry = viewer.get('elementRegistry', false);
    const cell = registry && elementId ? registry.get(elementId) : null;
    const column = cell && cell.row && cell.businessObject && CaseFacts.loaded ? columnOf(cell) : null;
    if (!column || !cell.businessObject.$type.match(/UnaryTests|LiteralExpression/)) {
      current = null;
      panel.hidden = true;
      mark(null);
      return;
    }
    mark(cell.id);
    current = { viewer, cell };
    const rule = ((cell.row.businessObject.$parent.rule || []).indexOf(cell.row.businessObject)) + 1;
    render(column, text(cell.businessObject), rule);
  }

  function watch() {
    const viewer = editor.getActiveViewer();
    panel.hidden = true;
    current = null;
    mark(null);
    if (!viewer || watched.has(viewer)) return;
    let bus;
    try { bus = viewer.get('eventBus'); viewer.get('cellSelection'); } catch (e) { return; }
    watched.add(viewer);
    bus.on('cellSelection.changed', (event) => {
      // Clicking in the picker takes the selection from the table: keep showing the chosen cell then.
      if (!event.elementId && current && panel.contains(document.activeElement)) return;
      if (event.elementId) showFor(viewer, event.elementId);
    });
  }

  CaseFacts.load(factsUrl).catch(() => {});
  editor.on('views.changed', watch);
  watch();
}

window.startTableEntries = startTableEntries;
