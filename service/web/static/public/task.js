// A task's form: the error summary in view, entries added and removed, suggestions shown as other
// answers are given, follow-up questions only once called for. Loaded from a file: the pages allow no
// inline script (Content-Security-Policy).
// The first problem is read out and in view: the summary at the top takes the focus.
document.getElementById('error-summary')?.focus();
// Entries (people, pieces of information) can be added and removed.
for (const list of document.querySelectorAll('fieldset.rows-field')) {
  const rows = list.querySelector('.rows'), template = list.querySelector('template');
  const add = list.querySelector('.add-row');
  let next = rows.children.length;
  const number = () => rows.querySelectorAll(':scope > fieldset.row').forEach((row, i) => {
    row.querySelector(':scope > legend').textContent = `${list.dataset.entry} ${i + 1}`;
    const remove = row.querySelector(':scope > .remove-row');
    remove.hidden = rows.children.length < 2;
    remove.textContent = `Remove ${list.dataset.entry.toLowerCase()} ${i + 1}`;
  });
  add.hidden = false;
  add.addEventListener('click', () => {
    const html = template.innerHTML.replaceAll('__INDEX__', String(next)).replaceAll('__NUMBER__', String(next + 1));
    next += 1;
    rows.insertAdjacentHTML('beforeend', html);
    number();
    rows.lastElementChild.querySelector('input, textarea')?.focus();
  });
  rows.addEventListener('click', (event) => {
    if (!event.target.matches('.remove-row')) return;
    event.target.closest('fieldset.row').remove();
    number();
    add.focus();
  });
  number();
}
// A suggestion that follows another answer on the page shows once that answer is given.
const suggest = () => {
  for (const note of document.querySelectorAll('[data-suggest]')) {
    const when = JSON.parse(note.dataset.suggest);
    note.hidden = !Object.entries(when).every(([name, value]) =>
      [...document.querySelectorAll(`input[name="${name}"]:checked`)].some((box) => box.value === String(value)));
  }
};
document.addEventListener('change', suggest);
suggest();
// A date of birth that makes someone under 18 suggests they are the child (shown, never chosen for them).
const under18 = (text) => {
  const found = text.match(/(\d{4})-(\d{2})-(\d{2})|(\d{1,2})[/.](\d{1,2})[/.](\d{4})/);
  if (!found) return false;
  const born = found[1] ? new Date(+found[1], +found[2] - 1, +found[3]) : new Date(+found[6], +found[5] - 1, +found[4]);
  const adult = new Date(born.getFullYear() + 18, born.getMonth(), born.getDate());
  return !Number.isNaN(born.getTime()) && born < new Date() && new Date() < adult;
};
const ages = () => {
  for (const note of document.querySelectorAll('[data-suggest-under-18]')) {
    const source = document.querySelector(`[name="${note.getAttribute('data-suggest-under-18')}"]`);
    note.hidden = !(source && under18(source.value));
  }
};
document.addEventListener('input', ages);
ages();
// Show a follow-up question only once the answer that calls for it is given.
(() => {
  const rules = JSON.parse(document.getElementById('field-conditions').textContent);
  const answerOf = (name) => {
    const picked = document.querySelector(`input[name="${name}"]:checked`);
    // A hidden question counts as unanswered, so a follow-up of a follow-up hides with it.
    if (!picked || picked.closest('.field')?.hidden) return undefined;
    return picked.value === 'yes' ? true : picked.value === 'no' ? false : picked.value;
  };
  const update = () => {
    for (const [field, when] of Object.entries(rules)) {
      const box = document.getElementById(`field-${field}`);
      if (!box) continue;
      const wanted = when.some(([question, value]) => answerOf(question) === value);
      box.hidden = !wanted && !box.classList.contains('has-error');
    }
  };
  document.addEventListener('change', update);
  update();
})();
