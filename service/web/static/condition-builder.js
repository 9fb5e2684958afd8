// The condition builder: a flow's condition as rows of "fact — is / is not / is one of … — value", all
// of them or any of them, written as the expression the engine reads (`unsure == True and urgency !=
// "emergency"`). A condition the rows cannot say is shown as written; its text stays editable for experts.
/* exported CaseFacts, ConditionBuilder */

// The case facts of the process (GET /processes/<key>/facts), fetched once for the builders.
const CaseFacts = {
  loaded: null,
  url: null,
  list: [],
  byName: new Map(),
  reloaded: [],
  // Fetched again once a draft is saved: a question added to a form is a fact from then on.
  reload() {
    if (!this.url) return Promise.resolve([]);
    this.loaded = null;
    return this.load(this.url).then((list) => { this.reloaded.forEach((tell) => tell()); return list; });
  },
  load(url) {
    this.url = url;
    if (!this.loaded) {
      this.loaded = fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then((response) => (response.ok ? response.json() : Promise.reject(new Error(`the service answered ${response.status}`))))
        .then((answer) => {
          this.list = answer.facts || [];
          this.byName = new Map(this.list.map((fact) => [fact.name, fact]));
          return this.list;
        });
    }
    return this.loaded;
  },
  get(name) { return this.byName.get(name) || null; },
  words(fact, value) {
    const option = (fact.options || []).find((o) => o.value === value);
    return option ? option.words : value;
  },
  // A Python string literal for a value (JSON's quoting is Python's for ordinary text).
  quote(value) { return JSON.stringify(String(value)); },
};

// ---- Reading an expression: a small tokenizer and the few shapes the builder writes.
const TOKEN = /\s*(?:(\d+(?:\.\d+)?)|("[^"\\]*"|'[^'\\]*')|([A-Za-z_][A-Za-z0-9_]*)|(==|!=|>=|<=|>|<|\(|\)|,))/y;

function tokens(text) {
  const found = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < text.length) {
    if (!text.slice(at).trim()) break;
    TOKEN.lastIndex = at;
    const match = TOKEN.exec(text);
    if (!match) return null;
    at = TOKEN.lastIndex;
    if (match[1] !== undefined) found.push({ kind: 'number', value: Number(match[1]) });
    else if (match[2] !== undefined) found.push({ kind: 'string', value: match[2].slice(1, -1) });
    else if (match[3] !== undefined) {
      const word = match[3];
      if (word === 'True' || word === 'False') found.push({ kind: 'bool', value: word === 'True' });
      else if (['and', 'or', 'not', 'in', 'is', 'None'].includes(word)) found.push({ kind: word });
      else found.push({ kind: 'name', value: word });
    } else found.push({ kind: match[4] });
  }
  return found;
}

const COMPARE = ['==', '!=', '>', '<', '>=', '<='];
const ORDER = ['>', '<', '>=', '<='];

// A date or number compared by order is written guarded, so a case without the answer yet is not
// stopped by comparing nothing with a value: `review_date and review_date > "2026-03-01"`,
// `score is not None and score > 3`. Reading drops the guard in front of its comparison.
function unguarded(found) {
  if (!found) return null;
  const kept = [];
  for (let i = 0; i < found.length; i += 1) {
    const token = found[i];
    const starts = i === 0 || ['and', 'or', '('].includes(found[i - 1].kind);
    const guard = token.kind === 'name' && starts ? guardLength(found, i) : 0;
    if (guard) {
      const compared = found[i + guard];
      if (compared && compared.kind === 'name' && compared.value === token.value
          && found[i + guard + 1] && ORDER.includes(found[i + guard + 1].kind)) {
        found[i + guard].guarded = guard === 2 ? 'date' : 'number';
        i += guard - 1;
        continue;
      }
    }
    kept.push(token);
  }
  return kept;
}

function guardLength(found, i) {
  const kinds = found.slice(i + 1, i + 5).map((t) => t.kind);
  if (kinds[0] === 'and') return 2;
  if (kinds.join(' ') === 'is not None and') return 5;
  return 0;
}

