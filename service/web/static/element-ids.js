// Readable ids in the modeler. bpmn-js gives a new element an id like "Activity_0mcogf0", which then
// shows in every problem a save reports. When a new element is first named (in the panel, by "A step
// for a person", or by typing on the diagram), its id becomes one made from the name instead:
// "Check the manager's deadline" → check_the_managers_deadline. The change is made with bpmn-js's own
// command inside the naming command, so one Undo takes back both, and bpmn-js keeps every reference to
// the element (flows' ends, a timer's step, a lane's steps, the drawing) pointing at it. An element that
// came from a published version keeps its id whatever it is called: open cases are moved to a new
// version by their steps' ids.
/* exported startElementIds */

// The ids bpmn-js (and older modelers) make up: a capitalised kind, an underscore, a short random tail.
const GENERATED_ID = /^[A-Z][A-Za-z]*_[0-9a-z]{1,8}$/;
const LONGEST_ID = 60;

// A name as snake_case ASCII that is a valid XML id (an NCName: a letter or underscore first), or null.
function readableId(name) {
  const words = String(name || '').normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
    .replace(/&/g, ' and ').replace(/['’‘`]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  if (!words) return null;
  let id = words;
  if (id.length > LONGEST_ID) {
    id = id.slice(0, LONGEST_ID);
    const lastBreak = id.lastIndexOf('_');
    if (lastBreak > LONGEST_ID / 2) id = id.slice(0, lastBreak);
  }
  return /^[a-z_]/.test(id) ? id : `step_${id}`;
}

function ElementIds(config, eventBus, modeling, elementRegistry, moddle) {
  const published = new Set((config && config.published) || []);

  const taken = (id) => published.has(id) || !!elementRegistry.get(id) || !!elementRegistry.get(`${id}_label`)
    || !!moddle.ids.assigned(id);

  function unique(base) {
    if (!taken(base)) return base;
    for (let n = 2; ; n += 1) if (!taken(`${base}_${n}`)) return `${base}_${n}`;
  }

  // Whether this element's id should follow its name: it is new (not published) and still made up.
  const renamable = (element) => !!element && !!element.businessObject && !element.labelTarget
    && GENERATED_ID.test(element.id) && !published.has(element.id)
    && !['bpmn:Process', 'bpmn:Collaboration', 'label'].includes(element.type);

  function follow(element) {
    if (!renamable(element) || !elementRegistry.get(element.id)) return;
    const base = readableId(element.businessObject.name);
    if (!base) return;
    // Nested in the command being run, so it is undone and redone with it.
    modeling.updateProperties(element, { id: unique(base) });
  }

  const owner = (element) => (element && element.labelTarget) || element;
  eventBus.on('commandStack.element.updateLabel.postExecuted', (event) => follow(owner(event.context.element)));
  eventBus.on('commandStack.element.updateProperties.postExecuted', (event) => {
    const { properties } = event.context;
    if (properties && 'name' in properties && !('id' in properties)) follow(owner(event.context.element));
  });
  // A step drawn already named (A step for a person, its escalation timer, a pasted copy).
  eventBus.on('commandStack.shape.create.postExecuted', (event) => follow(event.context.shape));
  // A new element changed to another kind (a task made a script) keeps the id it had. A published one does
  // not: it is a different step, which open cases must not be moved onto.
  eventBus.on('commandStack.shape.replace.postExecuted', (event) => {
    const { oldShape, newShape } = event.context;
    if (!oldShape || !newShape || published.has(oldShape.id) || oldShape.id === newShape.id) return;
    if (elementRegistry.get(oldShape.id) || moddle.ids.assigned(oldShape.id) || !elementRegistry.get(newShape.id)) return;
    modeling.updateProperties(newShape, { id: oldShape.id });
  });

  // An external label (a gateway's, an event's, a flow's) is known by its element's id, here as on import.
  eventBus.on('element.updateId', ({ element, newId }) => {
    const { label } = element;
    if (label && !element.labelTarget && label.id !== `${newId}_label` && !elementRegistry.get(`${newId}_label`)) {
      elementRegistry.updateId(label, `${newId}_label`);
    }
  });

  this.readableId = readableId;
  this.isPublished = (id) => published.has(id);
}
ElementIds.$inject = ['config.elementIds', 'eventBus', 'modeling', 'elementRegistry', 'moddle'];

const startElementIds = { module: { __init__: ['elementIds'], elementIds: ['type', ElementIds] }, readableId };
