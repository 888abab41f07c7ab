// Suggestions for a text box as the reader types: <input data-suggest="URL" list="ID">
// fills <datalist id="ID"> from URL?q=… (the read API's region suggestions), a moment
// after the last key, so a fast typist sends one request, not one a letter.
for (const input of document.querySelectorAll("input[data-suggest]")) {
  const list = document.getElementById(input.getAttribute("list"));
  let timer = null;
  let asked = "";
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const typed = input.value.trim();
    if (!typed || typed === asked) return;
    timer = setTimeout(async () => {
      asked = typed;
      const url = `${input.dataset.suggest}?q=${encodeURIComponent(typed)}`;
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok || input.value.trim() !== typed) return;
      const regions = await response.json();
      list.replaceChildren(
        ...regions.map((region) => {
          const option = document.createElement("option");
          // The API's value names this region alone: its name, or its slug where the
          // name is shared (鼓楼区) or was reused; the label shows parent and years.
          option.value = region.value;
          // The browser shows only options whose value or label holds what was typed:
          // say which former name matched (郊区 → 赛罕区…), or what was typed (柯城區).
          let label = region.matched ? `${region.matched} → ${region.label}` : region.label;
          if (!label.includes(typed) && !region.value.includes(typed)) {
            label = `${typed} → ${label}`;
          }
          option.label = label;
          return option;
        }),
      );
    }, 250);
  });
}