// One clause's tokens as a row, or null.
function clause(parts) {
  const kinds = parts.map((p) => p.kind).join(' ');
  if (kinds === 'name ( name )' && parts[0].value === 'bool') return { fact: parts[2].value, op: 'answered' };
  if (kinds === 'not name') return { fact: parts[1].value, op: 'unanswered' };
  if (parts.length === 3 && parts[0].kind === 'name' && COMPARE.includes(parts[1].kind)
      && ['string', 'number', 'bool'].includes(parts[2].kind)) {
    return { fact: parts[0].value, op: parts[1].kind, value: parts[2].value, guarded: parts[0].guarded };
  }
  const negated = parts[1] && parts[1].kind === 'not';
  const rest = parts.slice(negated ? 2 : 1);
  if (parts[0] && parts[0].kind === 'name' && rest.length >= 3 && rest[0].kind === 'in' && rest[1].kind === '('
      && rest[rest.length - 1].kind === ')') {
    const inside = rest.slice(2, -1);
    const values = [];
    for (let i = 0; i < inside.length; i += 1) {
      const part = inside[i];
      if (i % 2 === 0) {
        if (part.kind !== 'string') return null;
        values.push(part.value);
      } else if (part.kind !== ',') return null;
    }
    if (!values.length) return null;
    return { fact: parts[0].value, op: negated ? 'not in' : 'in', values };
  }
  return null;
}

// The operators each kind of fact offers, with their words.
const OPERATORS = {
  'yes/no': [['==', 'is'], ['!=', 'is not']],
  choice: [['==', 'is'], ['!=', 'is not'], ['in', 'is one of'], ['not in', 'is none of'],
    ['answered', 'has an answer'], ['unanswered', 'has no answer']],
  text: [['==', 'is'], ['!=', 'is not'], ['answered', 'has an answer'], ['unanswered', 'has no answer']],
  number: [['==', 'is'], ['!=', 'is not'], ['>', 'is more than'], ['<', 'is less than'], ['>=', 'is at least'],
    ['<=', 'is at most']],
  date: [['==', 'is on'], ['>', 'is after'], ['<', 'is before'], ['answered', 'has an answer'],
    ['unanswered', 'has no answer']],
};
const DATE = /^\d{4}-\d{2}-\d{2}$/;

// Whether a read row is one the builder can show for its fact's kind.
function fits(row) {
  const fact = CaseFacts.get(row.fact);
  if (!fact || !OPERATORS[fact.type] || !OPERATORS[fact.type].some(([op]) => op === row.op)) return false;
  if (row.op === 'answered' || row.op === 'unanswered') return true;
  if (row.values) return row.values.every((v) => typeof v === 'string');
  const kind = typeof row.value;
  if (fact.type === 'yes/no') return kind === 'boolean';
  // Compared by order without its guard, the condition is left as written (it is not what the rows write).
  if (ORDER.includes(row.op) && row.guarded !== fact.type) return false;
  if (fact.type === 'number') return kind === 'number';
  if (fact.type === 'date') return kind === 'string' && DATE.test(row.value);
  return kind === 'string';
}

// Tokens split at their outermost `and` / `or`: { join, clauses }, or null when both are mixed there.
function split(found) {
  const clauses = [[]];
  const joins = new Set();
  let depth = 0;
  for (const token of found) {
    if (token.kind === '(') depth += 1;
    if (token.kind === ')') depth -= 1;
    if (depth < 0) return null;
    if (depth === 0 && (token.kind === 'and' || token.kind === 'or')) {
      joins.add(token.kind);
      clauses.push([]);
    } else clauses[clauses.length - 1].push(token);
  }
  if (depth !== 0 || joins.size > 1 || clauses.some((c) => !c.length)) return null;
  return { join: joins.has('or') ? 'or' : 'and', clauses };
}

// The inside of a clause wholly in brackets (a group of facts), or null.
function bracketed(parts) {
  if (!parts.length || parts[0].kind !== '(' || parts[parts.length - 1].kind !== ')') return null;
  let depth = 0;
  for (let i = 0; i < parts.length; i += 1) {
    if (parts[i].kind === '(') depth += 1;
    if (parts[i].kind === ')') depth -= 1;
    if (depth === 0 && i < parts.length - 1) return null;
  }
  return parts.slice(1, -1);
}

function readRow(parts) {
  const row = clause(parts);
  return row && fits(row) ? row : null;
}

