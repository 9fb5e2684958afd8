// The process owner's modeler: bpmn-js with a small panel for what the engine reads (names, lanes,
// timer expressions, gateway conditions, forms, decision tables, policy steps), the decision tables in
// dmn-js (or as text), forms as text, and a save that shows every problem where it is.
/* global BpmnJS, startDecisionEditor, startElementIds, startPersonSteps, TimerPicker */
function startModeler(options) {
  const modeler = new BpmnJS({
    container: '#canvas',
    moddleExtensions: { spiffworkflow: window.SPIFFWORKFLOW_MODDLE },
    additionalModules: [startPersonSteps.module, startElementIds.module],
    elementIds: { published: options.publishedIds || [] }, // a new element's id follows its first name
  });
  const canvas = modeler.get('canvas');
  const modeling = modeler.get('modeling');
  const moddle = modeler.get('moddle');
  const registry = modeler.get('elementRegistry');
  const commandStack = modeler.get('commandStack');
  const $ = (id) => document.getElementById(id);
  const files = Object.assign({}, options.files);
  const edited = {};
  let selected = null;
  let marked = [];
  let listed = []; // the problems on screen that name a diagram element: { item, id }
  let dirty = false; // the diagram or a file changed since it was opened or last saved

  const timerDefinition = (bo) => (bo.eventDefinitions || []).find((d) => d.$type === 'bpmn:TimerEventDefinition');
  const timerKind = (def) => ['timeDate', 'timeDuration', 'timeCycle'].find((k) => def && def[k]);
  const timerExpression = (def) => def && def[timerKind(def)];
  const spiffProps = (bo) => {
    const holder = (bo.extensionElements && bo.extensionElements.values || [])
      .find((v) => v.$type === 'spiffworkflow:Properties');
    return holder ? holder.properties || [] : [];
  };
  const spiffProp = (bo, name) => { const p = spiffProps(bo).find((x) => x.name === name); return p ? p.value : ''; };
  const calledDecision = (bo) => (bo.extensionElements && bo.extensionElements.values || [])
    .find((v) => v.$type === 'spiffworkflow:CalledDecisionId');

  function show(id, on) { $(id).hidden = !on; }

  // ---- Where the diagram is drawn: the palette is a rail on the left, so the free area starts after it.
  const inset = () => { const rail = document.querySelector('#canvas .djs-palette'); return rail ? rail.offsetWidth + 12 : 0; };
  const ZOOM_MIN = 0.1;
  const ZOOM_MAX = 3;

  function showZoom() { $('zoom-level').textContent = `${Math.round(canvas.zoom() * 100)}%`; }

  function bounds(element) {
    if (element.waypoints) {
      const xs = element.waypoints.map((p) => p.x);
      const ys = element.waypoints.map((p) => p.y);
      return { x: Math.min(...xs), y: Math.min(...ys), width: Math.max(...xs) - Math.min(...xs), height: Math.max(...ys) - Math.min(...ys) };
    }
    return { x: element.x, y: element.y, width: element.width, height: element.height };
  }

  // Put a point of the diagram at the middle of the free area, at the given zoom.
  function centreOn(x, y, zoom) {
    const outer = canvas.viewbox().outer;
    const left = inset();
    const scale = Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, zoom));
    canvas.viewbox({
      x: x - (left + (outer.width - left) / 2) / scale,
      y: y - outer.height / 2 / scale,
      width: outer.width / scale,
      height: outer.height / scale,
    });
    showZoom();
  }

  // Select an element and bring it to the middle of the view, readable (at least actual size).
  function reveal(element) {
    modeler.get('selection').select(element);
    const box = bounds(element);
    const zoom = canvas.zoom();
    centreOn(box.x + box.width / 2, box.y + box.height / 2, zoom >= 1 && zoom <= 2 ? zoom : 1);
  }

  function zoomBy(factor) {
    const box = canvas.viewbox();
    const left = inset();
    const zoom = canvas.zoom();
    // Keep the middle of the free area where it is.
    const cx = box.x + (left + (box.outer.width - left) / 2) / zoom;
    const cy = box.y + box.outer.height / 2 / zoom;
    centreOn(cx, cy, factor === null ? 1 : zoom * factor);
  }

  // The whole process in the free area beside the palette.
  function fit() {
    const inner = canvas.viewbox().inner;
    const outer = canvas.viewbox().outer;
    const left = inset();
    const margin = 20;
    const zoom = Math.min((outer.width - left - 2 * margin) / inner.width, (outer.height - 2 * margin) / inner.height, 1);
    centreOn(inner.x + inner.width / 2, inner.y + inner.height / 2, zoom);
  }

  // Open at actual size, at the first start event, with the pool's lane labels just right of the palette.
  function openReadable() {
    const starts = registry.filter((e) => e.type === 'bpmn:StartEvent' && !e.labelTarget
      && e.parent && !/SubProcess$/.test(e.parent.type))
      .sort((a, b) => a.x - b.x || a.y - b.y);
    const start = starts[0];
    if (!start) { fit(); return; }
    const pool = registry.filter((e) => e.type === 'bpmn:Participant').find((p) => p.x <= start.x && p.x + p.width >= start.x);
    const outer = canvas.viewbox().outer;
    const startsNear = starts.filter((s) => s.x - start.x < 400);
    const top = Math.min(...startsNear.map((s) => s.y));
    const bottom = Math.max(...startsNear.map((s) => s.y + s.height));
    const leftEdge = pool ? Math.max(pool.x, start.x - 400) : start.x - 60;
    canvas.viewbox({ x: leftEdge - 10 - inset(), y: (top + bottom) / 2 - outer.height / 2, width: outer.width, height: outer.height });
    showZoom();
  }

  $('zoom-in').addEventListener('click', () => zoomBy(1.25));
  $('zoom-out').addEventListener('click', () => zoomBy(0.8));
  $('zoom-reset').addEventListener('click', () => zoomBy(null));
  $('zoom-fit').addEventListener('click', fit);
  $('undo').addEventListener('click', () => commandStack.undo());
  $('redo').addEventListener('click', () => commandStack.redo());
  modeler.on('canvas.viewbox.changed', showZoom);

  // ---- The properties panel: each box is kept when it changes (Apply keeps them all at once).
  const picker = new TimerPicker({
    byUrgency: $('timer-by-urgency'), sameDayRow: $('timer-same-day-row'),
    sameDayAmount: $('timer-same-day-amount'), sameDayUnit: $('timer-same-day-unit'),
    amount: $('timer-amount'), unit: $('timer-unit'), amountLabel: $('timer-amount-label'),
    note: $('timer-raw-note'), raw: $('prop-timer'),
  });
  // A flow's condition as rows of facts in words (condition-builder.js); its expression box stays for experts.
  const conditions = window.ConditionBuilder ? new window.ConditionBuilder({ holder: $('condition-holder'),
    raw: $('prop-condition'), factsUrl: $('condition-field').dataset.factsUrl }) : null;

  function select(element) {
    selected = element && element.type !== 'bpmn:Process' && element.type !== 'bpmn:Collaboration' ? element : null;
    $('props').hidden = !selected;
    $('panel-empty').hidden = !!selected;
    if (!selected) return;
    const bo = selected.businessObject;
    $('prop-type').textContent = selected.type.replace('bpmn:', '');
    $('prop-id').textContent = (selected.labelTarget || selected).id; // a label shows its element's reference
    $('prop-name').value = bo.name || '';
    const definition = timerDefinition(bo);
    const timer = timerExpression(definition);
    show('timer-field', !!definition);
    picker.show(timerKind(definition) || 'timeDate', timer ? timer.body || '' : '');
    const isFlow = selected.type === 'bpmn:SequenceFlow';
    show('condition-field', isFlow);
    $('prop-condition').value = isFlow && bo.conditionExpression ? bo.conditionExpression.body || '' : '';
    if (conditions && isFlow) conditions.show(selected.id, $('prop-condition').value);
    const isUserTask = selected.type === 'bpmn:UserTask';
    show('form-field', isUserTask);
    $('prop-form').value = isUserTask ? spiffProp(bo, 'formJsonSchemaFilename') : '';
    const decision = calledDecision(bo);
    show('decision-field', selected.type === 'bpmn:BusinessRuleTask');
    $('prop-decision').value = decision ? decision.value || '' : '';
    const isTask = /Task$|SubProcess$/.test(selected.type);
    show('step-field', isTask);
    $('prop-step').value = isTask ? spiffProp(bo, 'policyStep') : '';
    show('lane-hint', selected.type === 'bpmn:Lane');
  }

  function setSpiffProp(element, name, value) {
    const bo = element.businessObject;
    const existing = spiffProps(bo).find((p) => p.name === name);
    if (existing) {
      if (existing.value === value) return;
      if (value) modeling.updateModdleProperties(element, existing, { value });
      else {
        const holder = bo.extensionElements.values.find((v) => v.$type === 'spiffworkflow:Properties');
        modeling.updateModdleProperties(element, holder, { properties: holder.properties.filter((p) => p !== existing) });
      }
      return;
    }
    if (!value) return;
    const extension = bo.extensionElements || moddle.create('bpmn:ExtensionElements', { values: [] });
    let holder = extension.values.find((v) => v.$type === 'spiffworkflow:Properties');
    if (!holder) { holder = moddle.create('spiffworkflow:Properties', { properties: [] }); extension.values.push(holder); }
    holder.properties.push(moddle.create('spiffworkflow:Property', { name, value }));
    modeling.updateProperties(element, { extensionElements: extension });
  }

  // A timer's expression, as a date (the helpers give one) or a duration (calendar days: "P3D").
  function setTimer(element, kind, body) {
    const definition = timerDefinition(element.businessObject);
    if (!definition) return;
    const current = timerKind(definition);
    const expression = definition[current];
    if (current === kind && expression) {
      if ((expression.body || '') !== body) modeling.updateModdleProperties(element, expression, { body });
      return;
    }
    if (!body && !current) return;
    const change = { timeDate: undefined, timeDuration: undefined, timeCycle: undefined };
    change[kind] = moddle.create('bpmn:FormalExpression', { body });
    modeling.updateModdleProperties(element, definition, change);
  }

  // Keep what the panel shows that differs from the diagram; true when anything changed.
  function applyPanel() {
    if (!selected || !registry.get(selected.id)) return false;
    const element = selected;
    const bo = element.businessObject;
    const before = commandStack._stackIdx;
    if (($('prop-name').value || '') !== (bo.name || '')) modeling.updateLabel(element, $('prop-name').value);
    if (timerDefinition(bo)) {
      const wanted = picker.value();
      setTimer(element, wanted.kind, wanted.body);
    }
    if (element.type === 'bpmn:SequenceFlow') {
      const text = $('prop-condition').value.trim();
      const current = bo.conditionExpression ? bo.conditionExpression.body : '';
      if (text !== (current || '')) {
        modeling.updateProperties(element, {
          conditionExpression: text ? moddle.create('bpmn:FormalExpression', { body: text }) : undefined });
      }
    }
    if (element.type === 'bpmn:UserTask') setSpiffProp(element, 'formJsonSchemaFilename', $('prop-form').value);
    if (/Task$|SubProcess$/.test(element.type)) setSpiffProp(element, 'policyStep', $('prop-step').value.trim());
    const decision = calledDecision(bo);
    if (decision && decision.value !== $('prop-decision').value.trim()) {
      modeling.updateModdleProperties(element, decision, { value: $('prop-decision').value.trim() });
    }
    const changed = commandStack._stackIdx !== before;
    if (changed) $('status').textContent = `Changed ${element.id}. Save to check and keep it.`;
    return changed;
  }

  function apply(event) {
    if (event) event.preventDefault();
    if (!selected) return;
    const element = selected;
    applyPanel();
    if (registry.get(element.id)) select(element);
  }

  // A box left (or a choice made) is kept at once, so nothing typed is lost when another element is chosen.
  $('props').addEventListener('change', (event) => {
    // An incomplete or impossible time in the picker is said there, and nothing is written yet.
    if (event.target.closest('#timer-picker') && !picker.fromPicker()) return;
    if (event.target === $('prop-timer')) picker.fromWords();
    apply();
  });
  $('props').addEventListener('submit', apply);
  // Clicking the diagram while a box is being typed in keeps what was typed first.
  $('canvas').addEventListener('pointerdown', () => {
    const active = document.activeElement;
    if (active && $('props').contains(active) && active.matches('input, select, textarea')) apply();
  }, true);

  // Decision tables open in dmn-js when it loaded; otherwise (and on request) every file is text.
  const tables = window.DmnJS
    ? startDecisionEditor({ canvas: $('dmn-canvas'), choice: $('decision-choice'), status: $('status'),
      changed: () => { dirty = true; } }) : null;
  if (tables && window.startTableEntries) {
    window.startTableEntries({ editor: tables.editor, panel: $('entry-picker'), factsUrl: $('condition-field').dataset.factsUrl });
  }
  const isTable = (name) => !!tables && name.endsWith('.dmn');
  const textOf = (name) => edited[name] ?? files[name] ?? '';
  let shown = null;

  // The decision editor's changes to the file on screen, kept with the other edits.
  async function keepShown() {
    if (!shown || !isTable(shown) || $('dmn-as-text').checked) return;
    const xml = await tables.changedXml();
    if (xml !== null) edited[shown] = xml;
  }

  async function showFile() {
    await keepShown();
    shown = $('file-choice').value;
    const table = isTable(shown);
    const asTable = table && !$('dmn-as-text').checked && await tables.open(textOf(shown));
    if (table && !asTable) $('dmn-as-text').checked = true;
    if (tables && !asTable) tables.hide();
    $('dmn-tools').hidden = !table;
    $('dmn-hint').hidden = !asTable;
    $('decision-choice').disabled = !asTable;
    $('file-text').hidden = asTable;
    $('file-text').value = textOf(shown);
    checkText();
    if (builder) builder.show(shown); // a form is shown as its questions (form-builder.js)
  }

  // A form is JSON: say where it stops being JSON while it is typed, not only when it is saved.
  function checkText() {
    const note = $('file-check');
    if (!shown || !shown.endsWith('.json') || $('file-text').hidden) { note.textContent = ''; return; }
    const text = $('file-text').value;
    try {
      JSON.parse(text);
      note.textContent = 'Valid JSON. Saving checks it is a form the service can show.';
    } catch (error) {
      const at = /position (\d+)/.exec(error.message);
      const before = at ? text.slice(0, Number(at[1])).split('\n') : null;
      const where = before ? ` (line ${before.length}, column ${before[before.length - 1].length + 1})` : '';
      note.textContent = `Not valid JSON${where}: ${error.message}`;
    }
  }

  async function switchTableOrText() {
    if ($('dmn-as-text').checked) {
      const xml = await tables.changedXml();
      if (xml !== null) edited[shown] = xml;
    }
    const previous = shown;
    shown = null; // already kept: showing it again must not read the editor a second time
    $('file-choice').value = previous;
    await showFile();
  }


  // ---- Files: the decision tables and forms.
  $('file-choice').addEventListener('change', showFile);
  $('dmn-as-text').addEventListener('change', switchTableOrText);
  $('file-text').addEventListener('input', () => { edited[shown] = $('file-text').value; dirty = true; checkText(); });

  // ---- Forms as questions (form-builder.js), written back into the same file the JSON box edits; new forms
  // are sent with the save and offered as a step's form.
  const builder = window.startFormBuilder ? window.startFormBuilder({
    host: $('form-builder'), text: $('file-text'), note: $('file-check'), choice: $('file-choice'),
    formSelects: [$('prop-form'), $('person-form-file')], read: textOf,
    write: (name, text) => { edited[name] = text; dirty = true; },
    create: (name, text) => { files[name] = text; edited[name] = text; dirty = true; },
    open: async (name) => { $('file-choice').value = name; await showFile(); },
  }) : null;

  // ---- Problems a refused save found, each a button that shows its place.
  function clearMarks() {
    marked.forEach((id) => { if (registry.get(id)) canvas.removeMarker(id, 'problem'); });
    marked = [];
  }

  function clearProblems() {
    clearMarks();
    listed = [];
    if (tables) tables.mark([]);
    $('problems').replaceChildren();
    $('problems-note').textContent = '';
  }

  // After any change to the diagram (an edit, an undo, a redo) the marks are out of date.
  function problemsOutOfDate() {
    if (!marked.length && !listed.length) return;
    clearMarks();
    const kept = listed.filter(({ item, id }) => {
      if (registry.get(id)) return true;
      item.remove();
      return false;
    });
    listed = kept;
    $('problems-note').textContent = $('problems').children.length
      ? 'The diagram has changed since these were found: save again to check it.' : '';
  }

  // A problem in a decision table: open its file and table, and mark the rule's row.
  async function revealInTable(problem, sameFile) {
    if (shown !== problem.file) {
      $('file-choice').value = problem.file;
      await showFile();
    }
    if ($('dmn-as-text').checked) return;
    await tables.reveal(problem.element_id, sameFile);
  }

  async function revealInFile(problem) {
    if (shown !== problem.file) {
      $('file-choice').value = problem.file;
      await showFile();
    }
    if (builder) builder.showJson(); // the form's problem names a place in its JSON
    $('file-text').scrollIntoView({ block: 'center' });
    $('file-text').focus();
  }

  // A diagram element's problem reads with its name first; its id stays as a small reference. A message
  // that already says the name is the button itself.
  function showNamed(button, item, element, problem) {
    const name = ((element.businessObject && element.businessObject.name) || '').trim();
    const reference = document.createElement('code');
    reference.className = 'element-ref';
    reference.textContent = problem.element_id;
    if (name && problem.message.includes(`'${name}'`)) {
      button.append(problem.message);
      if (!problem.message.includes(problem.element_id)) button.append(' ', reference);
      item.append(button);
    } else if (name) {
      button.append(`'${name}' `, reference);
      item.append(button, `: ${problem.message}`);
    } else {
      button.append(reference);
      item.append(button, `: ${problem.message}`);
    }
  }

  function listProblem(problem, inTables) {
    const item = document.createElement('li');
    const where = problem.element_id && registry.get(problem.element_id);
    const button = document.createElement('button');
    button.type = 'button';
    if (problem.element_id && problem.file && isTable(problem.file) && files[problem.file] !== undefined) {
      button.textContent = `${problem.file}: ${problem.element_id}`;
      const sameFile = inTables.filter((p) => p.file === problem.file).map((p) => p.element_id);
      button.addEventListener('click', () => revealInTable(problem, sameFile));
      item.append(button, `: ${problem.message}`);
    } else if (where) {
      canvas.addMarker(problem.element_id, 'problem');
      marked.push(problem.element_id);
      showNamed(button, item, where, problem);
      button.addEventListener('click', () => {
        const still = registry.get(problem.element_id);
        if (!still) return;
        $('canvas').scrollIntoView({ block: 'nearest' });
        reveal(still);
      });
      listed.push({ item, id: problem.element_id });
    } else if (problem.file && files[problem.file] !== undefined) {
      // A form's problem names its file and the JSON pointer of the place (forms/x.json #/properties/y).
      button.textContent = [problem.file, problem.element_id].filter(Boolean).join(' ');
      button.addEventListener('click', () => revealInFile(problem));
      item.append(button, `: ${problem.message}`);
    } else {
      const place = [problem.file, problem.element_id].filter(Boolean).join(' ');
      item.textContent = (place ? `${place}: ` : '') + problem.message;
    }
    $('problems').append(item);
  }

  // ---- Saving: whatever the panel shows is kept first; "Saved" only when the server kept it.
  let saving = false;
  async function save() {
    if (saving) return;
    clearProblems();
    applyPanel();
    const note = $('change-note').value.trim();
    if (!note) {
      $('status').textContent = 'Not saved: say what you changed, and why, before saving.';
      $('change-note').focus();
      return;
    }
    saving = true;
    $('save').disabled = true;
    $('status').textContent = 'Checking…';
    try {
      await keepShown();
      const { xml } = await modeler.saveXML({ format: true });
      try { localStorage.setItem(`draft:${options.saveUrl}`, xml); } catch (e) { /* storage full or off */ }
      const body = new FormData();
      body.set('csrf_token', options.csrf);
      body.set('bpmn_name', options.bpmnName);
      body.set('bpmn', xml);
      body.set('change_note', note);
      body.set('files', JSON.stringify(edited));
      const changesSent = commandStack._stackIdx;
      let response;
      try {
        response = await fetch(options.saveUrl, { method: 'POST', body, credentials: 'same-origin' });
      } catch (error) {
        $('status').textContent = 'Not saved: the service could not be reached. Your changes are still here; try again.';
        return;
      }
      const answer = await response.json().catch(() => null);
      if ((response.status === 201 || response.status === 200) && answer && !answer.error) {
        $('status').replaceChildren();
        const link = document.createElement('a');
        link.href = options.processesUrl;
        link.textContent = 'Processes';
        // A working draft (the owner's own, updated by each save) is sent for review from Processes.
        if (answer.status === 'working') {
          $('status').append('Saved as your working draft: every check passed. Send it for review on ', link, '.');
        } else {
          $('status').append('Saved: every check passed. A second process owner approves it on ', link, '.');
        }
        if (commandStack._stackIdx === changesSent) dirty = false;
        if (window.CaseFacts) window.CaseFacts.reload(); // a question added to a form is now a fact
        return;
      }
      const why = (answer && answer.error) || `the service answered ${response.status}.`;
      $('status').textContent = `Not saved: ${why}`;
      const problems = (answer && answer.problems) || [];
      const inTables = problems.filter((p) => p.element_id && p.file && isTable(p.file));
      problems.forEach((problem) => listProblem(problem, inTables));
      const here = inTables.filter((p) => p.file === shown).map((p) => p.element_id);
      if (here.length) tables.mark(here);
    } catch (error) {
      $('status').textContent = `Not saved: ${error.message}`;
    } finally {
      saving = false;
      $('save').disabled = false;
    }
  }

  // ---- Find a step by part of its name (or its id), whatever the case.
  const KINDS = {
    'bpmn:UserTask': 'a step for a person', 'bpmn:ScriptTask': 'an automatic step', 'bpmn:ServiceTask': 'an automatic step',
    'bpmn:BusinessRuleTask': 'a decision', 'bpmn:ExclusiveGateway': 'a choice', 'bpmn:ParallelGateway': 'a split or join',
    'bpmn:EventBasedGateway': 'a wait', 'bpmn:StartEvent': 'a start', 'bpmn:EndEvent': 'an end', 'bpmn:Lane': 'a lane',
    'bpmn:SequenceFlow': 'a flow', 'bpmn:SubProcess': 'a sub-process', 'bpmn:CallActivity': 'a sub-process',
  };
  function kindOf(element) {
    if (timerDefinition(element.businessObject)) return 'a timer';
    return KINDS[element.type] || element.type.replace('bpmn:', '');
  }
  const findable = () => registry.filter((e) => e.businessObject && e.businessObject.id && !e.labelTarget
    && !['bpmn:Process', 'bpmn:Collaboration', 'label'].includes(e.type) && e.parent);

  function matches(text) {
    const wanted = text.trim().toLowerCase();
    if (!wanted) return [];
    // Names match anywhere; ids (the engine's names) when typed whole or with their underscores.
    const found = findable().filter((e) => (e.businessObject.name || '').toLowerCase().includes(wanted)
      || e.id.toLowerCase() === wanted || (wanted.includes('_') && e.id.toLowerCase().includes(wanted)));
    const rank = (e) => {
      const name = (e.businessObject.name || '').toLowerCase();
      if (e.id.toLowerCase() === wanted || name === wanted) return 0;
      if (name.startsWith(wanted)) return 1;
      return name.includes(wanted) ? 2 : 3;
    };
    return found.sort((a, b) => rank(a) - rank(b) || (a.businessObject.name || a.id).localeCompare(b.businessObject.name || b.id));
  }

  function choose(element) {
    $('find-results').replaceChildren();
    $('find-count').textContent = `Showing ${element.businessObject.name || element.id}.`;
    // On a narrow screen the panel is under the diagram: bring the diagram back into view first.
    $('canvas').scrollIntoView({ block: 'nearest' });
    reveal(element);
  }

  const SHOWN = 12;
  function listMatches() {
    const found = matches($('find').value);
    const items = found.slice(0, SHOWN).map((element) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = `${element.businessObject.name || element.id} — ${kindOf(element)}`;
      button.addEventListener('click', () => choose(element));
      item.append(button);
      return item;
    });
    $('find-results').replaceChildren(...items);
    const text = $('find').value.trim();
    if (!text) $('find-count').textContent = '';
    else if (!found.length) $('find-count').textContent = `Nothing is called “${text}”.`;
    else if (found.length > SHOWN) $('find-count').textContent = `${found.length} match; the first ${SHOWN} are shown: type more of the name.`;
    else $('find-count').textContent = found.length === 1 ? '1 matches: choose it.' : `${found.length} match: choose one.`;
  }

  // Enter (or leaving the box) with an exact id or name, or with one match, shows it at once.
  function findNow() {
    const text = $('find').value.trim();
    if (!text) return;
    const exact = registry.get(text);
    const found = exact && !exact.labelTarget ? [exact] : matches(text);
    if (found.length && (exact || found.length === 1
      || (found[0].businessObject.name || '').toLowerCase() === text.toLowerCase())) choose(found[0]);
  }

  $('find').addEventListener('input', listMatches);
  $('find').addEventListener('change', findNow);
  $('find').addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    const text = $('find').value.trim();
    const found = registry.get(text) ? [registry.get(text)] : matches(text);
    if (found.length) choose(found[0]);
  });

  // ---- Leaving with changes not saved asks first.
  window.addEventListener('beforeunload', (event) => {
    if (!dirty) return undefined;
    event.preventDefault();
    event.returnValue = '';
    return '';
  });

  // ---- A step for a person, from the palette or the context pad: its role (lane) and form are asked for.
  modeler.get('personSteps').configure({
    dialog: $('person-dialog'), form: $('person-form'), name: $('person-name'), lane: $('person-lane'),
    file: $('person-form-file'), problem: $('person-problem'), cancel: $('person-cancel'),
    timerHint: $('person-timer-hint'),
    created: (element) => { reveal(element); $('status').textContent = `Added ${element.businessObject.name}. Connect it into the process, then save.`; },
  });

  $('save').addEventListener('click', save);
  modeler.on('selection.changed', (event) => {
    const now = event.newSelection[0] || null;
    if (!now || !$('find-count').textContent.startsWith(`Showing ${now.businessObject.name || now.id}.`)) {
      $('find-count').textContent = '';
    }
    select(now);
  });
  modeler.on('commandStack.changed', (event) => {
    if (event.trigger === 'clear') return;
    dirty = true;
    problemsOutOfDate();
    if (selected) select(registry.get(selected.id) || null); // an undo shows what is now there
  });
  modeler.importXML(options.bpmn).then(({ warnings }) => {
    openReadable();
    showFile();
    if (warnings.length) $('status').textContent = `Opened with ${warnings.length} warning(s).`;
    window.modelerReady = true;
  }).catch((error) => { $('status').textContent = `The diagram could not be opened: ${error.message}`; });
  window.modeler = modeler;
}
