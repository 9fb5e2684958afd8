// The modeler's timer picker: a number and a unit (and, when wanted, another for same-day cases),
// written as the expression the engine reads with the deadline helpers the service knows
// (in_working_hours(n), in_working_days(n), in_school_days(n)); calendar days are an ISO 8601
// duration ("P3D"). An expression it does not understand is shown as written and stays editable.
/* exported TimerPicker */
const TIMER_UNITS = [
  { value: 'working_hours', one: 'working hour', many: 'working hours', helper: 'in_working_hours', whole: false },
  { value: 'working_days', one: 'working day', many: 'working days', helper: 'in_working_days', whole: true },
  { value: 'school_days', one: 'school day', many: 'school days', helper: 'in_school_days', whole: true },
  { value: 'calendar_days', one: 'calendar day', many: 'calendar days', whole: true, duration: true },
];
const TIMER_NUMBER = '(\\d+(?:\\.\\d+)?)';
const TIMER_CALL = `in_(working_hours|working_days|school_days)\\(\\s*${TIMER_NUMBER}\\s*\\)`;
const TIMER_ONE = new RegExp(`^\\s*${TIMER_CALL}\\s*$`);
const TIMER_BY_URGENCY = new RegExp(
  `^\\s*${TIMER_CALL}\\s+if\\s+urgency\\s*==\\s*(["'])same_day\\3\\s+else\\s+${TIMER_CALL}\\s*$`);
const TIMER_DURATION = /^\s*(["'])P(\d+)D\1\s*$/;

class TimerPicker {
  constructor(fields) {
    this.f = fields;
    this.kind = 'timeDate';
    for (const select of [fields.unit, fields.sameDayUnit]) {
      select.replaceChildren(...TIMER_UNITS.map((unit) => new Option(unit.many, unit.value)));
    }
    fields.byUrgency.addEventListener('change', () => this.showRows());
  }

  static unit(value) { return TIMER_UNITS.find((u) => u.value === value); }

  static words(amount, unit) { return `${amount} ${Number(amount) === 1 ? unit.one : unit.many}`; }

  // What the picker understands of an expression, or null.
  static parse(kind, body) {
    const text = body || '';
    const duration = TIMER_DURATION.exec(text);
    if (duration) return { byUrgency: false, other: { amount: duration[2], unit: 'calendar_days' } };
    if (kind === 'timeDuration' || kind === 'timeCycle') return null;
    const one = TIMER_ONE.exec(text);
    if (one) return { byUrgency: false, other: { amount: one[2], unit: one[1] } };
    const both = TIMER_BY_URGENCY.exec(text);
    if (both) return { byUrgency: true, sameDay: { amount: both[2], unit: both[1] }, other: { amount: both[5], unit: both[4] } };
    return null;
  }

  // Which of the timer's elements the text belongs in: a duration, or a date and time (what the helpers give).
  kindFor(text) {
    if (TIMER_DURATION.test(text)) return 'timeDuration';
    if (/\b(in_working_hours|in_working_days|in_school_days|by_end_of_working_day|at_start_of)\s*\(/.test(text)) return 'timeDate';
    return this.kind;
  }

  showRows() {
    const { f } = this;
    const byUrgency = f.byUrgency.checked;
    f.sameDayRow.hidden = !byUrgency;
    f.amountLabel.textContent = byUrgency ? 'Other cases: after' : 'After';
    // A date helper and a duration cannot share one expression: calendar days only for every case alike.
    for (const select of [f.unit, f.sameDayUnit]) {
      const calendar = select.querySelector('option[value=calendar_days]');
      calendar.disabled = byUrgency;
      if (byUrgency && select.value === 'calendar_days') select.value = 'working_days';
    }
  }

  summary(parsed) {
    const other = TimerPicker.words(parsed.other.amount, TimerPicker.unit(parsed.other.unit));
    if (!parsed.byUrgency) return `Fires after ${other}.`;
    const sameDay = TimerPicker.words(parsed.sameDay.amount, TimerPicker.unit(parsed.sameDay.unit));
    return `Fires after ${sameDay} for a same-day case, ${other} for any other.`;
  }

  render(parsed, body) {
    const { f } = this;
    f.byUrgency.checked = !!(parsed && parsed.byUrgency);
    f.amount.value = parsed ? parsed.other.amount : '';
    f.unit.value = parsed ? parsed.other.unit : 'working_days';
    f.sameDayAmount.value = parsed && parsed.byUrgency ? parsed.sameDay.amount : '';
    f.sameDayUnit.value = parsed && parsed.byUrgency ? parsed.sameDay.unit : 'working_hours';
    this.showRows();
    if (parsed) {
      f.note.textContent = this.summary(parsed);
    } else if (body && body.trim()) {
      const code = document.createElement('code');
      code.textContent = body;
      f.note.replaceChildren('Written as an expression: ', code,
        '. Choose a number and a unit above to replace it, or change the expression below.');
    } else {
      f.note.textContent = 'No time is set yet: choose a number and a unit.';
    }
  }

  // Show a timer's expression (kind: timeDate, timeDuration or timeCycle).
  show(kind, body) {
    this.kind = kind;
    this.f.raw.value = body;
    this.render(TimerPicker.parse(kind, body), body);
  }

  static part(amountInput, unitSelect) {
    const text = amountInput.value.trim();
    if (text === '') return { missing: true };
    const amount = Number(text);
    const unit = TimerPicker.unit(unitSelect.value);
    if (!Number.isFinite(amount) || amount < 0) return { problem: 'A time is a number of hours or days, 0 or more.' };
    if (unit.whole && !Number.isInteger(amount)) return { problem: `Count ${unit.many} in whole numbers, or use working hours for part of a day.` };
    return { amount: String(amount), unit };
  }

  // Write the picker's choice into the expression box; nothing changes while it is incomplete.
  fromPicker() {
    const { f } = this;
    this.showRows();
    const other = TimerPicker.part(f.amount, f.unit);
    const sameDay = f.byUrgency.checked ? TimerPicker.part(f.sameDayAmount, f.sameDayUnit) : null;
    const wrong = [sameDay, other].find((p) => p && p.problem);
    if (wrong) { f.note.textContent = wrong.problem; return false; }
    if (other.missing || (sameDay && sameDay.missing)) {
      f.note.textContent = f.byUrgency.checked ? 'Give a time for same-day cases and one for other cases.'
        : 'Give a number and a unit.';
      return false;
    }
    const call = (p) => `${p.unit.helper}(${p.amount})`;
    let body;
    if (sameDay) body = `${call(sameDay)} if urgency == "same_day" else ${call(other)}`;
    else if (other.unit.duration) body = `"P${other.amount}D"`;
    else body = call(other);
    f.raw.value = body;
    this.kind = this.kindFor(body);
    f.note.textContent = this.summary(TimerPicker.parse(this.kind, body));
    return true;
  }

  // A time typed in words into the expression box ("3 working days") is written as its expression.
  fromWords() {
    const words = /^\s*(?:after\s+)?(\d+(?:\.\d+)?)\s+(working hours?|working days?|school days?|calendar days?)\s*$/i
      .exec(this.f.raw.value);
    if (!words) return;
    const unit = TIMER_UNITS.find((u) => words[2].toLowerCase().startsWith(u.one));
    this.f.byUrgency.checked = false;
    this.f.amount.value = words[1];
    this.f.unit.value = unit.value;
    this.fromPicker();
  }

  // What to write into the diagram: the expression box's text, in the element it belongs in.
  value() {
    const body = this.f.raw.value.trim();
    return { kind: this.kindFor(body), body };
  }
}