// An expression as { join: 'and' | 'or', rows } (a row may be a group of rows joined the other way:
// `(unsure == True or statutory_power == "none_identified") and urgency != "emergency"`), or null
// when the builder cannot say it.
function readCondition(text) {
  const trimmed = (text || '').trim();
  if (!trimmed) return { join: 'and', rows: [] };
  const found = unguarded(tokens(trimmed));
  if (!found || !found.length) return null;
  const top = split(found);
  if (!top) return null;
  const rows = [];
  for (const parts of top.clauses) {
    const inside = bracketed(parts);
    if (!inside) {
      const row = readRow(parts);
      if (!row) return null;
      rows.push(row);
      continue;
    }
    const inner = split(inside);
    if (!inner || inner.clauses.length < 2 || (top.clauses.length > 1 && inner.join === top.join)) return null;
    const grouped = inner.clauses.map((c) => (bracketed(c) ? null : readRow(c)));
    if (grouped.some((row) => !row)) return null;
    rows.push({ group: true, join: inner.join, rows: grouped });
  }
  const join = top.clauses.length === 1 && rows[0].group ? other(rows[0].join) : top.join;
  return { join, rows };
}

function other(join) { return join === 'or' ? 'and' : 'or'; }

function literal(fact, value) {
  if (fact.type === 'yes/no') return value ? 'True' : 'False';
  if (fact.type === 'number') return String(value);
  return CaseFacts.quote(value);
}

// A complete row as its expression, or null while something is still to be chosen.
function rowExpression(row) {
  const fact = CaseFacts.get(row.fact);
  if (!fact || !row.op) return null;
  if (row.op === 'answered') return `bool(${fact.name})`;
  if (row.op === 'unanswered') return `not ${fact.name}`;
  if (row.op === 'in' || row.op === 'not in') {
    if (!row.values || !row.values.length) return null;
    const listed = row.values.map((v) => CaseFacts.quote(v)).join(', ');
    return `${fact.name} ${row.op} (${listed}${row.values.length === 1 ? ',' : ''})`;
  }
  if (row.value === undefined || row.value === null || row.value === ''
      || (fact.type === 'number' && !Number.isFinite(row.value))) return null;
  const compared = `${fact.name} ${row.op} ${literal(fact, row.value)}`;
  if (!ORDER.includes(row.op)) return compared;
  return fact.type === 'number' ? `${fact.name} is not None and ${compared}` : `${fact.name} and ${compared}`;
}

function itemExpression(item) {
  if (!item.group) return rowExpression(item);
  const parts = item.rows.map(rowExpression);
  if (!parts.length || parts.some((part) => part === null)) return null;
  return parts.length === 1 ? parts[0] : `(${parts.join(` ${item.join} `)})`;
}

function writeCondition(condition) {
  const parts = condition.rows.map(itemExpression);
  if (parts.some((part) => part === null)) return null;
  return parts.join(` ${condition.join} `);
}

function joined(words, join) { return words.join(join === 'or' ? ', or ' : ', and '); }

function itemWords(item) {
  if (!item.group) return rowWords(item);
  return `(${item.join === 'or' ? 'either' : 'all of'} ${joined(item.rows.map(rowWords), item.join)})`;
}

