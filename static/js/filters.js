// On a phone, a list already filtered shows its results first: the filter form, a
// screen and a half tall there, is folded under its summary (one tap opens it). Without
// the script, or on a wider screen, it stays open.
for (const panel of document.querySelectorAll("details[data-fold-on-phone]")) {
  if (window.matchMedia("(max-width: 40rem)").matches) panel.open = false;
}
