// The process owner's modeler: bpmn-js with a small panel for what the engine reads (names, lanes,
// timer expressions, gateway conditions, forms, decision tables, policy steps), the decision tables in
// dmn-js (or as text), forms as text, and a save that shows every problem where it is.
/* global BpmnJS, startDecisionEditor */
function startModeler(options) {
  const modeler = new BpmnJS({
    container: '#canvas',
    moddleExtensions: { spiffworkflow: window.SPIFFWORKFLOW_MODDLE },
  });
  const canvas = modeler.get('canvas');
  const modeling = modeler.get('modeling');
  const moddle = modeler.get('moddle');
  const registry = modeler.get('elementRegistry');
  const $ = (id) => document.getElementById(id);
  const files = Object.assign({}, options.files);
  const edited = {};
  let selected = null;
  let marked = [];

  const timerDefinition = (bo) => (bo.eventDefinitions || []).find((d) => d.$type === 'bpmn:TimerEventDefinition');
  const timerExpression = (def) => def && (def.timeDate || def.timeDuration || def.timeCycle);
  const spiffProps = (bo) => {
    const holder = (bo.extensionElements && bo.extensionElements.values || [])
      .find((v) => v.$type === 'spiffworkflow:Properties');
    return holder ? holder.properties || [] : [];
  };
  const spiffProp = (bo, name) => { const p = spiffProps(bo).find((x) => x.name === name); return p ? p.value : ''; };
  const calledDecision = (bo) => (bo.extensionElements && bo.extensionElements.values || [])
    .find((v) => v.$type === 'spiffworkflow:CalledDecisionId');

  function show(id, on) { $(id).hidden = !on; }

  function select(element) {
    selected = element && element.type !== 'bpmn:Process' && element.type !== 'bpmn:Collaboration' ? element : null;
    $('props').hidden = !selected;
    $('panel-empty').hidden = !!selected;
    if (!selected) return;
    const bo = selected.businessObject;
    $('prop-type').textContent = selected.type.replace('bpmn:', '');
    $('prop-id').textContent = selected.id;
    $('prop-name').value = bo.name || '';
    const timer = timerExpression(timerDefinition(bo));
    show('timer-field', !!timerDefinition(bo));
    $('prop-timer').value = timer ? timer.body || '' : '';
    const isFlow = selected.type === 'bpmn:SequenceFlow';
    show('condition-field', isFlow);
    $('prop-condition').value = isFlow && bo.conditionExpression ? bo.conditionExpression.body || '' : '';
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

  function apply(event) {
    event.preventDefault();
    if (!selected) return;
    const element = selected;
    const bo = element.businessObject;
    if (($('prop-name').value || '') !== (bo.name || '')) modeling.updateLabel(element, $('prop-name').value);
    const definition = timerDefinition(bo);
    const timer = timerExpression(definition);
    if (definition && timer && timer.body !== $('prop-timer').value) {
      modeling.updateModdleProperties(element, timer, { body: $('prop-timer').value });
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
    if (decision && decision.value !== $('prop-decision').value) {
      modeling.updateModdleProperties(element, decision, { value: $('prop-decision').value.trim() });
    }
    $('status').textContent = `Changed ${element.id}. Save to check and keep it.`;
    select(element);
  }

  // Decision tables open in dmn-js when it loaded; otherwise (and on request) every file is text.
  const tables = window.DmnJS
    ? startDecisionEditor({ canvas: $('dmn-canvas'), choice: $('decision-choice'), status: $('status') }) : null;
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

  $('file-choice').addEventListener('change', showFile);
  $('dmn-as-text').addEventListener('change', switchTableOrText);
  $('file-text').addEventListener('input', () => { edited[shown] = $('file-text').value; checkText(); });

  function clearProblems() {
    marked.forEach((id) => canvas.removeMarker(id, 'problem'));
    marked = [];
    if (tables) tables.mark([]);
    $('problems').replaceChildren();
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

  function listProblem(problem, inTables) {
    const item = document.createElement('li');
    const where = problem.element_id && registry.get(problem.element_id);
    if (problem.element_id && problem.file && isTable(problem.file) && files[problem.file] !== undefined) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = `${problem.file}: ${problem.element_id}`;
      const sameFile = inTables.filter((p) => p.file === problem.file).map((p) => p.element_id);
      button.addEventListener('click', () => revealInTable(problem, sameFile));
      item.append(button, `: ${problem.message}`);
    } else if (where) {
      canvas.addMarker(problem.element_id, 'problem');
      marked.push(problem.element_id);
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = problem.element_id;
      button.addEventListener('click', () => { modeler.get('selection').select(where); canvas.scrollToElement(where); });
      item.append(button, `: ${problem.message}`);
    } else {
      // A form's problem names its file and the JSON pointer of the place (forms/x.json #/properties/y).
      const place = [problem.file, problem.element_id].filter(Boolean).join(' ');
      item.textContent = (place ? `${place}: ` : '') + problem.message;
    }
    $('problems').append(item);
  }

  async function save() {
    clearProblems();
    const note = $('change-note').value.trim();
    if (!note) { $('status').textContent = 'Say what you changed, and why, before saving.'; $('change-note').focus(); return; }
    $('status').textContent = 'Checking…';
    await keepShown();
    const { xml } = await modeler.saveXML({ format: true });
    try { localStorage.setItem(`draft:${options.saveUrl}`, xml); } catch (e) { /* storage full or off */ }
    const body = new FormData();
    body.set('csrf_token', options.csrf);
    body.set('bpmn_name', options.bpmnName);
    body.set('bpmn', xml);
    body.set('change_note', note);
    body.set('files', JSON.stringify(edited));
    const response = await fetch(options.saveUrl, { method: 'POST', body, credentials: 'same-origin' });
    const answer = await response.json().catch(() => ({ error: `The server answered ${response.status}.` }));
    if (response.status === 201) {
      $('status').innerHTML = '';
      const link = document.createElement('a');
      link.href = options.processesUrl;
      link.textContent = 'Processes';
      $('status').append(`Saved: every check passed. A second process owner approves it on `, link, '.');
      return;
    }
    $('status').textContent = `Not saved: ${answer.error || 'the server refused it.'}`;
    const problems = answer.problems || [];
    const inTables = problems.filter((p) => p.element_id && p.file && isTable(p.file));
    problems.forEach((problem) => listProblem(problem, inTables));
    const here = inTables.filter((p) => p.file === shown).map((p) => p.element_id);
    if (here.length) tables.mark(here);
  }

  function fillFinder() {
    const options = registry.getAll()
      .filter((e) => e.businessObject && e.businessObject.id && !e.labelTarget && e.type !== 'bpmn:Process')
      .map((e) => {
        const option = document.createElement('option');
        option.value = e.id;
        option.label = e.businessObject.name ? `${e.businessObject.name} (${e.type.replace('bpmn:', '')})` : e.type;
        return option;
      });
    $('element-list').replaceChildren(...options);
  }

  function find() {
    const wanted = $('find').value.trim().toLowerCase();
    const found = registry.get($('find').value.trim()) || registry.getAll().find(
      (e) => !e.labelTarget && (e.businessObject.name || '').toLowerCase() === wanted);
    if (!found) return;
    modeler.get('selection').select(found);
    if (canvas.zoom() < 0.8) canvas.zoom(1);
    canvas.scrollToElement(found);
  }

  $('find').addEventListener('change', find);
  $('props').addEventListener('submit', apply);
  $('save').addEventListener('click', save);
  modeler.on('selection.changed', (event) => select(event.newSelection[0] || null));
  modeler.importXML(options.bpmn).then(({ warnings }) => {
    canvas.zoom('fit-viewport');
    fillFinder();
    showFile();
    if (warnings.length) $('status').textContent = `Opened with ${warnings.length} warning(s).`;
    window.modelerReady = true;
  }).catch((error) => { $('status').textContent = `The diagram could not be opened: ${error.message}`; });
  window.modeler = modeler;
}
