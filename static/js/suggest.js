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
      const shared = new Set(
        regions.map((r) => r.name).filter((name, i, names) => names.indexOf(name) !== i),
      );
      list.replaceChildren(
        ...regions.map((region) => {
          const option = document.createElement("option");
          // A name two regions share would be a choice to make again: give the code.
          option.value = shared.has(region.name) ? region.code : region.name;
          option.label = [region.name, region.parent, region.code].filter(Boolean).join(" · ");
          return option;
        }),
      );
    }, 250);
  });
}
