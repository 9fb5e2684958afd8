// Forms as a list of questions, for process owners: each question's words, hint, kind of answer, whether
// it must be answered and when it is shown, changed with ordinary controls; the form's JSON Schema is
// written back into the same file the JSON box edits (so Save sends it as before), and the JSON stays
// one tick away for experts. New forms are made here too, and offered as a step's form at once.
// Loaded from a file: the pages allow no inline script (Content-Security-Policy).
/* exported startFormBuilder */
function startFormBuilder(options) {
  const SHORT = 200; // the pages show text up to 200 characters as one line, longer as a box
  const LONG = 4000;
  const DIALECT = 'https://json-schema.org/draft/2020-12/schema';
  const KINDS = [
    ['yesno', 'Yes or no'], ['choice', 'A choice from a list'], ['short', 'Short text (one line)'],
    ['long', 'Long text (a box for paragraphs)'], ['date', 'A date'], ['integer', 'A whole number'],
    ['number', 'A number (decimals allowed)'], ['entries', 'A list of entries (for example people)'],
  ];
  const WORDS = { yesno: 'Yes or no', choice: 'A choice', short: 'Short text', long: 'Long text', date: 'A date',
    integer: 'A whole number', number: 'A number', entries: 'A list of entries' };
  const host = options.host;
  const raw = options.text;
  let shown = null; // the form file on screen
  let schema = null; // its JSON Schema, as last read or written
  let openPath = []; // the question being changed: [key] or [key, key of one of its entry's questions]
  let adding = null; // the container a question is being added to ('' for the form, or a list's key)
  const lastGood = {}; // each form's last text that was a form, to go back to
  let asJson = false;
  let counter = 0;

  // ---- Looks: the page allows its own styles.
  const style = document.createElement('style');
  style.textContent = `
    #form-builder { margin: .6rem 0; }
    #form-builder .fb-list { list-style: none; padding: 0; margin: .4rem 0; max-width: 60rem; }
    #form-builder .fb-question { border: 1px solid var(--line, #b1b4b6); border-left: 5px solid var(--accent, #1d70b8);
      padding: .4rem .8rem; margin: 0 0 .5rem; background: #fff; }
    #form-builder .fb-question .fb-list .fb-question { border-left-color: #505a5f; }
    #form-builder .fb-title { font-weight: bold; margin: .2rem 0; }
    #form-builder .fb-meta { margin: .1rem 0; }
    #form-builder .fb-tools button { min-height: 2.4rem; padding: .3rem .7rem; margin: .2rem .3rem .2rem 0; }
    #form-builder fieldset.fb-editor { border: 2px solid var(--accent, #1d70b8); padding: .4rem .9rem .8rem; margin: .5rem 0; }
    #form-builder fieldset.fb-editor legend { font-weight: bold; padding: 0 .3rem; }
    #form-builder .fb-editor label { display: block; font-weight: bold; margin-top: .5rem; }
    #form-builder .fb-editor label.fb-inline { display: inline; }
    #form-builder .fb-editor input[type=text], #form-builder .fb-editor textarea, #form-builder .fb-editor select,
    #form-builder .fb-new input[type=text] { width: 100%; max-width: 40rem; box-sizing: border-box; }
    #form-builder .fb-editor textarea { min-height: 4rem; }
    #form-builder .fb-editor input[type=checkbox] { width: 1.4rem; height: 1.4rem; vertical-align: middle; margin: .6rem .4rem 0 0; }
    #form-builder .fb-option { display: flex; flex-wrap: wrap; gap: .2rem 1rem; align-items: end; border-top: 1px solid #e0e0e0;
      padding: .3rem 0; }
    #form-builder .fb-option > div { flex: 1 1 14rem; }
    #form-builder .fb-option button { margin: 0 0 .1rem; }
    #form-builder .fb-problem { color: #d4351c; font-weight: bold; }
    #form-builder .fb-bar { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; align-items: center; }
    #form-builder .fb-bar label { font-weight: normal; }
    #form-builder .fb-bar input[type=checkbox] { width: 1.4rem; height: 1.4rem; vertical-align: middle; }
    #form-builder fieldset.fb-new { border: 2px solid var(--accent, #1d70b8); padding: .4rem .9rem .8rem; margin: .5rem 0; max-width: 42rem; }
    #form-builder fieldset.fb-new label { display: block; font-weight: bold; margin-top: .5rem; }
  `;
  document.head.append(style);

  // ---- Small helpers.
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([name, value]) => {
      if (value === undefined || value === null || value === false) return;
      if (name === 'text') node.textContent = value;
      else if (name in node && !name.startsWith('aria') && name !== 'for') node[name] = value;
      else node.setAttribute(name, value === true ? '' : value);
    });
    node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
    return node;
  }
  const button = (text, attributes, onClick) => {
    const b = el('button', { type: 'button', className: 'secondary', text, ...attributes });
    b.addEventListener('click', onClick);
    return b;
  };
  const idFor = (path, part) => `fb-${path.map((k) => String(k).replace(/[^A-Za-z0-9_-]/g, '_')).join('--')}-${part}`;
  const fresh = () => { counter += 1; return `fb-n${counter}`; };
  const quote = (text) => `“${text}”`;

  // A name the engine can use, made from words: "Was the child seen?" -> "was_the_child_seen".
  function snake(words, fallback) {
    let made = String(words || '').normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
      .replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
    if (made.length > 40) made = made.slice(0, 40).replace(/_[^_]*$/, '') || made.slice(0, 40);
    made = made.replace(/_+$/, '');
    if (!made) made = fallback;
    if (/^[0-9]/.test(made)) made = `${fallback}_${made}`;
    return made;
  }
  function unique(base, taken) {
    if (!taken.includes(base)) return base;
    for (let n = 2; ; n += 1) if (!taken.includes(`${base}_${n}`)) return `${base}_${n}`;
  }

  // ---- Reading a question's kind the way the task pages do (service/web/forms.py).
  function kindOf(spec) {
    if (!spec || typeof spec !== 'object') return 'other';
    const types = Array.isArray(spec.type) ? spec.type : [spec.type];
    if (spec['x-options']) return 'other';
    if (types.includes('boolean')) return spec.const === undefined ? 'yesno' : 'other';
    if (types.includes('array')) return spec.items && spec.items.type === 'object' ? 'entries' : 'other';
    if (spec.oneOf || spec.enum) return 'choice';
    if (spec.const !== undefined) return 'other';
    if (types.includes('integer')) return 'integer';
    if (types.includes('number')) return 'number';
    if (types.includes('string')) {
      if (spec.format === 'date') return 'date';
      if (spec.format) return 'other';
      return spec.maxLength !== undefined && spec.maxLength <= SHORT ? 'short' : 'long';
    }
    return 'other';
  }
  function otherWords(spec) {
    if (spec && spec['x-options']) return 'A choice from the case’s own list';
    if (spec && spec.format === 'date-time') return 'A date and time';
    if (spec && spec.format === 'email') return 'An email address';
    if (spec && spec.type === 'array') return 'Several choices';
    if (spec && spec.type === 'boolean') return 'A box to tick';
    return 'Another kind of answer';
  }
  const kindWords = (spec) => WORDS[kindOf(spec)] || otherWords(spec);
  const optionsOf = (spec) => (Array.isArray(spec.oneOf)
    ? spec.oneOf.map((o) => ({ value: o && o.const, words: String(o && (o.title ?? o.const)) }))
    : (spec.enum || []).map((v) => ({ value: v, words: String(v).replace(/_/g, ' ') })));

  // ---- The form's parts: a container is the form itself or one list's entry (both have properties).
  function containerAt(path) {
    if (!path.length) return schema;
    const list = schema.properties[path[0]];
    return list && list.items;
  }
  const questionsOf = (container) => Object.keys(container.properties || {});
  const isRequired = (container, key) => (container.required || []).includes(key);
  function setRequired(container, key, on) {
    const now = (container.required || []).filter((k) => k !== key);
    if (on) now.push(key);
    if (now.length) container.required = questionsOf(container).filter((k) => now.includes(k));
    else delete container.required;
  }

  // Conditions are the form's allOf rules: if {question: const} then {required: [...]}, as the pages read them.
  function ruleWhen(rule) {
    const props = rule && rule.if && rule.if.properties;
    if (!props || Object.keys(props).length !== 1) return null;
    const [question, test] = Object.entries(props)[0];
    return test && 'const' in test ? { question, value: test.const } : null;
  }
  function conditionsOf(key) {
    return (schema.allOf || []).map((rule) => ({ rule, when: ruleWhen(rule) }))
      .filter(({ rule, when }) => when && rule.then && (rule.then.required || []).includes(key))
      .map(({ when }) => when);
  }
  function setCondition(key, when) {
    const kept = [];
    (schema.allOf || []).forEach((rule) => {
      const ours = ruleWhen(rule) && rule.then && Array.isArray(rule.then.required);
      if (ours && rule.then.required.includes(key)) {
        rule.then.required = rule.then.required.filter((k) => k !== key);
        if (!rule.then.required.length && Object.keys(rule.then).length === 1) return; // nothing left to say
      }
      kept.push(rule);
    });
    if (when) {
      setRequired(schema, key, false); // shown (and asked for) only after the answer
      const same = kept.find((rule) => {
        const w = ruleWhen(rule);
        return w && w.question === when.question && w.value === when.value && rule.then && Array.isArray(rule.then.required);
      });
      if (same) same.then.required.push(key);
      else {
        kept.push({ if: { properties: { [when.question]: { const: when.value } }, required: [when.question] },
          then: { required: [key] } });
      }
    }
    if (kept.length) schema.allOf = kept;
    else delete schema.allOf;
  }
  // The rules waiting for an answer of ``question``: each answer value is kept, changed (``to``) or dropped
  // (``to`` undefined); what a dropped rule brought up is then always shown. Returns how many were dropped.
  function followAnswers(question, change) {
    let dropped = 0;
    const kept = (schema.allOf || []).filter((rule) => {
      const w = ruleWhen(rule);
      if (!w || w.question !== question) return true;
      const to = change(w.value);
      if (to === undefined) { dropped += 1; return false; }
      rule.if.properties[question].const = to;
      return true;
    });
    if (kept.length) schema.allOf = kept;
    else delete schema.allOf;
    return dropped;
  }
  const ALWAYS = ' The questions it brought up are now always shown.';

  // Questions whose answer can bring up another: yes / no and choices of the form itself.
  const askers = (key) => questionsOf(schema).filter((k) => k !== key
    && ['yesno', 'choice'].includes(kindOf(schema.properties[k])));
  const answersOf = (spec) => (kindOf(spec) === 'yesno' ? [{ value: true, words: 'Yes' }, { value: false, words: 'No' }]
    : optionsOf(spec));
  function answerWords(question, value) {
    const spec = schema.properties[question];
    const found = spec && answersOf(spec).find((a) => a.value === value);
    return found ? found.words : String(value);
  }
  const titleOf = (container, key) => {
    const spec = container.properties[key];
    return String((spec && spec.title) || key.replace(/_/g, ' '));
  };

  // ---- Changing a question's kind: what that kind needs, keeping its words, hint and anything it still fits.
  const KIND_KEYWORDS = ['type', 'format', 'maxLength', 'minLength', 'oneOf', 'enum', 'const', 'items', 'minItems',
    'maxItems', 'minimum', 'maximum', 'pattern', 'default', 'x-default', 'x-suggest', 'x-options'];
  function setKind(spec, kind) {
    if (kindOf(spec) === kind) return;
    const was = kindOf(spec);
    if ((was === 'short' || was === 'long') && (kind === 'short' || kind === 'long')) {
      spec.maxLength = kind === 'short' ? SHORT : LONG;
      return;
    }
    KIND_KEYWORDS.forEach((k) => delete spec[k]);
    if (kind === 'yesno') spec.type = 'boolean';
    else if (kind === 'integer' || kind === 'number') spec.type = kind;
    else if (kind === 'choice') {
      Object.assign(spec, { type: 'string', oneOf: [{ const: 'option_1', title: 'Option 1' }, { const: 'option_2', title: 'Option 2' }],
        maxLength: SHORT });
    } else if (kind === 'date') Object.assign(spec, { type: 'string', format: 'date', maxLength: 10 });
    else if (kind === 'short') Object.assign(spec, { type: 'string', maxLength: SHORT });
    else if (kind === 'long') Object.assign(spec, { type: 'string', maxLength: LONG });
    else if (kind === 'entries') {
      Object.assign(spec, { type: 'array', maxItems: 20, items: { type: 'object', title: 'Entry', required: ['name'],
        properties: { name: { type: 'string', title: 'Name', maxLength: SHORT } }, additionalProperties: false } });
    }
  }
  // Every text answer the builder writes says how long it may be (the service refuses one that does not).
  function bounded(spec) {
    if (!spec || spec.type !== 'string' || spec.maxLength !== undefined) return;
    const lengths = optionsOf(spec).map((o) => String(o.value).length);
    spec.maxLength = { date: 10, 'date-time': 35, email: 320 }[spec.format] || (lengths.length ? Math.max(SHORT, ...lengths) : LONG);
  }
  function setOptions(spec, list) {
    spec.oneOf = list.map((o) => ({ const: o.value, title: o.words }));
    delete spec.enum;
    const longest = Math.max(0, ...list.map((o) => String(o.value).length));
    if (spec.maxLength === undefined || spec.maxLength < longest) spec.maxLength = Math.max(SHORT, longest);
  }

  // ---- Reading and writing the file.
  function parse(text) {
    try {
      const found = JSON.parse(text);
      if (!found || typeof found !== 'object' || Array.isArray(found)) return { problem: 'it is not a form (a set of questions)' };
      if (found.properties !== undefined && (typeof found.properties !== 'object' || Array.isArray(found.properties))) {
        return { problem: 'its questions ("properties") are not a list the builder can read' };
      }
      return { schema: found };
    } catch (error) {
      const at = /position (\d+)/.exec(error.message);
      const before = at ? text.slice(0, Number(at[1])).split('\n') : null;
      return { problem: before ? `there is a mistake on line ${before.length}, near character ${before[before.length - 1].length + 1}`
        : 'it is not complete' };
    }
  }
  function write(message) {
    const text = `${JSON.stringify(schema, null, 2)}\n`;
    lastGood[shown] = text;
    options.write(shown, text);
    raw.value = text;
    if (message) say(message);
  }
  function say(message, ...extra) { status.replaceChildren(message, ...extra); }

  // ---- The page parts: made once, filled for each form.
  const status = el('p', { className: 'hint', role: 'status', 'aria-live': 'polite' });
  const heading = el('h3', { id: 'fb-heading' });
  const list = el('ol', { className: 'fb-list', 'aria-labelledby': 'fb-heading' });
  const problemBox = el('div', { hidden: true });
  const addArea = el('div');
  const newArea = el('div');
  const jsonToggle = el('input', { type: 'checkbox', id: 'fb-as-json' });
  const jsonLabel = el('label', { for: 'fb-as-json', text: 'Edit as JSON (for experts)' });
  const newButton = button('New form', { id: 'fb-new-form', className: '' }, () => openNewForm());
  const formPart = el('div', { id: 'fb-form' }, heading, el('p', { className: 'hint', id: 'fb-intro',
    text: 'Each question as the person answering sees it, in order. A change is kept as soon as you leave the box; Save (below) checks and keeps the form with the process.' }),
  problemBox, list, addArea);
  host.replaceChildren(el('div', { className: 'fb-bar' }, newButton, el('span', { id: 'fb-json-choice' }, jsonToggle, ' ', jsonLabel)),
    newArea, formPart, status);
  jsonToggle.addEventListener('change', () => { asJson = jsonToggle.checked; showRaw(); });

  function showRaw() {
    const isForm = shown && shown.startsWith('forms/') && shown.endsWith('.json');
    if (!isForm) return;
    raw.hidden = !asJson;
    if (options.note) options.note.hidden = !asJson;
  }

  // ---- One question: its summary, and its editor when it is being changed.
  function summary(container, key, path) {
    const spec = container.properties[key];
    const bits = [kindWords(spec)];
    if (kindOf(spec) === 'choice') bits[0] = `A choice of ${optionsOf(spec).length}: ${optionsOf(spec).map((o) => o.words).join(', ')}`;
    const when = path.length === 1 ? conditionsOf(key) : [];
    if (when.length) {
      bits.push(`shown only when ${when.map((w) => `${quote(titleOf(schema, w.question))} is ${quote(answerWords(w.question, w.value))}`).join(' or ')}, then needed`);
    } else bits.push(isRequired(container, key) ? 'must be answered' : 'optional');
    const number = questionsOf(container).indexOf(key) + 1;
    const parts = [el('p', { className: 'fb-title' }, el('span', { className: 'fb-number', text: `${number}. ` }), titleOf(container, key)),
      el('p', { className: 'fb-meta', text: bits.join('; ') })];
    if (spec && spec.description) parts.push(el('p', { className: 'hint fb-hint', text: `Hint: ${spec.description}` }));
    if (kindOf(spec) === 'entries' && !(openPath[0] === key && path.length === 1)) {
      const inner = questionsOf(spec.items).map((k) => titleOf(spec.items, k));
      parts.push(el('p', { className: 'hint', text: `Each ${String(spec.items.title || 'entry').toLowerCase()} asks: ${inner.join('; ') || 'nothing yet'}` }));
    }
    return parts;
  }

  function refreshSummary(path) {
    const box = document.getElementById(idFor(path, 'summary'));
    const container = containerAt(path.slice(0, -1));
    if (box && container) box.replaceChildren(...summary(container, path[path.length - 1], path));
  }

  function questionItem(container, key, index, path) {
    const count = questionsOf(container).length;
    const title = titleOf(container, key);
    // Open when it is being changed, or one of its entry's questions is.
    const open = openPath.length >= path.length && path.every((k, i) => k === openPath[i]);
    const item = el('li', { className: 'fb-question', id: idFor(path, 'item') });
    item.dataset.key = key;
    item.append(el('div', { id: idFor(path, 'summary') }, ...summary(container, key, path)));
    const tools = el('div', { className: 'fb-tools' },
      button(open ? 'Close' : 'Change', { id: idFor(path, 'change'), 'aria-expanded': String(open), 'aria-label': `${open ? 'Close' : 'Change'}: ${title}` },
        () => { openPath = open ? path.slice(0, -1) : path; adding = null; render(idFor(path, 'change')); }),
      index > 0 && button('Move up', { id: idFor(path, 'up'), 'aria-label': `Move up: ${title}` }, () => move(path, -1)),
      index < count - 1 && button('Move down', { id: idFor(path, 'down'), 'aria-label': `Move down: ${title}` }, () => move(path, 1)),
      button('Remove', { id: idFor(path, 'remove'), 'aria-label': `Remove: ${title}` }, () => remove(path)));
    item.append(tools);
    if (open) item.append(editor(container, key, path));
    return item;
  }

  function labelled(path, part, words, control, hint) {
    control.id = idFor(path, part);
    const parts = [el('label', { for: control.id, text: words })];
    if (hint) {
      const hintId = `${control.id}-hint`;
      parts.push(el('p', { className: 'hint', id: hintId, text: hint }));
      control.setAttribute('aria-describedby', hintId);
    }
    parts.push(control);
    return el('div', {}, ...parts);
  }

  function editor(container, key, path) {
    const spec = container.properties[key];
    const kind = kindOf(spec);
    const top = path.length === 1;
    const box = el('fieldset', { className: 'fb-editor', id: idFor(path, 'editor') },
      el('legend', { text: `Change the question ${quote(titleOf(container, key))}` }));
    const changed = (message) => { write(message); refreshSummary(path); };

    const words = el('input', { type: 'text', value: String(spec.title || ''), maxLength: 300 });
    words.addEventListener('change', () => {
      const text = words.value.trim();
      if (!text) { words.value = String(spec.title || ''); say('A question needs its words: they were kept as they were.'); return; }
      spec.title = text;
      bounded(spec);
      changed(`Changed the question to ${quote(text)}.`);
    });
    box.append(labelled(path, 'words', 'The question', words));

    const hint = el('textarea', { value: String(spec.description || ''), maxLength: 1000, rows: 2 });
    hint.addEventListener('change', () => {
      if (hint.value.trim()) spec.description = hint.value.trim();
      else delete spec.description;
      bounded(spec);
      changed('Changed the hint.');
    });
    box.append(labelled(path, 'hint', 'Hint (optional)', hint, 'Shown under the question to help people answer it.'));

    const kindChoice = el('select');
    KINDS.filter(([k]) => top || k !== 'entries').forEach(([value, text]) => kindChoice.append(new Option(text, value)));
    if (kind === 'other') kindChoice.prepend(new Option(`${otherWords(spec)} (kept as it is)`, 'other'));
    kindChoice.value = kind;
    kindChoice.addEventListener('change', () => {
      if (kindChoice.value === 'other') return;
      setKind(spec, kindChoice.value);
      const dropped = top ? followAnswers(key, () => undefined) : 0;
      write(`${quote(titleOf(container, key))} is now answered with ${KINDS.find(([k]) => k === kindChoice.value)[1].toLowerCase()}.${dropped ? ALWAYS : ''}`);
      render(idFor(path, 'kind'));
    });
    box.append(labelled(path, 'kind', 'Kind of answer', kindChoice));

    const when = top ? conditionsOf(key) : [];
    const needed = el('input', { type: 'checkbox', id: idFor(path, 'needed'), checked: when.length > 0 || isRequired(container, key),
      disabled: when.length > 0 });
    needed.addEventListener('change', () => {
      setRequired(container, key, needed.checked);
      changed(needed.checked ? `${quote(titleOf(container, key))} must now be answered.` : `${quote(titleOf(container, key))} is now optional.`);
    });
    box.append(el('div', {}, needed, el('label', { className: 'fb-inline', for: needed.id, text: 'It must be answered' }),
      when.length ? el('p', { className: 'hint', text: 'A question shown only after another answer must be answered once it is shown.' }) : null));

    if (kind === 'choice') box.append(optionsEditor(spec, path, changed));
    if (kind === 'entries') box.append(entriesEditor(spec, path, changed));
    if (top) box.append(conditionEditor(key, path, when));
    box.append(el('div', {}, button('Done', { id: idFor(path, 'done'), className: '' }, () => {
      openPath = path.slice(0, -1);
      render(idFor(path, 'change'));
    })));
    return box;
  }

  function optionsEditor(spec, path, changed) {
    const group = el('fieldset', { className: 'fb-options' }, el('legend', { text: 'The options to choose from' }));
    const current = optionsOf(spec);
    current.forEach((option, i) => {
      const shownWords = el('input', { type: 'text', value: option.words, maxLength: 200 });
      const kept = el('input', { type: 'text', value: String(option.value), maxLength: 100, spellcheck: false });
      const row = el('div', { className: 'fb-option' },
        labelled(path, `option-${i}-words`, `Option ${i + 1}: the words people see`, shownWords),
        labelled(path, `option-${i}-value`, `Option ${i + 1}: kept in the record as`, kept),
        button(`Remove option ${i + 1}`, { id: idFor(path, `option-${i}-remove`) }, () => {
          if (current.length < 2) { say('A choice needs at least one option: change its words instead.'); return; }
          const [gone] = current.splice(i, 1);
          setOptions(spec, current);
          const dropped = path.length === 1 ? followAnswers(path[0], (v) => (v === gone.value ? undefined : v)) : 0;
          write(`Removed option ${i + 1}.${dropped ? ALWAYS : ''}`);
          render(idFor(path, 'option-add'));
        }));
      shownWords.addEventListener('change', () => {
        const text = shownWords.value.trim();
        if (!text) { shownWords.value = option.words; say('An option needs its words: they were kept as they were.'); return; }
        const others = current.filter((o) => o !== option).map((o) => String(o.value));
        // A value made from the old words follows the new ones; one typed by the owner stays.
        if (String(option.value) === snake(option.words, 'option') || /^option_\d+$/.test(String(option.value))) {
          const was = option.value;
          option.value = unique(snake(text, 'option'), others);
          kept.value = option.value;
          if (path.length === 1) followAnswers(path[0], (v) => (v === was ? option.value : v));
        }
        option.words = text;
        setOptions(spec, current);
        changed(`Option ${i + 1} now reads ${quote(text)}.`);
      });
      kept.addEventListener('change', () => {
        const others = current.filter((o) => o !== option).map((o) => String(o.value));
        const value = kept.value.trim() ? unique(kept.value.trim(), others) : unique(snake(option.words, 'option'), others);
        kept.value = value;
        const was = option.value;
        option.value = typeof option.value === 'number' && String(option.value) === value ? option.value : value;
        if (path.length === 1) followAnswers(path[0], (v) => (v === was ? option.value : v));
        setOptions(spec, current);
        changed(`Option ${i + 1} is kept as ${quote(value)}.`);
      });
      group.append(row);
    });
    group.append(button('Add an option', { id: idFor(path, 'option-add') }, () => {
      const taken = current.map((o) => String(o.value));
      const n = current.length + 1;
      current.push({ value: unique(`option_${n}`, taken), words: `Option ${n}` });
      setOptions(spec, current);
      write(`Added option ${n}: give its words.`);
      render(idFor(path, `option-${n - 1}-words`));
    }));
    return group;
  }

  function entriesEditor(spec, path, changed) {
    const items = spec.items;
    const group = el('div', { className: 'fb-entries' });
    const headingId = idFor(path, 'entry-heading');
    const entryName = el('input', { type: 'text', value: String(items.title || 'Entry'), maxLength: 60 });
    entryName.addEventListener('change', () => {
      items.title = entryName.value.trim() || 'Entry';
      entryName.value = items.title;
      const title = document.getElementById(headingId);
      if (title) title.textContent = `The questions of each ${items.title.toLowerCase()}`;
      changed(`Each entry is now called ${quote(items.title)}.`);
    });
    group.append(labelled(path, 'entry-name', 'What one entry is called', entryName, 'For example Person, or Piece of information.'));
    group.append(el('h4', { id: headingId, text: `The questions of each ${String(items.title || 'entry').toLowerCase()}` }));
    const inner = el('ol', { className: 'fb-list', 'aria-labelledby': headingId });
    questionsOf(items).forEach((k, i) => inner.append(questionItem(items, k, i, [...path, k])));
    group.append(inner, addQuestion(path));
    return group;
  }

  function conditionEditor(key, path, when) {
    const group = el('div', { className: 'fb-condition' });
    const question = el('select');
    question.append(new Option('Always', ''));
    askers(key).forEach((k) => question.append(new Option(`Only after an answer to ${quote(titleOf(schema, k))}`, k)));
    question.value = when.length ? when[0].question : '';
    group.append(labelled(path, 'when', 'When is it shown?', question,
      'A question can be shown only once another question (yes or no, or a choice) has a certain answer.'));
    if (when.length > 1) {
      group.append(el('p', { className: 'hint', text: `It is shown after any of ${when.length} answers; choosing here replaces them with one.` }));
    }
    if (question.value) {
      const answer = el('select');
      const answers = answersOf(schema.properties[question.value]);
      answers.forEach((a, i) => answer.append(new Option(a.words, String(i))));
      const at = answers.findIndex((a) => a.value === when[0].value);
      answer.value = String(Math.max(at, 0));
      answer.addEventListener('change', () => {
        setCondition(key, { question: question.value, value: answers[Number(answer.value)].value });
        write(`${quote(titleOf(schema, key))} is shown only when ${quote(titleOf(schema, question.value))} is ${quote(answers[Number(answer.value)].words)}.`);
        refreshSummary(path);
        render(idFor(path, 'answer'));
      });
      group.append(labelled(path, 'answer', 'Which answer shows it', answer));
    }
    question.addEventListener('change', () => {
      if (!question.value) {
        setCondition(key, null);
        write(`${quote(titleOf(schema, key))} is now always shown, and optional: tick “It must be answered” if it must.`);
      } else {
        const first = answersOf(schema.properties[question.value])[0];
        setCondition(key, { question: question.value, value: first.value });
        write(`${quote(titleOf(schema, key))} is shown only when ${quote(titleOf(schema, question.value))} is ${quote(first.words)}: choose the answer below if it is another.`);
      }
      render(idFor(path, 'when'));
    });
    return group;
  }

  // ---- Adding, moving and removing questions.
  function addQuestion(parentPath) {
    const where = parentPath.length ? parentPath[0] : '';
    const place = parentPath.length ? [...parentPath, '_new'] : ['_new'];
    if (adding !== where) {
      return el('div', {}, button(parentPath.length ? 'Add a question to each entry' : 'Add a question',
        { id: idFor(place, 'open'), className: '' }, () => { adding = where; render(idFor(place, 'words')); }));
    }
    const words = el('input', { type: 'text', maxLength: 300 });
    const kind = el('select');
    KINDS.filter(([k]) => !parentPath.length || k !== 'entries').forEach(([value, text]) => kind.append(new Option(text, value)));
    kind.value = 'yesno';
    const problem = el('p', { className: 'fb-problem', role: 'alert', id: idFor(place, 'problem') });
    const box = el('fieldset', { className: 'fb-editor' }, el('legend', { text: parentPath.length ? 'A new question for each entry' : 'A new question' }),
      labelled(place, 'words', 'The question', words, 'As the person answering will read it, for example “Was the child seen alone?”'),
      labelled(place, 'kind', 'Kind of answer', kind), problem);
    const add = () => {
      const text = words.value.trim();
      if (!text) { problem.textContent = 'Type the question first.'; words.focus(); return; }
      const container = containerAt(parentPath);
      const key = unique(snake(text, 'question'), questionsOf(container).concat(parentPath.length ? [] : questionsOf(schema)));
      const spec = { title: text };
      setKind(spec, kind.value);
      if (!spec.type) setKind(spec, 'short');
      container.properties = container.properties || {};
      container.properties[key] = spec;
      if (!parentPath.length && schema.additionalProperties === undefined) schema.additionalProperties = false;
      adding = null;
      openPath = [...parentPath, key];
      write(`Added ${quote(text)}. Give it a hint or options below if it needs them.`);
      render(idFor(openPath, 'words'));
    };
    words.addEventListener('keydown', (event) => { if (event.key === 'Enter') { event.preventDefault(); add(); } });
    box.append(button('Add the question', { id: idFor(place, 'add'), className: '' }, add),
      button('Cancel', { id: idFor(place, 'cancel') }, () => { adding = null; render(idFor(place, 'open')); }));
    return box;
  }

  function move(path, by) {
    const container = containerAt(path.slice(0, -1));
    const key = path[path.length - 1];
    const keys = questionsOf(container);
    const at = keys.indexOf(key);
    const to = at + by;
    if (to < 0 || to >= keys.length) return;
    keys.splice(at, 1);
    keys.splice(to, 0, key);
    const moved = {};
    keys.forEach((k) => { moved[k] = container.properties[k]; });
    container.properties = moved;
    if (container.required) container.required = keys.filter((k) => container.required.includes(k));
    write(`Moved ${quote(titleOf(container, key))} ${by < 0 ? 'up' : 'down'}: it is now question ${to + 1}.`);
    const stay = idFor(path, by < 0 ? 'up' : 'down');
    render(stay, idFor(path, 'change'));
  }

  function remove(path) {
    const container = containerAt(path.slice(0, -1));
    const key = path[path.length - 1];
    const before = JSON.stringify(schema);
    const title = titleOf(container, key);
    if (path.length === 1 && questionsOf(container).length === 1) {
      say('A form needs at least one question: add another before removing this one.');
      return;
    }
    if (path.length === 2 && questionsOf(container).length === 1) {
      say('Each entry needs at least one question: add another before removing this one.');
      return;
    }
    delete container.properties[key];
    setRequired(container, key, false);
    if (path.length === 1) {
      setCondition(key, null);
      // Rules that waited for its answer go too: what they brought up is then always shown.
      const rules = (schema.allOf || []).filter((rule) => !(ruleWhen(rule) && ruleWhen(rule).question === key));
      if (rules.length) schema.allOf = rules;
      else delete schema.allOf;
    }
    if (openPath[path.length - 1] === key) openPath = path.slice(0, -1);
    write();
    say(`Removed ${quote(title)}. `, button('Put it back', { id: 'fb-put-back' }, () => {
      schema = JSON.parse(before);
      write(`Put ${quote(title)} back.`);
      render(idFor(path, 'change'));
    }));
    render('fb-put-back');
  }

  // ---- Drawing the form, and keeping the focus where it was.
  function render(focusId, otherwise) {
    const isForm = shown && shown.startsWith('forms/') && shown.endsWith('.json');
    formPart.hidden = !isForm;
    document.getElementById('fb-json-choice').hidden = !isForm;
    if (!isForm) return;
    const text = options.read(shown);
    const read = parse(text);
    if (read.problem) {
      schema = null;
      list.replaceChildren();
      addArea.replaceChildren();
      heading.textContent = `The questions of ${shown}`;
      const back = lastGood[shown] !== undefined && lastGood[shown] !== text;
      problemBox.hidden = false;
      problemBox.replaceChildren(
        el('p', { className: 'fb-problem', text: `The questions cannot be shown: the form’s JSON has a mistake (${read.problem}).` }),
        el('p', { text: back ? 'Correct it in the JSON, or go back to the last version that was correct.' : 'Correct it in the JSON.' }),
        !asJson && button('Show the JSON', { id: 'fb-show-json' }, () => { jsonToggle.checked = true; asJson = true; showRaw(); raw.focus(); }),
        back && button('Go back to the last correct version', { id: 'fb-go-back' }, () => {
          options.write(shown, lastGood[shown]);
          raw.value = lastGood[shown];
          raw.dispatchEvent(new Event('input')); // the JSON box's own check runs again
          say('Went back to the last correct version of the form.');
          render(idFor(['_new'], 'open'));
        }));
      return;
    }
    problemBox.hidden = true;
    problemBox.replaceChildren();
    schema = read.schema;
    lastGood[shown] = text;
    schema.properties = schema.properties || {};
    heading.textContent = `The questions of ${schema.title ? quote(schema.title) : shown}`;
    const keys = questionsOf(schema);
    list.replaceChildren(...keys.map((k, i) => questionItem(schema, k, i, [k])));
    if (!keys.length) list.append(el('li', { className: 'hint', text: 'No questions yet.' }));
    addArea.replaceChildren(addQuestion([]));
    const target = (focusId && document.getElementById(focusId)) || (otherwise && document.getElementById(otherwise));
    if (target) target.focus();
  }

  // ---- A new form, named from its title, with a first question.
  function openNewForm() {
    if (newArea.childElementCount) { newArea.querySelector('input').focus(); return; }
    const title = el('input', { type: 'text', id: 'fb-new-title', maxLength: 200, 'aria-describedby': 'fb-new-title-hint' });
    const first = el('input', { type: 'text', id: 'fb-new-first', maxLength: 300, 'aria-describedby': 'fb-new-first-hint' });
    const problem = el('p', { className: 'fb-problem', role: 'alert', id: 'fb-new-problem' });
    const close = () => { newArea.replaceChildren(); newButton.focus(); };
    const create = () => {
      const words = title.value.trim();
      const question = first.value.trim();
      const missing = [!words && 'what the form is called', !question && 'its first question'].filter(Boolean);
      if (missing.length) { problem.textContent = `Give ${missing.join(' and ')}.`; (words ? first : title).focus(); return; }
      const taken = [...options.choice.options].map((o) => o.value);
      let n = 1;
      let name = `forms/${snake(words, 'form')}.json`;
      while (taken.includes(name)) { n += 1; name = `forms/${snake(words, 'form')}_${n}.json`; }
      const key = snake(question, 'question');
      const made = { $schema: DIALECT, title: words, type: 'object', required: [key],
        properties: { [key]: { type: 'string', title: question, maxLength: SHORT } }, additionalProperties: false };
      const text = `${JSON.stringify(made, null, 2)}\n`;
      options.create(name, text);
      lastGood[name] = text;
      const option = new Option(name, name);
      options.choice.append(option);
      (options.formSelects || []).forEach((select) => {
        const short = name.replace(/^forms\//, '');
        if (![...select.options].some((o) => o.value === short)) select.append(new Option(short, short));
      });
      newArea.replaceChildren();
      Promise.resolve(options.open(name)).then(() => {
        openPath = [key];
        adding = null;
        render();
        say(`Made the form ${quote(words)} (${name}) with its first question. Choose its kind of answer below; `
          + 'give it to a step as the step’s Form, or when you add a step for a person. Save to keep it.');
        const kind = document.getElementById(idFor([key], 'kind'));
        if (kind) kind.focus();
      });
    };
    [title, first].forEach((box) => box.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') { event.preventDefault(); create(); }
    }));
    newArea.append(el('fieldset', { className: 'fb-new' }, el('legend', { text: 'A new form' }),
      el('label', { for: 'fb-new-title', text: 'What the form is called' }),
      el('p', { className: 'hint', id: 'fb-new-title-hint', text: 'People see it as the heading of the step’s page, for example “Check the safety plan”.' }),
      title,
      el('label', { for: 'fb-new-first', text: 'Its first question' }),
      el('p', { className: 'hint', id: 'fb-new-first-hint', text: 'You can change its kind of answer and add more questions next.' }),
      first, problem,
      button('Make the form', { id: 'fb-new-make', className: '' }, create),
      button('Cancel', { id: 'fb-new-cancel' }, close)));
    title.focus();
  }

  // The JSON box typed in: the questions follow (or say why they cannot).
  raw.addEventListener('input', () => {
    if (!shown || !shown.startsWith('forms/')) return;
    render();
  });

  return {
    // A problem found in the form on saving: its JSON is shown, where the problem's place is named.
    showJson() {
      jsonToggle.checked = true;
      asJson = true;
      showRaw();
    },
    // A file was chosen (or shown again): a form is shown as its questions.
    show(name) {
      if (name !== shown) { openPath = []; adding = null; }
      shown = name;
      const isForm = name && name.startsWith('forms/') && name.endsWith('.json');
      if (isForm) {
        const text = options.read(name);
        if (lastGood[name] === undefined && !parse(text).problem) lastGood[name] = text;
        showRaw();
      } else if (options.note) options.note.hidden = false;
      render();
    },
  };
}