function dateWords(value) {
  const [year, month, day] = value.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day)).toLocaleDateString('en-GB', {
    day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

function rowWords(row) {
  const fact = CaseFacts.get(row.fact);
  if (!fact) return '…';
  const question = `“${fact.label}”`;
  const op = (OPERATORS[fact.type].find(([o]) => o === row.op) || [null, '…'])[1];
  if (row.op === 'answered' || row.op === 'unanswered') return `${question} ${op}`;
  if (row.values) {
    return row.values.length ? `${question} ${op} ${row.values.map((v) => `‘${CaseFacts.words(fact, v)}’`).join(', ')}`
      : `${question} ${op} …`;
  }
  if (row.value === undefined || row.value === '' || row.value === null) return `${question} ${op} …`;
  if (fact.type === 'yes/no') return `${question} ${op} ${row.value ? 'Yes' : 'No'}`;
  if (fact.type === 'date') return `${question} ${op} ${dateWords(row.value)}`;
  if (fact.type === 'number') return `${question} ${op} ${row.value}`;
  return `${question} ${op} ‘${CaseFacts.words(fact, row.value)}’`;
}

// Where a fact comes from, in words: "Asked at step 'Verify the requester'", "Worked out by decision table …".
function whereFrom(fact) {
  const given = (fact.from || []).filter((where) => where !== 'a starting value of the process');
  const said = (given.length ? given : fact.from || []).map((where) => {
    if (where.startsWith('step ')) return `asked at ${where}`;
    if (where.startsWith('decision table ')) return `worked out by ${where}`;
    if (where === 'when the case is started') return 'answered when the case is started';
    return where === 'a starting value of the process' ? 'set when the process starts' : where;
  });
  const text = said.slice(0, 3).join('; ') + (said.length > 3 ? `; and ${said.length - 3} more` : '');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// ---- The builder on the properties panel.
class ConditionBuilder {
  // holder: the element the rows go in; raw: the expression's text box (kept; the panel reads it).
  constructor({ holder, raw, factsUrl }) {
    this.holder = holder;
    this.raw = raw;
    this.key = null;
    this.written = null;
    this.condition = { join: 'and', rows: [] };
    this.counter = 0;
    this.ready = false;
    holder.replaceChildren(this.element('p', { className: 'hint' }, 'Loading the case facts…'));
    CaseFacts.reloaded.push(() => {
      // The rows on screen are drawn again with the new facts, unless one is still being filled in.
      if (this.key === null || this.expression || writeCondition(this.condition) === null) return;
      const { key } = this;
      this.key = null;
      this.show(key, this.raw.value);
    });
    CaseFacts.load(factsUrl).then(() => {
      this.ready = true;
      const { key } = this;
      this.key = null;
      if (key !== null) this.show(key, this.raw.value);
    }).catch((error) => {
      holder.replaceChildren(this.element('p', { className: 'hint' },
        `The case facts could not be loaded (${error.message}): write the condition as an expression.`));
    });
  }

  element(tag, props = {}, ...children) {
    const made = Object.assign(document.createElement(tag), props);
    made.append(...children);
    return made;
  }

  // Show a flow's condition (key: the flow's id). The same flow with the text the builder last wrote
  // keeps its rows, so a row still being filled in is not lost when the panel is shown again.
  show(key, text) {
    if (!this.ready) { this.key = key; return; }
    if (key === this.key && text === this.written) return;
    this.key = key;
    this.written = text;
    const read = readCondition(text);
    this.expression = !read;
    this.condition = read || { join: 'and', rows: [] };
    this.render();
  }

  // Write the rows into the expression box and let the panel keep it; nothing while a row is unfinished.
  write() {
    const text = writeCondition(this.condition);
    this.renderPreview(text);
    if (text === null) return;
    this.written = text;
    this.raw.value = text;
    this.raw.dispatchEvent(new Event('change', { bubbles: true }));
  }

  render() {
    const parts = [];
    if (this.expression) {
      parts.push(this.element('p', { className: 'condition-as-written' },
        this.element('strong', {}, 'Written as an expression. '),
        'The rows cannot say it; it is kept as it is and can be changed in the box below (for experts).'));
      const restart = this.element('button', { type: 'button', className: 'secondary' }, 'Start again with rows');
      restart.addEventListener('click', () => {
        this.expression = false;
        this.condition = { join: 'and', rows: [this.blankRow()] };
        this.render();
      });
      parts.push(restart);
      this.holder.replaceChildren(...parts);
      return;
    }
    if (this.condition.rows.length > 1) {
      const join = this.element('select', { id: 'condition-join' });
      [['and', 'all of these are true'], ['or', 'any of these is true']].forEach(([value, words]) => {
        join.append(this.element('option', { value, selected: this.condition.join === value }, words));
      });
      join.addEventListener('change', () => {
        this.condition.join = join.value;
        this.condition.rows.forEach((item) => { if (item.group) item.join = other(join.value); });
        this.render();
        this.write();
        this.holder.querySelector('#condition-join').focus();
      });
      parts.push(this.element('p', { className: 'condition-join' },
        this.element('label', { htmlFor: 'condition-join' }, 'Taken when '), join));
    }
    const list = this.element('ol', { className: 'condition-rows', id: 'condition-rows' });
    this.condition.rows.forEach((item, index) => list.append(item.group ? this.renderGroup(item, index)
      : this.renderRow(item, index, this.condition.rows, this.condition.join)));
    parts.push(list);
    const add = this.element('button', { type: 'button', className: 'secondary', id: 'condition-add' },
      this.condition.rows.length ? 'Add another fact' : 'Add a fact to check');
    add.addEventListener('click', () => {
      this.condition.rows.push(this.blankRow());
      this.render();
      const selects = this.holder.querySelectorAll('.condition-fact');
      if (selects.length) selects[selects.length - 1].focus();
    });
    parts.push(add);
    if (this.condition.rows.length) {
      const either = other(this.condition.join);
      const group = this.element('button', { type: 'button', className: 'secondary', id: 'condition-add-group' },
        either === 'or' ? 'Add a group: any one of several facts' : 'Add a group: all of several facts');
      group.addEventListener('click', () => {
        this.condition.rows.push({ group: true, join: either, rows: [this.blankRow(), this.blankRow()] });
        this.render();
      });
      parts.push(group);
    }
    parts.push(this.element('p', { className: 'condition-preview', id: 'condition-preview', role: 'status' }));
    this.holder.replaceChildren(...parts);
    this.renderPreview(writeCondition(this.condition));
  }

  renderPreview(text) {
    const preview = this.holder.querySelector('#condition-preview');
    if (!preview) return;
    const { rows, join } = this.condition;
    if (!rows.length) {
      preview.textContent = 'Always taken (no condition): add a fact to check.';
      return;
    }
    const said = joined(rows.map(itemWords), join);
    preview.textContent = text === null ? `When: ${said}. Finish the row to keep it.` : `When: ${said}.`;
  }

  blankRow() { return { fact: '', op: '' }; }

  // A group of facts joined the other way from the rows around it, with its own rows.
  renderGroup(group, index) {
    const item = this.element('li', { className: 'condition-row condition-group' });
    const said = group.join === 'or' ? 'any one of these is true' : 'all of these are true';
    item.append(this.element('p', { className: 'condition-group-title' },
      this.element('strong', {}, `${index ? `${this.condition.join} ` : ''}${said}:`)));
    const list = this.element('ol', { className: 'condition-rows' });
    group.rows.forEach((row, at) => list.append(this.renderRow(row, at, group.rows, group.join)));
    const add = this.element('button', { type: 'button', className: 'secondary' }, 'Add a fact to this group');
    add.addEventListener('click', () => { group.rows.push(this.blankRow()); this.render(); });
    item.append(list, add);
    return item;
  }

  renderRow(row, index, list, join) {
    this.counter += 1;
    const id = `condition-row-${this.counter}`;
    const item = this.element('li', { className: 'condition-row' });
    const factLabel = this.element('label', { htmlFor: `${id}-fact` }, index ? join : 'The fact');
    const fact = this.element('select', { id: `${id}-fact`, className: 'condition-fact' });
    fact.append(this.element('option', { value: '' }, 'Choose a fact'));
    const groups = new Map();
    CaseFacts.list.forEach((known) => {
      const where = (known.from && known.from[0]) || 'elsewhere';
      if (!groups.has(where)) groups.set(where, []);
      groups.get(where).push(known);
    });
    [...groups.keys()].sort((a, b) => (a === 'when the case is started' ? -1 : b === 'when the case is started' ? 1
      : a.localeCompare(b))).forEach((where) => {
      const group = this.element('optgroup', { label: `From ${where}` });
      groups.get(where).forEach((known) => group.append(this.element('option',
        { value: known.name, selected: known.name === row.fact, title: known.name }, known.label)));
      fact.append(group);
    });
    fact.addEventListener('change', () => {
      const chosen = CaseFacts.get(fact.value);
      row.fact = fact.value;
      row.op = chosen ? OPERATORS[chosen.type][0][0] : '';
      delete row.value;
      delete row.values;
      if (chosen && chosen.type === 'yes/no') row.value = true;
      this.rerenderRow(item, row, index, list, join);
      this.write();
    });
    item.append(factLabel, fact);
    const known = CaseFacts.get(row.fact);
    if (known) {
      item.append(this.element('p', { className: 'condition-from' }, whereFrom(known)));
      const op = this.element('select', { id: `${id}-op`, className: 'condition-op',
        ariaLabel: `How “${known.label}” is compared` });
      OPERATORS[known.type].forEach(([value, words]) => op.append(this.element('option',
        { value, selected: value === row.op }, words)));
      op.addEventListener('change', () => {
        const many = op.value === 'in' || op.value === 'not in';
        if (many && !row.values) row.values = row.value !== undefined && row.value !== '' ? [row.value] : [];
        if (!many && row.values) { row.value = row.values[0]; delete row.values; }
        row.op = op.value;
        this.rerenderRow(item, row, index, list, join);
        this.write();
      });
      item.append(op, this.valueControl(known, row, id));
    }
    const remove = this.element('button', { type: 'button', className: 'secondary condition-remove' }, 'Remove');
    remove.setAttribute('aria-label', `Remove ${known ? `“${known.label}”` : 'this row'}`);
    remove.addEventListener('click', () => {
      list.splice(index, 1);
      this.condition.rows = this.condition.rows.filter((kept) => !kept.group || kept.rows.length);
      this.render();
      this.write();
    });
    item.append(remove);
    return item;
  }

  rerenderRow(item, row, index, list, join) { item.replaceWith(this.renderRow(row, index, list, join)); }

  valueControl(fact, row, id) {
    const holder = this.element('div', { className: 'condition-value' });
    if (row.op === 'answered' || row.op === 'unanswered') return holder;
    const changed = () => { this.renderPreview(writeCondition(this.condition)); this.write(); };
    if (fact.type === 'yes/no') {
      const set = this.element('fieldset', { className: 'condition-yes-no' },
        this.element('legend', { className: 'visually-hidden' }, `The answer to “${fact.label}”`));
      [[true, 'Yes'], [false, 'No']].forEach(([value, words]) => {
        const radio = this.element('input', { type: 'radio', name: `${id}-yes-no`, id: `${id}-${words}`,
          checked: row.value === value });
        radio.addEventListener('change', () => { row.value = value; changed(); });
        set.append(radio, this.element('label', { htmlFor: `${id}-${words}` }, words));
      });
      holder.append(set);
    } else if (fact.type === 'choice' && row.values) {
      const set = this.element('fieldset', { className: 'condition-choices' },
        this.element('legend', { className: 'visually-hidden' }, `The answers to “${fact.label}”`));
      fact.options.forEach((option, at) => {
        const box = this.element('input', { type: 'checkbox', id: `${id}-choice-${at}`,
          checked: row.values.includes(option.value), value: option.value });
        box.addEventListener('change', () => {
          const wanted = new Set(fact.options.filter((_, i) => holder.querySelector(`#${id}-choice-${i}`).checked)
            .map((o) => o.value));
          row.values = fact.options.map((o) => o.value).filter((v) => wanted.has(v));
          changed();
        });
        set.append(this.element('div', {}, box, this.element('label', { htmlFor: `${id}-choice-${at}` }, option.words)));
      });
      holder.append(set);
    } else if (fact.type === 'choice') {
      const select = this.element('select', { id: `${id}-value`, className: 'condition-choice' });
      select.setAttribute('aria-label', `The answer to “${fact.label}”`);
      select.append(this.element('option', { value: '' }, 'Choose an answer'));
      fact.options.forEach((option) => select.append(this.element('option',
        { value: option.value, selected: option.value === row.value }, option.words)));
      if (row.value && !fact.options.some((o) => o.value === row.value)) {
        select.append(this.element('option', { value: row.value, selected: true }, row.value));
      }
      select.addEventListener('change', () => { row.value = select.value; changed(); });
      holder.append(select);
    } else {
      const input = this.element('input', { id: `${id}-value`, className: 'condition-input',
        type: fact.type === 'number' ? 'number' : fact.type === 'date' ? 'date' : 'text' });
      input.setAttribute('aria-label', `The answer to “${fact.label}”`);
      if (row.value !== undefined) input.value = String(row.value);
      input.addEventListener('change', () => {
        row.value = fact.type === 'number' ? (input.value === '' ? '' : Number(input.value)) : input.value;
        changed();
      });
      holder.append(input);
    }
    return holder;
  }
}

window.ConditionBuilder = ConditionBuilder;
window.CaseFacts = CaseFacts;
window.readCondition = readCondition;
window.writeCondition = writeCondition;
