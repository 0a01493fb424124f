/**
 * The question form shows only the fields the chosen kind of question uses. The server
 * renders the same choice (so without JavaScript the form is two steps: the kind, then
 * its fields); this module makes it one step, changing the fields as the kind changes.
 * data-question-form holds {kind: [field names]}. Loaded by
 * templates/consultations/manage/question.html.
 */
const form = document.querySelector("[data-question-form]");
if (form) {
  const fieldsByKind = JSON.parse(form.dataset.questionForm);
  const update = () => {
    const chosen = form.querySelector("input[name=kind]:checked");
    const wanted = chosen ? fieldsByKind[chosen.value] || [] : null;
    for (const group of form.querySelectorAll("[data-question-field]")) {
      group.hidden = !wanted || !wanted.includes(group.dataset.questionField);
    }
    for (const step of form.querySelectorAll("[data-question-step]")) {
      step.hidden = true; // the no-JavaScript Continue buttons are not needed here
    }
    for (const save of form.querySelectorAll("[data-question-save]")) {
      save.hidden = !wanted;
    }
  };
  form.addEventListener("change", (event) => {
    if (event.target.name === "kind") update();
  });
  update();
}
