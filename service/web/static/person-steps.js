// "A step for a person" in the modeler's palette and context pad, in place of a bare task (which the
// service would show as a page with only a Submit button). It asks who does the step (its lane: the
// role that works it) and which of the process's forms it shows, then draws a user task there; a
// manager's or DSL's step also gets the escalation timer the policy requires.
/* exported startPersonSteps */
const ESCALATING_LANES = ['manager', 'dsl'];
const DROPPED_FROM_PALETTE = ['create.data-object', 'create.data-store', 'create.subprocess-expanded',
  'create.participant-expanded', 'create.group'];

function PersonSteps(palette, contextPad, elementFactory, modeling, canvas, elementRegistry, moddle, commandStack) {
  let fields = null;
  let pending = null; // { source } while the dialog is open

  const roleOf = (lane) => (lane && lane.businessObject.name || '').trim().toLowerCase().replace(/ /g, '_');
  const lanes = () => elementRegistry.filter((e) => e.type === 'bpmn:Lane' && !e.children.some((c) => c.type === 'bpmn:Lane'))
    .sort((a, b) => a.y - b.y);
  const laneAt = (x, y) => lanes().find((l) => x >= l.x && x <= l.x + l.width && y >= l.y && y <= l.y + l.height);

  function viewCentre() {
    const box = canvas.viewbox();
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  }

  function open(source) {
    if (!fields) return;
    pending = { source };
    const all = lanes();
    const here = source ? laneAt(source.x + source.width / 2, source.y + source.height / 2)
      : laneAt(viewCentre().x, viewCentre().y);
    fields.lane.replaceChildren(...all.map((lane) => new Option(lane.businessObject.name || lane.id, lane.id)));
    if (!all.length) fields.lane.append(new Option('(the process has no lanes)', ''));
    if (here) fields.lane.value = here.id;
    fields.name.value = '';
    fields.file.value = '';
    fields.problem.textContent = '';
    laneChanged();
    fields.dialog.showModal();
    fields.name.focus();
  }

  function laneChanged() {
    fields.timerHint.hidden = !ESCALATING_LANES.includes(roleOf(elementRegistry.get(fields.lane.value)));
  }

  const overlaps = (x, y) => elementRegistry.filter((e) => !e.labelTarget && !e.waypoints
    && !['bpmn:Lane', 'bpmn:Participant', 'bpmn:Process', 'bpmn:Collaboration', 'label'].includes(e.type) && e.parent)
    .some((e) => x + 60 > e.x - 10 && x - 60 < e.x + e.width + 10 && y + 50 > e.y - 10 && y - 50 < e.y + e.height + 10);

  // The middle of a free place in the lane, near the view's middle (or just after the step it follows).
  function place(lane, source) {
    let x = source ? source.x + source.width + 110 : viewCentre().x;
    let y = source ? source.y + source.height / 2 : viewCentre().y;
    if (lane) {
      if (!source || !laneAt(x, y) || laneAt(x, y).id !== lane.id) y = lane.y + lane.height / 2;
      x = Math.max(lane.x + 110, Math.min(x, lane.x + lane.width - 80));
    }
    for (let tries = 0; tries < 40 && overlaps(x, y); tries += 1) x += 130;
    return { x, y };
  }

  function add() {
    const name = fields.name.value.trim();
    const file = fields.file.value;
    const lane = elementRegistry.get(fields.lane.value) || null;
    const missing = [!name && 'what the step is called', !file && 'its form', !lane && lanes().length && 'who does it']
      .filter(Boolean);
    if (missing.length) { fields.problem.textContent = `Give ${missing.join(' and ')}.`; return; }
    fields.dialog.close();
    const source = pending && pending.source;
    pending = null;
    const context = { name, file, lane, source, at: place(lane, source) };
    commandStack.execute('person-step.add', context); // one step to undo, timer and all
    const { task } = context;
    if (fields.created) fields.created(task);
  }

  // Drawing the step (and its timer) as one command, so a single Undo takes it all back.
  commandStack.register('person-step.add', {
    preExecute(context) {
      const { name, file, lane, source, at } = context;
      const shape = elementFactory.createShape({ type: 'bpmn:UserTask' });
      const bo = shape.businessObject;
      bo.name = name;
      const property = moddle.create('spiffworkflow:Property', { name: 'formJsonSchemaFilename', value: file });
      const holder = moddle.create('spiffworkflow:Properties', { properties: [property] });
      bo.extensionElements = moddle.create('bpmn:ExtensionElements', { values: [holder] });
      const task = source && source.parent ? modeling.appendShape(source, shape, at)
        : modeling.createShape(shape, at, lane || canvas.getRootElement());
      if (ESCALATING_LANES.includes(roleOf(lane))) {
        const timer = elementFactory.createShape({ type: 'bpmn:BoundaryEvent', eventDefinitionType: 'bpmn:TimerEventDefinition' });
        timer.businessObject.name = `${name}: overdue`;
        timer.businessObject.cancelActivity = false;
        timer.businessObject.eventDefinitions[0].timeDate = moddle.create('bpmn:FormalExpression', { body: 'in_working_days(1)' });
        modeling.createShape(timer, { x: task.x + task.width - 20, y: task.y + task.height }, task, { attach: true });
      }
      context.task = task;
    },
  });

  this.configure = (given) => {
    fields = given;
    fields.lane.addEventListener('change', laneChanged);
    fields.form.addEventListener('submit', (event) => { event.preventDefault(); add(); });
    fields.form.addEventListener('input', () => { fields.problem.textContent = ''; });
    fields.cancel.addEventListener('click', () => { pending = null; fields.dialog.close(); });
  };
  this.open = open;

  palette.registerProvider(500, {
    getPaletteEntries: () => (entries) => {
      const kept = {};
      Object.keys(entries).forEach((key) => {
        if (key === 'create.task') {
          kept['create.person-step'] = {
            group: 'activity', className: 'bpmn-icon-user-task person-step', title: 'A step for a person',
            action: { click: () => open(null), dragstart: () => open(null) },
          };
        } else if (!DROPPED_FROM_PALETTE.includes(key)) kept[key] = entries[key];
      });
      return kept;
    },
  });

  contextPad.registerProvider(500, {
    getContextPadEntries: () => (entries) => {
      if (!entries['append.append-task']) return entries;
      const kept = {};
      Object.keys(entries).forEach((key) => {
        if (key === 'append.append-task') {
          kept['append.person-step'] = {
            group: 'model', className: 'bpmn-icon-user-task', title: 'Then a step for a person',
            action: { click: (event, element) => open(element) },
          };
        } else kept[key] = entries[key];
      });
      return kept;
    },
  });
}
PersonSteps.$inject = ['palette', 'contextPad', 'elementFactory', 'modeling', 'canvas', 'elementRegistry', 'moddle',
  'commandStack'];

const startPersonSteps = { module: { __init__: ['personSteps'], personSteps: ['type', PersonSteps] } };
