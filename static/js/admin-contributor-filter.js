// The story list's contributor filter: where scripts run, the admin's own contributor
// autocomplete (select2, started by the admin's autocomplete.js) replaces the text box,
// and choosing a contributor goes to ?contributor=<id> with the list's other
// parameters; clearing it shows every contributor's stories again. Without scripts the
// text box takes a name (archive.admin.filters.ContributorListFilter).
"use strict";
django.jQuery(($) => {
  for (const form of document.querySelectorAll("form.contributor-filter")) {
    const typed = form.querySelector(".contributor-filter-typed");
    const box = typed.querySelector("input[type=search]");
    const picker = form.querySelector(".contributor-filter-picker");
    const select = picker.querySelector("select");
    typed.hidden = true;
    picker.hidden = false;
    // select2 tells of a choice through jQuery's events, not the DOM's.
    $(select).on("change", () => {
      box.value = select.value;
      box.disabled = !select.value; // cleared: no contributor parameter at all
      form.submit();
    });
  }
});
