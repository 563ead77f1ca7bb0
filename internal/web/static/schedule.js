// The schedule form shows only the fields that apply to the rhythm chosen:
// the server draws them for the rhythm saved, and this follows a change.
// Without this script every field shows (noscript.css), each labelled with
// when it applies.

for (const choice of document.querySelectorAll("select[data-rhythm-choice]")) {
  const form = choice.form;
  const follow = () => {
    for (const field of form.querySelectorAll("[data-rhythm]")) {
      field.hidden = !field.dataset.rhythm.split(" ").includes(choice.value);
    }
  };
  choice.addEventListener("change", follow);
  follow();
}
