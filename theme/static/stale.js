/* Optional: if the reader's clock says this page is older than it should be while something is open, say so.
   The page reads correctly without it: the footer always says when it was built. */
(function () {
  var note = document.getElementById("stale");
  if (!note) return;
  var built = Date.parse(note.getAttribute("data-built"));
  var limit = Number(note.getAttribute("data-stale-minutes")) * 60000;
  var age = Date.now() - built;
  if (!(age > limit)) return;
  var minutes = Math.round(age / 60000);
  var words = minutes < 120 ? minutes + " minutes" : Math.round(minutes / 60) + " hours";
  note.textContent = "This page was built " + words + " ago and has not been updated since, although something " +
    "is still open. Newer updates may exist; if you can, check again later or contact us.";
  note.hidden = false;
})();
